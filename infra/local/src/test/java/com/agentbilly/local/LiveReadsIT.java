package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.net.ApiResource.RequestMethod;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ?fresh=true} end to end: the api function reads the object from the local Stripe with the
 * org's viewer key (through the permission layer) and writes it to the mirror.
 */
@WithLocalStack
class LiveReadsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static JsonNode demoKeys;

  private final LocalStack stack;

  LiveReadsIT(LocalStack stack) {
    this.stack = stack;
  }

  @BeforeAll
  static void readDemoKeys() throws Exception {
    String file = System.getenv("STRIPE_LAYER_KEYS");
    assertThat(file).as("STRIPE_LAYER_KEYS (set by make test)").isNotBlank();
    demoKeys = JSON.readTree(Path.of(file).toFile());
  }

  @Test
  void aLiveReadFetchesWithTheViewerKeyAndMirrorsTheObject() throws Exception {
    String org = orgWithViewerKey();
    String email = "live-" + UUID.randomUUID() + "@example.test";
    String customer = createCustomer(email);

    ApiResponse fresh =
        stack
            .api()
            .as(LocalStack.OWNER)
            .get("/orgs/" + org + "/customers/" + customer + "?fresh=true");
    assertThat(fresh.status()).as(fresh.body()).isEqualTo(200);
    assertThat(fresh.json().get("email").asText()).isEqualTo(email);
    assertThat(fresh.json().get("synced_at").asText()).isNotBlank();

    ApiResponse mirrored =
        stack.api().as(LocalStack.OWNER).get("/orgs/" + org + "/customers/" + customer);
    assertThat(mirrored.status()).isEqualTo(200);
    assertThat(mirrored.json().get("email").asText()).isEqualTo(email);
    assertThat(
            stack
                .api()
                .as(LocalStack.OWNER)
                .get("/orgs/" + org + "/customers?email=" + email)
                .json()
                .get("data")
                .findValuesAsText("id"))
        .containsExactly(customer);
  }

  @Test
  void anObjectStripeDoesNotHaveIsNotFound() {
    String org = orgWithViewerKey();
    ApiResponse response =
        stack
            .api()
            .as(LocalStack.OWNER)
            .get("/orgs/" + org + "/customers/cus_nobodyhere?fresh=true");
    assertThat(response.status()).as(response.body()).isEqualTo(404);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("not_found");
  }

  @Test
  void withoutAViewerKeyALiveReadIsKeyNotConnected() {
    String org = createOrg();
    ApiResponse response =
        stack.api().as(LocalStack.OWNER).get("/orgs/" + org + "/charges/ch_any?fresh=true");
    assertThat(response.status()).as(response.body()).isEqualTo(409);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("key_not_connected");
    assertThat(response.json().at("/error/purpose").asText()).isEqualTo("viewer");
  }

  private String orgWithViewerKey() {
    String org = createOrg();
    ApiResponse connected =
        stack
            .api()
            .as(LocalStack.OWNER)
            .put(
                "/orgs/" + org + "/keys/viewer",
                Map.of("key", demoKeys.at("/keys/viewer/key").asText()));
    assertThat(connected.status()).as(connected.body()).isEqualTo(200);
    return org;
  }

  private String createOrg() {
    ApiResponse created =
        stack.api().as(LocalStack.OWNER).post("/orgs", Map.of("name", "Live Co", "mode", "test"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("org_id").asText();
  }

  private static String createCustomer(String email) throws Exception {
    StripeClient stripe =
        StripeClient.builder()
            .setApiKey(demoKeys.get("secret_key").asText())
            .setApiBase(System.getenv("STRIPE_API_BASE"))
            .build();
    String body =
        stripe
            .rawRequest(RequestMethod.POST, "/v1/customers", "email=" + email.replace("@", "%40"))
            .body();
    return JSON.readTree(body).get("id").asText();
  }
}
