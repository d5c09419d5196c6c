package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /orgs/{org}/sync} end to end: the api function takes the lease and invokes the sync
 * function asynchronously through Lambda's Invoke API (the gateway's), which syncs the org.
 */
@WithLocalStack
class SyncRequestIT {

  private final LocalStack stack;

  SyncRequestIT(LocalStack stack) {
    this.stack = stack;
  }

  @Test
  void twoRequestsAtOnceStartOneRunWhichSyncsTheOrg() throws Exception {
    String org = orgWithSyncKey();
    ApiClient manager = stack.api().as(LocalStack.OWNER);

    CompletableFuture<ApiResponse> first =
        CompletableFuture.supplyAsync(() -> manager.post("/orgs/" + org + "/sync", null));
    CompletableFuture<ApiResponse> second =
        CompletableFuture.supplyAsync(() -> manager.post("/orgs/" + org + "/sync", null));
    List<String> statuses =
        List.of(
            first.get().json().get("status").asText(), second.get().json().get("status").asText());

    assertThat(first.get().status()).isEqualTo(202);
    assertThat(second.get().status()).isEqualTo(202);
    assertThat(statuses).containsExactlyInAnyOrder("queued", "running");
    stack.gateway().awaitAsyncInvocations(Duration.ofMinutes(2));
    ApiResponse sync = manager.get("/orgs/" + org + "/sync");
    assertThat(sync.json().get("status").asText()).as(sync.body()).isEqualTo("idle");
    assertThat(sync.json().get("last_success_at").isNull()).isFalse();

    ApiResponse again = manager.post("/orgs/" + org + "/sync", null);
    assertThat(again.json().get("status").asText()).isEqualTo("queued");
    stack.gateway().awaitAsyncInvocations(Duration.ofMinutes(2));
  }

  @Test
  void withoutASyncKeyARequestIsKeyNotConnected() {
    ApiResponse created =
        stack.api().as(LocalStack.OWNER).post("/orgs", Map.of("name", "No Key Co", "mode", "test"));
    String org = created.json().get("org_id").asText();

    ApiResponse response = stack.api().as(LocalStack.OWNER).post("/orgs/" + org + "/sync", null);

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("key_not_connected");
    assertThat(response.json().at("/error/purpose").asText()).isEqualTo("sync");
  }

  private String orgWithSyncKey() throws Exception {
    String file = System.getenv("STRIPE_LAYER_KEYS");
    assertThat(file).as("STRIPE_LAYER_KEYS (set by make test)").isNotBlank();
    String key = new ObjectMapper().readTree(Path.of(file).toFile()).at("/keys/sync/key").asText();
    ApiResponse created =
        stack
            .api()
            .as(LocalStack.OWNER)
            .post("/orgs", Map.of("name", "Sync Request Co", "mode", "test"));
    String org = created.json().get("org_id").asText();
    ApiResponse connected =
        stack.api().as(LocalStack.OWNER).put("/orgs/" + org + "/keys/sync", Map.of("key", key));
    assertThat(connected.status()).as(connected.body()).isEqualTo(200);
    return org;
  }
}
