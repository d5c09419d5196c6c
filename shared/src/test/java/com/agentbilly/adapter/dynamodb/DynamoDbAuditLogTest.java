package com.agentbilly.adapter.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.audit.AuditChain;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.audit.AuditActor;
import com.agentbilly.domain.audit.AuditEntry;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.port.AuditLog;
import com.agentbilly.port.AuditLog.Page;
import com.agentbilly.port.AuditLog.Verification;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

class DynamoDbAuditLogTest {

  private static final String TABLE = "agent-billy-test";
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final OrgId ORG = new OrgId("org_" + "a".repeat(26));
  private static final OrgId OTHER_ORG = new OrgId("org_" + "b".repeat(26));
  private static final String PK = "ORG#" + ORG.value() + "#AUDIT";
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-03-01T12:00:00.123456Z"), ZoneOffset.UTC);

  private final FakeTable table = new FakeTable();
  private final DynamoDbAuditLog log = new DynamoDbAuditLog(table, TABLE, KEY, CLOCK);
  private final AuditChain chain = new AuditChain(KEY);

  @Test
  void firstAppendStoresTheWireFieldsTheSignedTextAndAnEmptyPrevHash() {
    AuditEntry entry = log.append(ORG, keyConnected("req-1"));

    String canonical =
        "{\"action\":\"key.connected\","
            + "\"actor\":{\"role\":\"owner\",\"user_id\":\"usr_1\",\"username\":\"ada\"},"
            + "\"at\":\"2025-03-01T12:00:00.123Z\","
            + "\"details\":{\"last4\":\"4242\",\"scopes\":[\"customers\"],\"tries\":1},"
            + "\"id\":\"aud_000000000001\",\"key_purpose\":\"viewer\",\"outcome\":\"success\","
            + "\"prev_hash\":\"\",\"request_id\":\"req-1\",\"target\":null}";
    String hash = chain.hash("", canonical);
    assertThat(entry)
        .isEqualTo(
            new AuditEntry(
                "aud_000000000001",
                Instant.parse("2025-03-01T12:00:00.123Z"),
                keyConnected("req-1"),
                "",
                hash));
    Map<String, AttributeValue> expected = new HashMap<>();
    expected.put("pk", s(PK));
    expected.put("sk", s("000000000001"));
    expected.put("type", s("audit"));
    expected.put("org_id", s(ORG.value()));
    expected.put("id", s("aud_000000000001"));
    expected.put("at", s("2025-03-01T12:00:00.123Z"));
    expected.put(
        "actor",
        AttributeValue.fromM(
            Map.of("user_id", s("usr_1"), "username", s("ada"), "role", s("owner"))));
    expected.put("action", s("key.connected"));
    expected.put("target", AttributeValue.fromNul(true));
    expected.put("outcome", s("success"));
    expected.put("key_purpose", s("viewer"));
    expected.put("request_id", s("req-1"));
    expected.put(
        "details",
        AttributeValue.fromM(
            Map.of(
                "last4",
                s("4242"),
                "tries",
                AttributeValue.fromN("1"),
                "scopes",
                AttributeValue.fromL(List.of(s("customers"))))));
    expected.put("prev_hash", s(""));
    expected.put("hash", s(hash));
    expected.put("canonical_json", s(canonical));
    assertThat(table.items(PK)).containsExactly(expected);
    assertThat(table.puts)
        .singleElement()
        .satisfies(
            put -> assertThat(put.conditionExpression()).isEqualTo("attribute_not_exists(pk)"));
  }

  @Test
  void eachAppendChainsOverThePreviousHash() {
    AuditEntry first = log.append(ORG, keyConnected("req-1"));
    AuditEntry second = log.append(ORG, keyConnected("req-2"));

    assertThat(second.id()).isEqualTo("aud_000000000002");
    assertThat(second.prevHash()).isEqualTo(first.hash());
    assertThat(table.items(PK))
        .extracting(item -> item.get("sk").s())
        .containsExactly("000000000001", "000000000002");
    assertThat(log.verify(ORG)).isEqualTo(new Verification(true, 2, null));
  }

  @Test
  void appendThatLosesTheRaceChainsOverTheWinner() {
    DynamoDbAuditLog rival = new DynamoDbAuditLog(table, TABLE, KEY, CLOCK);
    List<AuditEntry> rivalEntries = new ArrayList<>();
    table.beforeNextPut = () -> rivalEntries.add(rival.append(ORG, keyConnected("rival")));

    AuditEntry entry = log.append(ORG, keyConnected("req-1"));

    assertThat(rivalEntries)
        .singleElement()
        .extracting(AuditEntry::id)
        .isEqualTo("aud_000000000001");
    assertThat(entry.id()).isEqualTo("aud_000000000002");
    assertThat(entry.prevHash()).isEqualTo(rivalEntries.getFirst().hash());
    assertThat(table.puts).hasSize(3);
    assertThat(log.verify(ORG)).isEqualTo(new Verification(true, 2, null));
  }

  @Test
  void aWriteWhoseAnswerWasLostIsAppendedOnceNotAgainAtTheNextPosition() {
    log.append(ORG, keyConnected("req-1"));
    table.loseNextAnswer = true;

    AuditEntry second = log.append(ORG, keyConnected("req-2"));
    AuditEntry third = log.append(ORG, keyConnected("req-3"));

    assertThat(second.id()).isEqualTo("aud_000000000002");
    assertThat(third.id()).isEqualTo("aud_000000000003");
    assertThat(table.items(PK)).hasSize(3);
    assertThat(log.verify(ORG).valid()).isTrue();
  }

  @Test
  void appendGivesUpAfterAHundredLostRacesPausingBetweenThem() {
    table.alwaysConflict = true;
    List<Integer> pauses = new ArrayList<>();
    DynamoDbAuditLog recordingPauses =
        new DynamoDbAuditLog(table, TABLE, () -> KEY, CLOCK, pauses::add);

    assertThatThrownBy(() -> recordingPauses.append(ORG, keyConnected("req-1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the audit chain of " + ORG + " was still contended after 100 attempts");
    assertThat(table.puts).hasSize(100);
    assertThat(pauses).isEqualTo(IntStream.rangeClosed(1, 99).boxed().toList());
    assertThat(table.items(PK)).isEmpty();
  }

  @Test
  void appendRejectsFloatingPointDetailsWithoutWriting() {
    AuditEvent event =
        new AuditEvent(
            actor(),
            "refund.created",
            "ch_1",
            AuditOutcome.SUCCESS,
            "manager",
            "req-1",
            Map.of("amount", 12.5));

    assertThatThrownBy(() -> log.append(ORG, event))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("entry.details.amount is a Double");
    assertThat(table.puts).isEmpty();
  }

  @Test
  void headReadsAndVerificationAreConsistentReadsOfTheOrgsAuditPartition() {
    log.append(ORG, keyConnected("req-1"));
    log.verify(ORG);
    log.page(ORG, 10, null);

    assertThat(table.queries)
        .allSatisfy(
            query -> {
              assertThat(query.consistentRead()).isTrue();
              assertThat(query.expressionAttributeValues()).isEqualTo(Map.of(":pk", s(PK)));
            });
    assertThat(table.queries.getFirst().scanIndexForward()).isFalse();
    assertThat(table.queries.getFirst().limit()).isEqualTo(1);
  }

  @Test
  void pageListsNewestFirstAndGivesLastIdOnlyWhenMoreRemain() {
    List<AuditEntry> appended = appendRequests(ORG, 5);

    Page first = log.page(ORG, 2, null);
    Page second = log.page(ORG, 2, first.lastId());
    Page third = log.page(ORG, 2, second.lastId());

    assertThat(first.entries())
        .extracting(AuditEntry::id)
        .containsExactly("aud_000000000005", "aud_000000000004");
    assertThat(first.lastId()).isEqualTo("aud_000000000004");
    assertThat(second.entries())
        .extracting(AuditEntry::id)
        .containsExactly("aud_000000000003", "aud_000000000002");
    assertThat(second.lastId()).isEqualTo("aud_000000000002");
    assertThat(third.entries()).extracting(AuditEntry::id).containsExactly("aud_000000000001");
    assertThat(third.lastId()).isNull();
    assertThat(log.page(ORG, 5, null).entries()).isEqualTo(appended.reversed());
    assertThat(log.page(ORG, 5, null).lastId()).isNull();
  }

  @Test
  void pageFillsTheLimitAcrossShortResponses() {
    appendRequests(ORG, 5);
    table.maxItemsPerResponse = 2;

    Page page = log.page(ORG, 3, null);

    assertThat(page.entries())
        .extracting(AuditEntry::id)
        .containsExactly("aud_000000000005", "aud_000000000004", "aud_000000000003");
    assertThat(page.lastId()).isEqualTo("aud_000000000003");
  }

  @Test
  void pageReadsBackExactlyWhatWasAppended() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("previous", null);
    nested.put("role", "viewer");
    AuditEvent event =
        new AuditEvent(
            new AuditActor("usr_2", "bob", null),
            "member.role_changed",
            "usr_3",
            AuditOutcome.DENIED,
            null,
            null,
            Map.of("change", nested, "count", 3L, "flags", List.of(true, false)));
    AuditEntry appended = log.append(ORG, event);

    assertThat(log.page(ORG, 1, null)).isEqualTo(new Page(List.of(appended), null));
  }

  @Test
  void pageRejectsALimitOutOfRangeAndAnAfterThatIsNotAnEntryId() {
    assertThatThrownBy(() -> log.page(ORG, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be between 1 and 1000");
    assertThatThrownBy(() -> log.page(ORG, Integer.MAX_VALUE, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be between 1 and 1000");
    assertThatThrownBy(() -> log.page(ORG, 10, "aud_1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not an audit entry id");
    assertThatThrownBy(() -> log.page(ORG, 10, "000000000001"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verifyOfAnEmptyChainIsValid() {
    assertThat(log.verify(ORG)).isEqualTo(new Verification(true, 0, null));
  }

  @Test
  void verifyWalksEveryResponsePage() {
    appendRequests(ORG, 5);
    table.maxItemsPerResponse = 2;

    assertThat(log.verify(ORG)).isEqualTo(new Verification(true, 5, null));
  }

  @Test
  void aBoundedVerificationStopsAfterItsEntriesAndTheNextStepCarriesOn() {
    appendRequests(ORG, 5);

    Verification first = log.verify(ORG, AuditLog.Progress.START, 2);
    Verification second = log.verify(ORG, first.next(), 2);
    Verification third = log.verify(ORG, second.next(), 2);

    assertThat(first.entries()).isEqualTo(2);
    assertThat(first.next().nextSeq()).isEqualTo(3);
    assertThat(second.entries()).isEqualTo(4);
    assertThat(third).isEqualTo(new Verification(true, 5, null));
    assertThat(table.queries.getLast().exclusiveStartKey().get("sk")).isEqualTo(s("000000000004"));
  }

  @Test
  void anEntryDeletedWhereAStepResumesBreaksTheChainThere() {
    appendRequests(ORG, 4);
    table.delete(PK, "000000000003");

    Verification first = log.verify(ORG, AuditLog.Progress.START, 2);
    Verification rest = log.verify(ORG, first.next(), 10);

    assertThat(first.valid()).isTrue();
    assertThat(rest).isEqualTo(new Verification(false, 3, "aud_000000000004"));
  }

  @Test
  void aStepCannotBeMadeToLinkToAnotherHash() {
    appendRequests(ORG, 3);

    Verification first = log.verify(ORG, AuditLog.Progress.START, 1);
    AuditLog.Progress forged =
        new AuditLog.Progress(
            first.next().lastId(), first.next().nextSeq(), "f".repeat(64), 1, null);

    assertThat(log.verify(ORG, forged, 10))
        .isEqualTo(new Verification(false, 3, "aud_000000000002"));
  }

  @Test
  void verifyFindsAChangedAction() {
    appendRequests(ORG, 3);
    table.update(PK, "000000000002", item -> with(item, "action", s("key.revoked")));

    assertThat(log.verify(ORG)).isEqualTo(new Verification(false, 3, "aud_000000000002"));
  }

  @Test
  void verifyFindsAChangedDetail() {
    appendRequests(ORG, 3);
    table.update(
        PK,
        "000000000003",
        item ->
            with(
                item,
                "details",
                AttributeValue.fromM(
                    Map.of(
                        "last4",
                        s("4242"),
                        "tries",
                        AttributeValue.fromN("2"),
                        "scopes",
                        AttributeValue.fromL(List.of(s("customers")))))));

    assertThat(log.verify(ORG)).isEqualTo(new Verification(false, 3, "aud_000000000003"));
  }

  @Test
  void verifyFindsATimeWrittenInAnotherFormat() {
    appendRequests(ORG, 2);
    table.update(PK, "000000000001", item -> with(item, "at", s("2025-03-01T12:00:00.123000Z")));

    assertThat(log.verify(ORG)).isEqualTo(new Verification(false, 2, "aud_000000000001"));
  }

  @Test
  void verifyFindsFieldsAndSignedTextRewrittenTogetherWithoutTheKey() {
    appendRequests(ORG, 2);
    table.update(
        PK,
        "000000000001",
        item ->
            with(
                with(item, "action", s("key.revoked")),
                "canonical_json",
                s(item.get("canonical_json").s().replace("key.connected", "key.revoked"))));

    assertThat(log.verify(ORG)).isEqualTo(new Verification(false, 2, "aud_000000000001"));
  }

  @Test
  void verifyFindsAnEntryRehashedWithAnotherKey() {
    appendRequests(ORG, 2);
    AuditChain forger = new AuditChain("another key, long enough".getBytes(StandardCharsets.UTF_8));
    table.update(
        PK,
        "000000000002",
        item ->
            with(
                item,
                "hash",
                s(forger.hash(item.get("prev_hash").s(), item.get("canonical_json").s()))));

    assertThat(log.verify(ORG)).isEqualTo(new Verification(false, 2, "aud_000000000002"));
  }

  @Test
  void verifyFindsADeletedEntryAtTheOneAfterIt() {
    appendRequests(ORG, 3);
    table.delete(PK, "000000000002");

    assertThat(log.verify(ORG)).isEqualTo(new Verification(false, 2, "aud_000000000003"));
  }

  @Test
  void verifyFindsADeletedFirstEntry() {
    appendRequests(ORG, 2);
    table.delete(PK, "000000000001");

    assertThat(log.verify(ORG)).isEqualTo(new Verification(false, 1, "aud_000000000002"));
  }

  @Test
  void verifyFindsAnEntryMovedToAnotherPosition() {
    appendRequests(ORG, 2);
    Map<String, AttributeValue> second = table.items(PK).get(1);
    table.delete(PK, "000000000002");
    table.put(with(second, "sk", s("000000000003")));

    assertThat(log.verify(ORG)).isEqualTo(new Verification(false, 2, "aud_000000000003"));
  }

  @Test
  void verifyFindsAStoredValueThatIsNotJson() {
    appendRequests(ORG, 2);
    table.update(
        PK,
        "000000000001",
        item ->
            with(item, "details", AttributeValue.fromM(Map.of("n", AttributeValue.fromN("1.5")))));

    assertThat(log.verify(ORG)).isEqualTo(new Verification(false, 2, "aud_000000000001"));
  }

  @Test
  void chainsOfTwoOrgsAreIndependent() {
    appendRequests(ORG, 2);
    AuditEntry other = log.append(OTHER_ORG, keyConnected("other"));
    table.update(PK, "000000000001", item -> with(item, "action", s("key.revoked")));

    assertThat(other.id()).isEqualTo("aud_000000000001");
    assertThat(other.prevHash()).isEmpty();
    assertThat(log.verify(OTHER_ORG)).isEqualTo(new Verification(true, 1, null));
    assertThat(log.verify(ORG)).isEqualTo(new Verification(false, 2, "aud_000000000001"));
  }

  @Test
  void theKeyIsReadAtEachUseSoAReloadedSecretIsTheOneUsed() {
    AtomicReference<byte[]> current = new AtomicReference<>(KEY);
    DynamoDbAuditLog reloading = new DynamoDbAuditLog(table, TABLE, current::get, CLOCK);
    reloading.append(ORG, keyConnected("req-1"));
    assertThat(reloading.verify(ORG).valid()).isTrue();

    current.set("the reloaded key, long enough".getBytes(StandardCharsets.UTF_8));

    assertThat(reloading.verify(ORG)).isEqualTo(new Verification(false, 1, "aud_000000000001"));
    assertThat(log.verify(ORG).valid()).isTrue();
  }

  @Test
  void anotherKeyCannotVerifyTheChain() {
    appendRequests(ORG, 2);
    DynamoDbAuditLog otherKey =
        new DynamoDbAuditLog(
            table, TABLE, "another key, long enough".getBytes(StandardCharsets.UTF_8), CLOCK);

    assertThat(otherKey.verify(ORG)).isEqualTo(new Verification(false, 2, "aud_000000000001"));
  }

  private List<AuditEntry> appendRequests(OrgId org, int count) {
    List<AuditEntry> entries = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      entries.add(log.append(org, keyConnected("req-" + i)));
    }
    return entries;
  }

  private static AuditActor actor() {
    return new AuditActor("usr_1", "ada", "owner");
  }

  private static AuditEvent keyConnected(String requestId) {
    return new AuditEvent(
        actor(),
        "key.connected",
        null,
        AuditOutcome.SUCCESS,
        "viewer",
        requestId,
        Map.of("last4", "4242", "tries", 1L, "scopes", List.of("customers")));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static Map<String, AttributeValue> with(
      Map<String, AttributeValue> item, String name, AttributeValue value) {
    Map<String, AttributeValue> changed = new HashMap<>(item);
    changed.put(name, value);
    return changed;
  }

  /**
   * Just enough of DynamoDB for the audit log: conditional puts on {@code attribute_not_exists(pk)}
   * and key-condition queries on {@code pk}, in either direction, with {@code Limit}, {@code
   * ExclusiveStartKey} and a configurable cap on items per response (DynamoDB's 1 MB pages).
   */
  private static final class FakeTable implements DynamoDbClient {

    final Map<String, NavigableMap<String, Map<String, AttributeValue>>> partitions =
        new HashMap<>();
    final List<PutItemRequest> puts = new ArrayList<>();
    final List<QueryRequest> queries = new ArrayList<>();
    Runnable beforeNextPut;
    boolean alwaysConflict;
    boolean loseNextAnswer;
    int maxItemsPerResponse = Integer.MAX_VALUE;

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
      puts.add(request);
      Runnable hook = beforeNextPut;
      beforeNextPut = null;
      if (hook != null) {
        hook.run();
      }
      Map<String, AttributeValue> item = request.item();
      boolean exists = partition(item.get("pk").s()).containsKey(item.get("sk").s());
      if (alwaysConflict
          || ("attribute_not_exists(pk)".equals(request.conditionExpression()) && exists)) {
        throw ConditionalCheckFailedException.builder().message("taken").build();
      }
      put(item);
      if (loseNextAnswer) {
        // What the SDK's retry of a write whose answer was lost meets: the write it made.
        loseNextAnswer = false;
        throw ConditionalCheckFailedException.builder().message("taken").build();
      }
      return PutItemResponse.builder().build();
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
      Map<String, AttributeValue> item =
          partition(request.key().get("pk").s()).get(request.key().get("sk").s());
      return GetItemResponse.builder().item(item).build();
    }

    @Override
    public QueryResponse query(QueryRequest request) {
      queries.add(request);
      assertThat(request.tableName()).isEqualTo(TABLE);
      assertThat(request.keyConditionExpression()).isEqualTo("pk = :pk");
      NavigableMap<String, Map<String, AttributeValue>> partition =
          partition(request.expressionAttributeValues().get(":pk").s());
      NavigableMap<String, Map<String, AttributeValue>> ordered =
          Boolean.FALSE.equals(request.scanIndexForward()) ? partition.descendingMap() : partition;
      if (request.hasExclusiveStartKey()) {
        ordered = ordered.tailMap(request.exclusiveStartKey().get("sk").s(), false);
      }
      int max =
          Math.min(
              maxItemsPerResponse, request.limit() == null ? Integer.MAX_VALUE : request.limit());
      List<Map<String, AttributeValue>> items = ordered.values().stream().limit(max).toList();
      QueryResponse.Builder response = QueryResponse.builder().items(items);
      if (!items.isEmpty() && items.size() == max) {
        Map<String, AttributeValue> last = items.getLast();
        response.lastEvaluatedKey(Map.of("pk", last.get("pk"), "sk", last.get("sk")));
      }
      return response.build();
    }

    List<Map<String, AttributeValue>> items(String pk) {
      return List.copyOf(partition(pk).values());
    }

    void put(Map<String, AttributeValue> item) {
      partition(item.get("pk").s()).put(item.get("sk").s(), Map.copyOf(item));
    }

    void update(String pk, String sk, UnaryOperator<Map<String, AttributeValue>> change) {
      partition(pk).put(sk, Map.copyOf(change.apply(partition(pk).get(sk))));
    }

    void delete(String pk, String sk) {
      partition(pk).remove(sk);
    }

    private NavigableMap<String, Map<String, AttributeValue>> partition(String pk) {
      return partitions.computeIfAbsent(pk, ignored -> new TreeMap<>());
    }

    @Override
    public String serviceName() {
      return DynamoDbClient.SERVICE_NAME;
    }

    @Override
    public void close() {}
  }
}
