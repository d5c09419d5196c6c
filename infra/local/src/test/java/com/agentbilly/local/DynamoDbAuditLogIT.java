package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.agentbilly.adapter.dynamodb.DynamoDbAuditLog;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.audit.AuditActor;
import com.agentbilly.domain.audit.AuditEntry;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.port.AuditLog;
import com.agentbilly.port.AuditLog.Page;
import com.agentbilly.port.AuditLog.Verification;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The audit chain on the local table (moto): conditional appends under concurrency, verification
 * against tampering through the raw DynamoDB API, and paging. Each test uses fresh orgs, so tests
 * share the stack without resetting it.
 *
 * <p>Requests reach moto one at a time ({@link OneRequestAtATime}); see there why.
 */
@WithLocalStack
class DynamoDbAuditLogIT {

  private static final byte[] AUDIT_KEY =
      "audit-key-for-the-integration-tests".getBytes(StandardCharsets.UTF_8);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final DynamoDbClient DYNAMO =
      DynamoDbClient.builder().httpClient(new OneRequestAtATime()).build();

  private final String table;
  private final DynamoDbAuditLog log;

  DynamoDbAuditLogIT(LocalStack stack) {
    this.table = stack.info().table();
    this.log = new DynamoDbAuditLog(DYNAMO, table, AUDIT_KEY, Clock.systemUTC());
  }

  @AfterAll
  static void closeClient() {
    DYNAMO.close();
  }

  @Test
  void threeAppendsFormAVerifiedChainInIdOrder() {
    OrgId org = OrgId.generate(RANDOM);

    List<AuditEntry> entries = appendRequests(org, 3);

    assertThat(entries)
        .extracting(AuditEntry::id)
        .containsExactly("aud_000000000001", "aud_000000000002", "aud_000000000003");
    assertThat(entries.get(0).prevHash()).isEmpty();
    assertThat(entries.get(1).prevHash()).isEqualTo(entries.get(0).hash());
    assertThat(entries.get(2).prevHash()).isEqualTo(entries.get(1).hash());
    assertThat(log.verify(org)).isEqualTo(new Verification(true, 3, null));
  }

  @Test
  void storedEntriesReadBackExactlyAsAppended() {
    OrgId org = OrgId.generate(RANDOM);
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("from", "viewer");
    change.put("to", "manager");
    change.put("previous_invite", null);
    AuditEntry roleChanged =
        log.append(
            org,
            new AuditEvent(
                new AuditActor("usr_owner", "owner@demo.test", "owner"),
                "member.role_changed",
                "usr_viewer",
                AuditOutcome.SUCCESS,
                null,
                "req-1",
                Map.of(
                    "change", change, "count", 1L, "flags", List.of(true, "x"), "none", Map.of())));
    AuditEntry denied =
        log.append(
            org,
            new AuditEvent(
                new AuditActor("usr_outsider", "outsider@demo.test", null),
                "access.denied",
                null,
                AuditOutcome.DENIED,
                null,
                null,
                Map.of()));

    assertThat(log.page(org, 10, null)).isEqualTo(new Page(List.of(denied, roleChanged), null));
    assertThat(log.verify(org)).isEqualTo(new Verification(true, 2, null));
  }

  @Test
  void concurrentAppendsNeverForkTheChain() throws Exception {
    OrgId org = OrgId.generate(RANDOM);
    int threads = 8;
    int appendsPerThread = 10;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<AuditEntry>>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int t = 0; t < threads; t++) {
        String thread = "t" + t;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  List<AuditEntry> appended = new ArrayList<>();
                  for (int i = 0; i < appendsPerThread; i++) {
                    appended.add(log.append(org, requested(thread + "-" + i)));
                  }
                  return appended;
                }));
      }
      start.countDown();
    }
    List<String> appendedIds = new ArrayList<>();
    for (Future<List<AuditEntry>> result : results) {
      result.get().forEach(entry -> appendedIds.add(entry.id()));
    }

    List<String> expectedIds =
        IntStream.rangeClosed(1, threads * appendsPerThread)
            .mapToObj(seq -> "aud_%012d".formatted(seq))
            .toList();
    assertThat(appendedIds).containsExactlyInAnyOrderElementsOf(expectedIds);
    List<AuditEntry> stored = log.page(org, 100, null).entries();
    assertThat(stored).extracting(AuditEntry::id).containsExactlyElementsOf(expectedIds.reversed());
    assertThat(stored)
        .extracting(entry -> entry.event().requestId())
        .doesNotHaveDuplicates()
        .hasSize(threads * appendsPerThread);
    assertThat(log.verify(org)).isEqualTo(new Verification(true, 80, null));
  }

  @Test
  void aDetailChangedThroughTheTableBreaksTheChainAtThatEntry() {
    OrgId org = OrgId.generate(RANDOM);
    appendRequests(org, 3);

    DYNAMO.updateItem(
        update ->
            update
                .tableName(table)
                .key(key(org, "000000000002"))
                .updateExpression("SET details.#amount = :amount")
                .expressionAttributeNames(Map.of("#amount", "amount"))
                .expressionAttributeValues(Map.of(":amount", AttributeValue.fromN("1"))));

    assertThat(log.verify(org)).isEqualTo(new Verification(false, 3, "aud_000000000002"));
  }

  @Test
  void anActionChangedThroughTheTableBreaksTheChainAtThatEntry() {
    OrgId org = OrgId.generate(RANDOM);
    appendRequests(org, 3);

    DYNAMO.updateItem(
        update ->
            update
                .tableName(table)
                .key(key(org, "000000000003"))
                .updateExpression("SET #action = :action")
                .expressionAttributeNames(Map.of("#action", "action"))
                .expressionAttributeValues(Map.of(":action", AttributeValue.fromS("key.revoked"))));

    assertThat(log.verify(org)).isEqualTo(new Verification(false, 3, "aud_000000000003"));
  }

  @Test
  void aDeletedMiddleEntryBreaksTheChainAtTheNextOne() {
    OrgId org = OrgId.generate(RANDOM);
    appendRequests(org, 4);

    DYNAMO.deleteItem(delete -> delete.tableName(table).key(key(org, "000000000002")));

    assertThat(log.verify(org)).isEqualTo(new Verification(false, 3, "aud_000000000003"));
  }

  @Test
  void aBoundedVerificationResumesThroughDynamoDbWhereTheLastStepStopped() {
    OrgId org = OrgId.generate(RANDOM);
    appendRequests(org, 5);
    DYNAMO.deleteItem(delete -> delete.tableName(table).key(key(org, "000000000004")));

    List<Verification> steps = new ArrayList<>();
    Verification step = log.verify(org, AuditLog.Progress.START, 2);
    steps.add(step);
    while (step.next() != null) {
      step = log.verify(org, step.next(), 2);
      steps.add(step);
    }

    assertThat(steps)
        .extracting(Verification::valid, Verification::entries)
        .containsExactly(tuple(true, 2L), tuple(false, 4L));
    assertThat(step).isEqualTo(new Verification(false, 4, "aud_000000000005"));
    assertThat(step).isEqualTo(log.verify(org));
  }

  @Test
  void appendOnceAppendsOneEntryPerKeyAndNamesTheOutcomeRecordedBefore() {
    OrgId org = OrgId.generate(RANDOM);
    appendRequests(org, 1);

    Optional<AuditOutcome> first =
        log.appendOnce(org, outcome(AuditOutcome.UNKNOWN), "billy-k:refund.created");
    Optional<AuditOutcome> second =
        log.appendOnce(org, outcome(AuditOutcome.SUCCESS), "billy-k:refund.created");
    Optional<AuditOutcome> other =
        log.appendOnce(org, outcome(AuditOutcome.SUCCESS), "billy-k:refund.reconciled");

    assertThat(first).isEmpty();
    assertThat(second).contains(AuditOutcome.UNKNOWN);
    assertThat(other).isEmpty();
    assertThat(log.verify(org)).isEqualTo(new Verification(true, 3, null));
    assertThat(log.page(org, 10, null).entries())
        .extracting(entry -> entry.event().outcome())
        .containsExactly(AuditOutcome.SUCCESS, AuditOutcome.UNKNOWN, AuditOutcome.SUCCESS);
  }

  @Test
  void concurrentAppendOnceWithOneKeyLeavesOneEntryAndAnUnbrokenChain() throws Exception {
    OrgId org = OrgId.generate(RANDOM);
    int writers = 6;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Optional<AuditOutcome>>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(writers * 2)) {
      for (int i = 0; i < writers; i++) {
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return log.appendOnce(
                      org, outcome(AuditOutcome.SUCCESS), "billy-same:refund.created");
                }));
        int n = i;
        pool.submit(
            () -> {
              start.await();
              return log.append(org, requested("other-" + n));
            });
      }
      start.countDown();
      long appended = 0;
      for (Future<Optional<AuditOutcome>> answer : answers) {
        appended += answer.get().isEmpty() ? 1 : 0;
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      assertThat(appended).isEqualTo(1);
    }
    assertThat(log.verify(org)).isEqualTo(new Verification(true, writers + 1, null));
  }

  @Test
  void twoOrgsHaveIndependentChains() {
    OrgId first = OrgId.generate(RANDOM);
    OrgId second = OrgId.generate(RANDOM);

    AuditEntry a1 = log.append(first, requested("a1"));
    AuditEntry b1 = log.append(second, requested("b1"));
    AuditEntry a2 = log.append(first, requested("a2"));
    DYNAMO.deleteItem(delete -> delete.tableName(table).key(key(first, "000000000001")));

    assertThat(b1.id()).isEqualTo("aud_000000000001");
    assertThat(b1.prevHash()).isEmpty();
    assertThat(a2.id()).isEqualTo("aud_000000000002");
    assertThat(a2.prevHash()).isEqualTo(a1.hash());
    assertThat(log.verify(second)).isEqualTo(new Verification(true, 1, null));
    assertThat(log.verify(first)).isEqualTo(new Verification(false, 1, "aud_000000000002"));
  }

  @Test
  void pagingNewestFirstReturnsEachEntryExactlyOnce() {
    OrgId org = OrgId.generate(RANDOM);
    List<AuditEntry> appended = appendRequests(org, 7);

    List<Page> pages = new ArrayList<>();
    String after = null;
    do {
      Page page = log.page(org, 3, after);
      pages.add(page);
      after = page.lastId();
    } while (after != null);

    assertThat(pages).extracting(page -> page.entries().size()).containsExactly(3, 3, 1);
    assertThat(pages)
        .extracting(Page::lastId)
        .containsExactly("aud_000000000005", "aud_000000000002", null);
    assertThat(pages.stream().flatMap(page -> page.entries().stream()).toList())
        .isEqualTo(appended.reversed());
  }

  private List<AuditEntry> appendRequests(OrgId org, int count) {
    List<AuditEntry> entries = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      entries.add(log.append(org, requested("req-" + i)));
    }
    return entries;
  }

  private static AuditEvent outcome(AuditOutcome outcome) {
    return new AuditEvent(
        new AuditActor("u-1", "manager@demo.test", "manager"),
        "refund.created",
        "charge:ch_1",
        outcome,
        "manager",
        "req-once",
        Map.of("stripe_idempotency_key", "billy-k"));
  }

  private static AuditEvent requested(String requestId) {
    return new AuditEvent(
        new AuditActor("usr_owner", "owner@demo.test", "owner"),
        "sync.requested",
        "sync",
        AuditOutcome.SUCCESS,
        "sync",
        requestId,
        Map.of("amount", 0L, "objects", List.of("customers", "invoices")));
  }

  private static Map<String, AttributeValue> key(OrgId org, String sk) {
    return Map.of(
        "pk",
        AttributeValue.fromS("ORG#" + org.value() + "#AUDIT"),
        "sk",
        AttributeValue.fromS(sk));
  }

  /**
   * Sends one request at a time. moto serves requests on parallel threads and does not make a
   * conditional put atomic: under this test's load two {@code attribute_not_exists(pk)} puts of the
   * same key both succeeded, which DynamoDB never allows. Serialising at the HTTP client restores
   * DynamoDB's per-item atomicity while the appends still interleave between reading the head and
   * putting the next entry, so they still race for positions. moto has answered (and applied the
   * request) before {@code call()} returns.
   */
  private static final class OneRequestAtATime implements SdkHttpClient {

    private final SdkHttpClient delegate = UrlConnectionHttpClient.create();
    private final ReentrantLock lock = new ReentrantLock();

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
      ExecutableHttpRequest prepared = delegate.prepareRequest(request);
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() throws IOException {
          lock.lock();
          try {
            return prepared.call();
          } finally {
            lock.unlock();
          }
        }

        @Override
        public void abort() {
          prepared.abort();
        }
      };
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
