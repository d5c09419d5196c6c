package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.dynamodb.DynamoDbMirrorAggregates;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ListPage;
import com.agentbilly.domain.mirror.ListQuery;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.mirror.WriteOutcome;
import com.agentbilly.domain.summary.BucketKey;
import com.agentbilly.domain.summary.Buckets;
import com.agentbilly.domain.summary.Figures;
import com.agentbilly.mirror.SummaryContributions;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.SummaryHistories;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The summary aggregates on DynamoDB (moto): the DynamoDB store keeps them with the same change
 * computation as the in-memory store, inside {@code TransactWriteItems} with the object write, so
 * after any history — run here the property test's histories, and concurrent writers — they equal a
 * recomputation over the final mirror, and the in-memory store made the same decisions.
 */
@WithLocalStack
class SummaryAggregatesIT {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-29T13:00:00Z"), ZoneOffset.UTC);
  private static final LocalDate EVERY_DAY = LocalDate.of(1970, 1, 1);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final List<String> operations = new CopyOnWriteArrayList<>();
  private final DynamoDbClient dynamo =
      DynamoDbClient.builder()
          .overrideConfiguration(c -> c.addExecutionInterceptor(new OperationRecorder(operations)))
          .build();
  private final String table;
  private final DynamoDbMirrorStore store;
  private final DynamoDbMirrorAggregates aggregates;

  SummaryAggregatesIT(LocalStack stack) {
    this.table = stack.info().table();
    this.store = new DynamoDbMirrorStore(dynamo, table, new byte[32], CLOCK);
    this.aggregates = new DynamoDbMirrorAggregates(dynamo, table);
  }

  @Test
  void afterRandomHistoriesTheAggregatesEqualARecomputationAndTheInMemoryStoresDecisions() {
    for (long seed = 1; seed <= 12; seed++) {
      OrgId org = OrgId.generate(RANDOM);
      InMemoryMirrorStore memory = new InMemoryMirrorStore(CLOCK);
      List<WriteOutcome> onDynamo = new ArrayList<>();
      List<WriteOutcome> inMemory = new ArrayList<>();
      for (MirrorDocument write : SummaryHistories.writes(seed, 60)) {
        onDynamo.add(store.write(org, write));
        inMemory.add(memory.write(org, write));
      }

      Buckets recomputed = SummaryContributions.recompute(everything(org));
      assertThat(recomputed)
          .as("seed %d: the history counts something", seed)
          .isNotEqualTo(Buckets.NONE);
      assertThat(aggregates.read(org, EVERY_DAY)).as("seed %d", seed).isEqualTo(recomputed);
      assertThat(onDynamo).as("seed %d", seed).isEqualTo(inMemory);
      assertThat(memory.read(org, EVERY_DAY)).as("seed %d", seed).isEqualTo(recomputed);
    }
  }

  @Test
  void historiesWrittenAPageAtATimeLeaveTheAggregatesAndDecisionsOfOneByOneWrites() {
    for (long seed = 21; seed <= 28; seed++) {
      OrgId org = OrgId.generate(RANDOM);
      InMemoryMirrorStore memory = new InMemoryMirrorStore(CLOCK);
      List<WriteOutcome> onDynamo = new ArrayList<>();
      List<WriteOutcome> inMemory = new ArrayList<>();
      List<MirrorDocument> history = SummaryHistories.writes(seed, 90);
      // pages of several sizes, each with repeats of the same objects (the histories reuse ids)
      int size = 5 + (int) seed % 4 * 7;
      for (int from = 0; from < history.size(); from += size) {
        List<MirrorDocument> page = history.subList(from, Math.min(history.size(), from + size));
        onDynamo.addAll(store.writeAll(org, page));
        page.forEach(write -> inMemory.add(memory.write(org, write)));
      }

      Buckets recomputed = SummaryContributions.recompute(everything(org));
      assertThat(recomputed).as("seed %d: counts something", seed).isNotEqualTo(Buckets.NONE);
      assertThat(aggregates.read(org, EVERY_DAY)).as("seed %d", seed).isEqualTo(recomputed);
      assertThat(onDynamo).as("seed %d", seed).isEqualTo(inMemory);
    }
  }

  @Test
  void aPageOfSubscriptionsChangesEachAggregateItemOnceInOneTransaction() {
    OrgId org = OrgId.generate(RANDOM);
    List<MirrorDocument> page = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      page.add(
          new MirrorDocument(
              ObjectType.SUBSCRIPTION,
              "sub_" + i,
              "{\"id\":\"sub_"
                  + i
                  + "\",\"object\":\"subscription\",\"created\":1795953600,"
                  + "\"status\":\"active\",\"currency\":\"usd\",\"items\":{\"data\":[{"
                  + "\"quantity\":1,\"price\":{\"unit_amount\":1500,\"currency\":\"usd\","
                  + "\"recurring\":{\"interval\":\"month\",\"interval_count\":1}}}]}}",
              Instant.parse("2026-11-29T12:00:00Z"),
              false));
    }
    operations.clear();

    assertThat(store.writeAll(org, page)).containsOnly(WriteOutcome.APPLIED);

    assertThat(operations).containsExactly("BatchGetItem", "TransactWriteItems");
    assertThat(rawSummaryItem(org, "TOTAL#usd"))
        .containsEntry("mrr", AttributeValue.fromN(Long.toString(80 * 1500)))
        .containsEntry("active_subscriptions", AttributeValue.fromN("80"));
  }

  @Test
  void aStaleOrDuplicateWriteChangesNoAggregateItem() {
    OrgId org = OrgId.generate(RANDOM);
    Instant t = Instant.parse("2026-11-29T12:00:00Z");
    String succeeded = charge("succeeded", 1500);
    String older = charge("failed", 1500);
    assertThat(store.write(org, charge(succeeded, t))).isEqualTo(WriteOutcome.APPLIED);
    Map<String, AttributeValue> before = rawSummaryItem(org, "DAY#2026-11-29#usd");

    assertThat(store.write(org, charge(succeeded, t))).isEqualTo(WriteOutcome.SAME);
    assertThat(store.write(org, charge(older, t.minusSeconds(1)))).isEqualTo(WriteOutcome.STALE);
    assertThat(store.write(org, charge(older, t))).isEqualTo(WriteOutcome.CONFLICT);

    assertThat(rawSummaryItem(org, "DAY#2026-11-29#usd")).isEqualTo(before);
    assertThat(before)
        .containsEntry("revenue", AttributeValue.fromN("1500"))
        .doesNotContainKey("failed_charges");
  }

  @Test
  void aChangingWriteIsOneReadAndOneTransactionAndAReadIsOneQuery() {
    OrgId org = OrgId.generate(RANDOM);
    Instant t = Instant.parse("2026-11-29T12:00:00Z");
    operations.clear();

    store.write(org, charge(charge("succeeded", 1500), t));
    assertThat(operations).containsExactly("GetItem", "TransactWriteItems");

    operations.clear();
    store.write(
        org,
        charge(charge("succeeded", 1500).replace("\"note\":1", "\"note\":2"), t.plusSeconds(1)));
    assertThat(operations)
        .as("same figures: no aggregate to change")
        .containsExactly("GetItem", "PutItem");

    operations.clear();
    Buckets read = aggregates.read(org, LocalDate.parse("2026-10-31"));
    assertThat(operations).containsExactly("Query");
    assertThat(read)
        .isEqualTo(
            Buckets.of(
                BucketKey.day(LocalDate.parse("2026-11-29"), "usd"),
                new Figures(0, 0, 0, 0, 1500, 0, 0)));
  }

  @Test
  void concurrentWritersOfTheSameObjectsLeaveExactAggregates() throws Exception {
    OrgId org = OrgId.generate(RANDOM);
    List<MirrorDocument> writes = SummaryHistories.writes(99, 120);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<WriteOutcome>> results = new ArrayList<>();
      for (MirrorDocument write : writes) {
        results.add(pool.submit(() -> store.write(org, write)));
      }
      for (Future<WriteOutcome> result : results) {
        result.get();
      }
    } finally {
      pool.shutdown();
    }

    assertThat(aggregates.read(org, EVERY_DAY))
        .isEqualTo(SummaryContributions.recompute(everything(org)));
  }

  @Test
  void orgDeletionErasesTheSummaryPartition() {
    OrgId org = OrgId.generate(RANDOM);
    OrgId kept = OrgId.generate(RANDOM);
    Instant t = Instant.parse("2026-11-29T12:00:00Z");
    store.write(org, charge(charge("succeeded", 1500), t));
    store.write(kept, charge(charge("succeeded", 1500), t));

    new DynamoDbOrgStore(DynamoDbClient.builder().build(), table).deleteOrgData(org);

    assertThat(aggregates.read(org, EVERY_DAY)).isEqualTo(Buckets.NONE);
    assertThat(rawSummaryItem(org, "DAY#2026-11-29#usd")).isEmpty();
    assertThat(aggregates.read(kept, EVERY_DAY)).isNotEqualTo(Buckets.NONE);
  }

  private List<MirrorItem> everything(OrgId org) {
    List<MirrorItem> items = new ArrayList<>();
    for (ObjectType type : SummaryContributions.SUMMARISED) {
      String cursor = null;
      do {
        ListPage page = store.list(org, new ListQuery(type, Map.of(), true, 100, cursor));
        items.addAll(page.items());
        cursor = page.nextCursor();
      } while (cursor != null);
    }
    return items;
  }

  private Map<String, AttributeValue> rawSummaryItem(OrgId org, String sk) {
    return dynamo
        .getItem(
            get ->
                get.tableName(table)
                    .key(
                        Map.of(
                            "pk",
                            AttributeValue.fromS("ORG#" + org.value() + "#SUMMARY"),
                            "sk",
                            AttributeValue.fromS(sk)))
                    .consistentRead(true))
        .item();
  }

  private static String charge(String status, long amount) {
    return "{\"id\":\"ch_1\",\"object\":\"charge\",\"created\":1795953600,\"status\":\""
        + status
        + "\",\"captured\":true,\"amount\":"
        + amount
        + ",\"currency\":\"usd\",\"note\":1}";
  }

  private static MirrorDocument charge(String json, Instant snapshot) {
    return new MirrorDocument(ObjectType.CHARGE, "ch_1", json, snapshot, false);
  }

  /** Notes the name of every DynamoDB operation the client makes. */
  private record OperationRecorder(List<String> operations) implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      operations.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }
  }
}
