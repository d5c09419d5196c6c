package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.dynamodb.DynamoDbIdempotencyStore;
import com.agentbilly.domain.OrgId;
import com.agentbilly.port.IdempotencyStore.Claimed;
import com.agentbilly.port.IdempotencyStore.Completed;
import com.agentbilly.port.IdempotencyStore.InProgress;
import com.agentbilly.port.IdempotencyStore.Mismatch;
import com.agentbilly.port.IdempotencyStore.RequestKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The idempotency records on the local table (moto), every rule of the port. */
@WithLocalStack
class DynamoDbIdempotencyStoreIT {

  private static final Duration LEASE = Duration.ofSeconds(35);
  private static final Duration RETENTION = Duration.ofHours(24);
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  private final DynamoDbClient dynamo =
      DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
  private final String table;
  private final DynamoDbIdempotencyStore store;
  private final RequestKey request =
      new RequestKey(OrgId.generate(new SecureRandom()), "user-1", "key-" + System.nanoTime());

  DynamoDbIdempotencyStoreIT(LocalStack stack) {
    this.table = stack.info().table();
    this.store = new DynamoDbIdempotencyStore(dynamo, table);
  }

  @Test
  void theFirstClaimHoldsTheRecordAndItsCompletionIsReplayed() {
    assertThat(store.claim(request, "fp", NOW, LEASE, RETENTION)).isEqualTo(new Claimed(false));
    assertThat(store.claim(request, "fp", NOW.plusSeconds(1), LEASE, RETENTION))
        .isInstanceOf(InProgress.class);

    store.complete(request, "fp", 201, "{\"refund\":{\"id\":\"re_1\"}}", false);

    assertThat(store.claim(request, "fp", NOW.plusSeconds(2), LEASE, RETENTION))
        .isEqualTo(new Completed(201, "{\"refund\":{\"id\":\"re_1\"}}", false));
    store.markAudited(request, "fp");
    assertThat(store.claim(request, "fp", NOW.plusSeconds(3), LEASE, RETENTION))
        .isEqualTo(new Completed(201, "{\"refund\":{\"id\":\"re_1\"}}", true));
    assertThat(store.claim(request, "other", NOW.plusSeconds(4), LEASE, RETENTION))
        .isInstanceOf(Mismatch.class);
  }

  @Test
  void anAbandonedOrLapsedAttemptIsTakenOverOnceAsARecovery() {
    store.claim(request, "fp", NOW, LEASE, RETENTION);
    store.abandon(request, "fp");
    assertThat(store.claim(request, "fp", NOW.plusSeconds(1), LEASE, RETENTION))
        .isEqualTo(new Claimed(true));
    assertThat(store.claim(request, "fp", NOW.plusSeconds(2), LEASE, RETENTION))
        .isInstanceOf(InProgress.class);
    Instant lapsed = NOW.plusSeconds(1).plus(LEASE).plusSeconds(1);
    assertThat(store.claim(request, "fp", lapsed, LEASE, RETENTION)).isEqualTo(new Claimed(true));
    assertThat(item().get("attempts").n()).isEqualTo("3");
  }

  @Test
  void concurrentClaimsOfALapsedRecordHaveOneWinner() throws Exception {
    store.claim(request, "fp", NOW, LEASE, RETENTION);
    store.abandon(request, "fp");
    List<CompletableFuture<Object>> claims =
        IntStream.range(0, 6)
            .mapToObj(
                i ->
                    CompletableFuture.supplyAsync(
                        () ->
                            (Object)
                                store.claim(request, "fp", NOW.plusSeconds(1), LEASE, RETENTION)))
            .toList();
    List<Object> results = claims.stream().map(CompletableFuture::join).toList();

    assertThat(results.stream().filter(r -> r instanceof Claimed)).hasSize(1);
    assertThat(results.stream().filter(r -> r instanceof InProgress)).hasSize(5);
  }

  @Test
  void anExpiredRecordCountsAsAbsentAndTheRecordExpiresWithTtl() {
    store.claim(request, "fp", NOW, LEASE, RETENTION);
    store.complete(request, "fp", 201, "{}", true);
    Map<String, AttributeValue> item = item();
    assertThat(Long.parseLong(item.get("expires_at").n()))
        .isEqualTo(NOW.plus(RETENTION).getEpochSecond());
    assertThat(item.get("pk").s()).endsWith("#IDEM");
    assertThat(item.get("sk").s()).startsWith("user-1#").doesNotContain(request.key());

    assertThat(store.claim(request, "other", NOW.plus(RETENTION).plusSeconds(1), LEASE, RETENTION))
        .isEqualTo(new Claimed(false));
  }

  private Map<String, AttributeValue> item() {
    return dynamo
        .query(
            q ->
                q.tableName(table)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(
                        Map.of(
                            ":pk", AttributeValue.fromS("ORG#" + request.org().value() + "#IDEM"))))
        .items()
        .getFirst();
  }
}
