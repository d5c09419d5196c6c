package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.dynamodb.DynamoDbRequestQuota;
import com.agentbilly.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Each member's request quota on the local table (moto): the counter every container shares. */
@WithLocalStack
class RequestQuotaIT {

  private static final Duration WINDOW = Duration.ofSeconds(10);

  @RegisterExtension final CapturedLogs logs = new CapturedLogs();

  private final DynamoDbClient dynamo =
      DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
  private final String table;
  // 3 s into a window, so the window renews 7 s later.
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:03Z"));
  private final String user = "user-" + UUID.randomUUID();

  RequestQuotaIT(LocalStack stack) {
    this.table = stack.info().table();
  }

  @AfterEach
  void close() {
    dynamo.close();
  }

  @Test
  void aUserGetsTheirLimitPerWindowThenRetryAfterUntilItRenews() {
    DynamoDbRequestQuota quota = new DynamoDbRequestQuota(dynamo, table, clock, 3, WINDOW);

    List<OptionalLong> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      answers.add(quota.take(user));
    }
    clock.advance(Duration.ofSeconds(6));
    OptionalLong lastSecond = quota.take(user);
    clock.advance(Duration.ofSeconds(1));
    OptionalLong renewed = quota.take(user);

    assertThat(answers)
        .containsExactly(
            OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.of(7));
    assertThat(lastSecond).isEqualTo(OptionalLong.of(1));
    assertThat(renewed).isEmpty();
  }

  @Test
  void oneUsersQuotaLeavesAnotherUntouched() {
    DynamoDbRequestQuota quota = new DynamoDbRequestQuota(dynamo, table, clock, 1, WINDOW);
    String other = "user-" + UUID.randomUUID();

    assertThat(quota.take(user)).isEmpty();
    assertThat(quota.take(user)).isPresent();
    assertThat(quota.take(other)).isEmpty();
  }

  @Test
  void concurrentRequestsFromManyContainersGetExactlyTheLimit() throws Exception {
    int limit = 5;
    int requests = 24;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<OptionalLong>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < requests; i++) {
        // One quota object per thread, as each warm container has its own.
        DynamoDbRequestQuota container =
            new DynamoDbRequestQuota(dynamo, table, clock, limit, WINDOW);
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return container.take(user);
                }));
      }
      start.countDown();
      long allowed = 0;
      for (Future<OptionalLong> answer : answers) {
        allowed += answer.get().isEmpty() ? 1 : 0;
      }
      assertThat(allowed).isEqualTo(limit);
    }
  }

  @Test
  void theCounterIsOneItemPerUserAndWindowThatExpires() {
    new DynamoDbRequestQuota(dynamo, table, clock, 3, WINDOW).take(user);
    new DynamoDbRequestQuota(dynamo, table, clock, 3, WINDOW).take(user);

    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                get ->
                    get.tableName(table)
                        .consistentRead(true)
                        .key(
                            Map.of(
                                "pk", AttributeValue.fromS("USER#" + user + "#QUOTA"),
                                "sk",
                                    AttributeValue.fromS(
                                        Long.toString(
                                            Instant.parse("2026-11-29T12:00:00Z")
                                                .getEpochSecond())))))
            .item();

    assertThat(item.get("requests").n()).isEqualTo("2");
    assertThat(Long.parseLong(item.get("expires_at").n()))
        .isEqualTo(Instant.parse("2026-11-29T12:01:10Z").getEpochSecond());
  }

  @Test
  void whenTheTableCannotBeReachedTheRequestGoesAheadAndAWarningIsLogged() {
    try (DynamoDbClient unreachable =
        DynamoDbClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:9"))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {
      DynamoDbRequestQuota quota = new DynamoDbRequestQuota(unreachable, table, clock, 1, WINDOW);

      assertThat(quota.take(user)).isEmpty();
      assertThat(quota.take(user)).isEmpty();
    }
    assertThat(logs.text()).contains("request quota not counted");
  }
}
