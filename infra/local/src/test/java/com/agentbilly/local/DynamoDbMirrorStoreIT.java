package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.dynamodb.DynamoDbEventLedger;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ListPage;
import com.agentbilly.domain.mirror.ListQuery;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.mirror.WriteOutcome;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.testing.EventFixtures;
import com.agentbilly.testing.MirrorStoreContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The DynamoDB mirror store and event ledger on the local table (moto, bootstrapped from
 * template.yaml): the whole {@link MirrorStoreContract}, plus the item layout, the number and kind
 * of DynamoDB calls per read, org deletion and ledger dedupe. Each test uses fresh orgs.
 */
@WithLocalStack
class DynamoDbMirrorStoreIT extends MirrorStoreContract {

  private static final byte[] CURSOR_KEY =
      "cursor-key-for-the-integration-tests".getBytes(StandardCharsets.UTF_8);
  private static final DynamoDbClient DYNAMO = DynamoDbClient.builder().build();
  private static final Instant SNAPSHOT = Instant.parse("2026-11-29T10:00:00.250Z");

  private final String table;
  private final RecordingDynamoDb recording = new RecordingDynamoDb(DYNAMO);
  private final DynamoDbMirrorStore store;

  DynamoDbMirrorStoreIT(LocalStack stack) {
    this.table = stack.info().table();
    this.store = new DynamoDbMirrorStore(recording, table, CURSOR_KEY, CLOCK);
  }

  @Override
  protected MirrorStore store() {
    return store;
  }

  @Test
  void aSubscriptionItemCarriesItsJsonGuardAndIndexKeys() throws IOException {
    OrgId org = newOrg();
    String json = fixture("subscription_expanded_customer.json");

    store.write(
        org, new MirrorDocument(ObjectType.SUBSCRIPTION, "sub_test_pro_v2", json, SNAPSHOT, false));

    Map<String, AttributeValue> item = rawItem("ORG#" + org + "#subscription", "sub_test_pro_v2");
    String partition = "ORG#" + org + "#subscription";
    String sortKey = "001795985000#sub_test_pro_v2";
    assertThat(item)
        .containsEntry("pk", s(partition))
        .containsEntry("sk", s("sub_test_pro_v2"))
        .containsEntry("type", s("subscription"))
        .containsEntry("json", s(json))
        .containsEntry("snapshot", n(SNAPSHOT.toEpochMilli()))
        .containsEntry("synced_at", s(NOW.toString()))
        .containsEntry("deleted", AttributeValue.fromBool(false))
        .containsEntry("created", n(1795985000L))
        .containsEntry("status", s("active"))
        .containsEntry("customer", s("cus_test_jenny"))
        .containsEntry("currency", s("usd"))
        .containsEntry("gsi1pk", s(partition))
        .containsEntry("gsi1sk", s(sortKey))
        .containsEntry("gsi2pk", s(partition + "#status#active"))
        .containsEntry("gsi2sk", s(sortKey))
        .containsEntry("gsi3pk", s(partition + "#customer#cus_test_jenny"))
        .containsEntry("gsi3sk", s(sortKey));
    assertThat(item.get("content_hash").s()).matches("[0-9a-f]{64}");
  }

  @Test
  void customerPriceRefundAndLegacyPlanItemsAreIndexedByTheirFilters() throws IOException {
    OrgId org = newOrg();
    String prefix = "ORG#" + org;
    store.write(
        org,
        new MirrorDocument(
            ObjectType.CUSTOMER,
            "cus_test_jenny",
            fixture("customer.json").replace("jenny.rosen@example.com", "Jenny.Rosen@Example.com"),
            SNAPSHOT,
            false));
    store.write(
        org,
        new MirrorDocument(
            ObjectType.PRICE,
            "plan_test_pro_monthly",
            fixture("plan_legacy.json"),
            SNAPSHOT,
            false));
    store.write(
        org,
        new MirrorDocument(
            ObjectType.REFUND, "re_test_jenny", fixture("refund.json"), SNAPSHOT, false));
    store.write(
        org,
        new MirrorDocument(
            ObjectType.PRODUCT, "prod_test_pro", fixture("product.json"), SNAPSHOT, false));

    assertThat(rawItem(prefix + "#customer", "cus_test_jenny"))
        .containsEntry("email", s("jenny.rosen@example.com"))
        .containsEntry("gsi2pk", s(prefix + "#customer#email#jenny.rosen@example.com"))
        .doesNotContainKey("gsi3pk");
    assertThat(rawItem(prefix + "#price", "plan_test_pro_monthly"))
        .containsEntry("type", s("price"))
        .containsEntry("amount", n(2000))
        .containsEntry("active", AttributeValue.fromBool(true))
        .containsEntry("product", s("prod_test_pro"))
        .containsEntry("gsi2pk", s(prefix + "#price#active#true"))
        .containsEntry("gsi3pk", s(prefix + "#price#product#prod_test_pro"));
    assertThat(rawItem(prefix + "#refund", "re_test_jenny"))
        .containsEntry("charge", s("ch_test_jenny"))
        .containsEntry("amount", n(2000))
        .containsEntry("gsi3pk", s(prefix + "#refund#charge#ch_test_jenny"))
        .doesNotContainKey("gsi2pk");
    assertThat(rawItem(prefix + "#product", "prod_test_pro"))
        .containsEntry("gsi2pk", s(prefix + "#product#active#true"))
        .doesNotContainKey("gsi3pk");
  }

  @Test
  void eachReadIsOneGetItemOrOneQueryOnTheMostSelectiveIndex() {
    OrgId org = newOrg();
    for (int i = 0; i < 5; i++) {
      store.write(
          org,
          live(ObjectType.INVOICE, "in_" + i, invoice("in_" + i, i, "cus_1", "paid"), SNAPSHOT));
    }
    recording.calls.clear();

    store.get(org, ObjectType.INVOICE, "in_1");
    assertThat(recording.calls).containsExactly("GetItem");

    for (Map.Entry<Map<String, String>, String> list :
        Map.of(
                Map.<String, String>of(), "Query gsi1",
                Map.of("status", "paid"), "Query gsi2",
                Map.of("customer", "cus_1"), "Query gsi3",
                Map.of("status", "paid", "customer", "cus_1"), "Query gsi3")
            .entrySet()) {
      recording.calls.clear();
      ListPage page =
          store.list(org, new ListQuery(ObjectType.INVOICE, list.getKey(), false, 2, null));
      assertThat(page.items()).hasSize(2);
      assertThat(recording.calls).as("%s", list.getKey()).containsExactly(list.getValue());
      recording.calls.clear();
      store.list(
          org, new ListQuery(ObjectType.INVOICE, list.getKey(), false, 2, page.nextCursor()));
      assertThat(recording.calls)
          .as("%s, next page", list.getKey())
          .containsExactly(list.getValue());
    }
  }

  @Test
  void aRefusedWriteReadsNothingMoreThanThePut() {
    OrgId org = newOrg();
    String json = customer("cus_1", 1, "a@example.com").toString();
    store.write(org, live(ObjectType.CUSTOMER, "cus_1", json, SNAPSHOT));
    recording.calls.clear();

    assertThat(store.write(org, live(ObjectType.CUSTOMER, "cus_1", json, SNAPSHOT)))
        .isEqualTo(WriteOutcome.SAME);

    assertThat(recording.calls).containsExactly("PutItem");
  }

  @Test
  void aPageOfCustomersIsOneTransactionWithoutAnyRead() {
    OrgId org = newOrg();
    recording.calls.clear();

    assertThat(store.writeAll(org, customers(100, SNAPSHOT))).containsOnly(WriteOutcome.APPLIED);
    assertThat(recording.calls).containsExactly("TransactWriteItems");

    recording.calls.clear();
    assertThat(store.writeAll(org, customers(100, SNAPSHOT.plusSeconds(1))))
        .as("the next sync's page: newer snapshots")
        .containsOnly(WriteOutcome.APPLIED);
    assertThat(recording.calls).containsExactly("TransactWriteItems");
    assertThat(store.get(org, ObjectType.CUSTOMER, "cus_7").orElseThrow().snapshot())
        .isEqualTo(SNAPSHOT.plusSeconds(1));
  }

  @Test
  void aTransactionThatMeetsAConcurrentWriteWritesThatObjectAloneAndCommitsTheOthersAgain() {
    OrgId org = newOrg();
    List<MirrorDocument> page = customers(10, SNAPSHOT);
    String newer = customer("cus_3", 3, "newer@example.com").toString();
    DynamoDbMirrorStore other = new DynamoDbMirrorStore(DYNAMO, table, CURSOR_KEY, CLOCK);
    recording.beforeTransaction =
        () -> other.write(org, live(ObjectType.CUSTOMER, "cus_3", newer, SNAPSHOT.plusSeconds(1)));
    recording.calls.clear();

    List<WriteOutcome> outcomes = store.writeAll(org, page);
    List<String> calls = List.copyOf(recording.calls);

    assertThat(outcomes.get(3)).isEqualTo(WriteOutcome.STALE);
    assertThat(outcomes).filteredOn(o -> o == WriteOutcome.APPLIED).hasSize(9);
    assertThat(store.get(org, ObjectType.CUSTOMER, "cus_3").orElseThrow().json()).isEqualTo(newer);
    for (int i : List.of(0, 4, 9)) {
      assertThat(store.get(org, ObjectType.CUSTOMER, "cus_" + i).orElseThrow().json())
          .isEqualTo(page.get(i).json());
    }
    assertThat(calls)
        .as("the refused transaction, cus_3 alone, the nine others again")
        .containsExactly("TransactWriteItems", "PutItem", "TransactWriteItems");
  }

  @Test
  void writingTheSamePageTwiceFindsEveryObjectTheSame() {
    OrgId org = newOrg();
    List<MirrorDocument> page = customers(30, SNAPSHOT);
    store.writeAll(org, page);

    assertThat(store.writeAll(org, page)).hasSize(30).containsOnly(WriteOutcome.SAME);
    assertThat(store.writeAll(org, customers(30, SNAPSHOT.minusSeconds(1))))
        .hasSize(30)
        .containsOnly(WriteOutcome.STALE);
  }

  @Test
  void keysDynamoDbLeavesUnprocessedAreReadAgain() {
    OrgId org = newOrg();
    List<MirrorDocument> page = charges(40, SNAPSHOT);
    store.writeAll(org, page);
    recording.unprocessedOnce = true;
    recording.calls.clear();

    assertThat(store.writeAll(org, page)).containsOnly(WriteOutcome.SAME);

    assertThat(recording.calls).containsExactly("BatchGetItem", "BatchGetItem");
  }

  private static List<MirrorDocument> customers(int count, Instant snapshot) {
    List<MirrorDocument> page = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = "cus_" + i;
      page.add(
          live(ObjectType.CUSTOMER, id, customer(id, i, id + "@example.com").toString(), snapshot));
    }
    return page;
  }

  private static List<MirrorDocument> charges(int count, Instant snapshot) {
    List<MirrorDocument> page = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = "ch_" + i;
      page.add(live(ObjectType.CHARGE, id, charge(id, i, "cus_1", "succeeded"), snapshot));
    }
    return page;
  }

  @Test
  void orgDeletionRemovesTheMirrorAndTheEventLedger() {
    OrgId org = newOrg();
    OrgId kept = newOrg();
    DynamoDbEventLedger ledger = new DynamoDbEventLedger(DYNAMO, table);
    for (ObjectType type : ObjectType.values()) {
      String json = "{\"id\":\"x_1\",\"object\":\"" + type.objectName() + "\",\"created\":1}";
      store.write(org, new MirrorDocument(type, "x_1", json, SNAPSHOT, false));
      store.write(kept, new MirrorDocument(type, "x_1", json, SNAPSHOT, false));
    }
    ledger.record(org, "evt_1", "customer.created", true, SNAPSHOT);
    ledger.record(kept, "evt_1", "customer.created", true, SNAPSHOT);

    new DynamoDbOrgStore(DYNAMO, table).deleteOrgData(org);

    for (ObjectType type : ObjectType.values()) {
      assertThat(store.get(org, type, "x_1")).as("%s", type).isEmpty();
      assertThat(store.list(org, new ListQuery(type, Map.of(), true, 10, null)).items()).isEmpty();
      assertThat(store.get(kept, type, "x_1")).as("%s of the other org", type).isPresent();
      assertThat(partitionSize("ORG#" + org + "#" + type.objectName())).isZero();
    }
    assertThat(ledger.contains(org, "evt_1")).isFalse();
    assertThat(partitionSize("ORG#" + org + "#EVT")).isZero();
    assertThat(ledger.contains(kept, "evt_1")).isTrue();
  }

  @Test
  void theLedgerRecordsAnEventOnceAndExpiresIt30DaysAfterItsCreation() {
    OrgId org = newOrg();
    DynamoDbEventLedger ledger = new DynamoDbEventLedger(DYNAMO, table);
    Instant created = Instant.parse("2026-11-29T10:00:00Z");

    assertThat(ledger.contains(org, "evt_1")).isFalse();
    assertThat(ledger.record(org, "evt_1", "customer.created", true, created)).isTrue();
    assertThat(ledger.record(org, "evt_1", "balance.available", false, created.plusSeconds(9)))
        .isFalse();

    assertThat(ledger.contains(org, "evt_1")).isTrue();
    assertThat(ledger.contains(newOrg(), "evt_1")).isFalse();
    assertThat(rawItem("ORG#" + org + "#EVT", "evt_1"))
        .containsEntry("type", s("customer.created"))
        .containsEntry("handled", AttributeValue.fromBool(true))
        .containsEntry("created", n(created.getEpochSecond()))
        .containsEntry("expires_at", n(created.getEpochSecond() + 30L * 24 * 3600));
  }

  private Map<String, AttributeValue> rawItem(String pk, String sk) {
    return DYNAMO
        .getItem(
            get -> get.tableName(table).key(Map.of("pk", s(pk), "sk", s(sk))).consistentRead(true))
        .item();
  }

  private int partitionSize(String pk) {
    return DYNAMO
        .query(
            query ->
                query
                    .tableName(table)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(pk)))
                    .consistentRead(true))
        .count();
  }

  private static String fixture(String name) throws IOException {
    return Files.readString(EventFixtures.path("stripe/objects/" + name));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  /** Passes calls on to DynamoDB and notes each: the operation, and the index of a Query. */
  private static final class RecordingDynamoDb implements DynamoDbClient {

    final List<String> calls = new ArrayList<>();
    private final DynamoDbClient delegate;

    /** Runs once, just before the next TransactWriteItems is passed on. */
    Runnable beforeTransaction;

    /** The next BatchGetItem reads only its first key and answers the others unprocessed. */
    boolean unprocessedOnce;

    RecordingDynamoDb(DynamoDbClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
      calls.add("GetItem");
      return delegate.getItem(request);
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
      calls.add("PutItem");
      return delegate.putItem(request);
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
      calls.add("UpdateItem");
      return delegate.updateItem(request);
    }

    @Override
    public QueryResponse query(QueryRequest request) {
      calls.add(request.indexName() == null ? "Query" : "Query " + request.indexName());
      return delegate.query(request);
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
      calls.add("TransactWriteItems");
      if (beforeTransaction != null) {
        Runnable concurrent = beforeTransaction;
        beforeTransaction = null;
        concurrent.run();
      }
      return delegate.transactWriteItems(request);
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
      calls.add("BatchGetItem");
      if (!unprocessedOnce) {
        return delegate.batchGetItem(request);
      }
      unprocessedOnce = false;
      Map.Entry<String, KeysAndAttributes> only =
          request.requestItems().entrySet().iterator().next();
      List<Map<String, AttributeValue>> keys = only.getValue().keys();
      BatchGetItemResponse first =
          delegate.batchGetItem(
              request.toBuilder()
                  .requestItems(
                      Map.of(
                          only.getKey(),
                          only.getValue().toBuilder().keys(List.of(keys.get(0))).build()))
                  .build());
      return first.toBuilder()
          .unprocessedKeys(
              Map.of(
                  only.getKey(),
                  only.getValue().toBuilder().keys(keys.subList(1, keys.size())).build()))
          .build();
    }

    @Override
    public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
      calls.add("BatchWriteItem");
      return delegate.batchWriteItem(request);
    }

    @Override
    public String serviceName() {
      return delegate.serviceName();
    }

    @Override
    public void close() {}
  }
}
