package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.s;
import static com.agentbilly.adapter.dynamodb.Items.string;

import com.agentbilly.audit.AuditChain;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.audit.AuditActor;
import com.agentbilly.domain.audit.AuditEntry;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.port.AuditLog;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * {@link AuditLog} on the single table, hashed by {@link AuditChain}.
 *
 * <p>An org's chain is the partition {@code ORG#<org>#AUDIT}; an entry's sort key is its chain
 * position, zero-padded to 12 digits ({@code 000000000001} first), and its id is {@code aud_} plus
 * that sort key, so ids sort in chain order. Each item stores the wire fields under their wire
 * names ({@code id}, {@code at}, {@code actor} as a map, {@code action}, {@code target}, {@code
 * outcome}, {@code key_purpose}, {@code request_id}, {@code details} as a map, {@code prev_hash},
 * {@code hash}; null as DynamoDB NULL), the exact text that was hashed ({@code canonical_json}),
 * and {@code type} = {@code audit} and {@code org_id}.
 *
 * <p>Appending claims the next position with a conditional put, so concurrent writers never fork
 * the chain; the loser re-reads the head and tries again. {@link #verify} recomputes the canonical
 * JSON from the stored fields and requires it to equal the stored text, and requires the stored
 * hash to be the HMAC over that text and the link to the entry before: a change to any field, to
 * the text or to the hash breaks the chain at that entry, a removed entry at the one after it.
 * Removing the newest entries cannot be seen from the chain alone.
 */
public final class DynamoDbAuditLog implements AuditLog {

  /**
   * How often an append tries for a position before giving up. Generous: with 8 writers appending
   * to one org back to back, single appends needed up to 18 attempts locally.
   */
  public static final int MAX_APPEND_ATTEMPTS = 100;

  /** The largest page {@link #page} serves. */
  public static final int MAX_PAGE_SIZE = 1000;

  static final String ID_PREFIX = "aud_";

  /** How long an {@link #appendOnce} key is remembered: longer than a request may be retried. */
  static final Duration ONCE_KEPT = Duration.ofHours(25);

  private static final String CONDITION_FAILED = "ConditionalCheckFailed";

  /** Entries asked for per Query while verifying (each page is also capped at 1 MB). */
  private static final int QUERY_PAGE = 1000;

  static final String CANONICAL_JSON = "canonical_json";
  static final String HASH = "hash";

  private static final long MAX_SEQ = 999_999_999_999L;
  private static final long MAX_BACKOFF_MILLIS = 50;
  private static final Pattern ID =
      Pattern.compile("aud_[0-9]{" + TableKeys.AUDIT_SEQ_DIGITS + "}");
  private static final List<String> UNSIGNED_WIRE_FIELDS =
      List.of(
          "id",
          "at",
          "actor",
          "action",
          "target",
          "outcome",
          "key_purpose",
          "request_id",
          "details",
          "prev_hash");

  private final DynamoDbClient dynamo;
  private final String table;
  private final Supplier<byte[]> auditKey;
  private final Clock clock;
  private final IntConsumer pauseBeforeRetry;

  /**
   * @param auditKey the stack's audit secret; never logged
   * @throws IllegalArgumentException when the key is too short for {@link AuditChain}
   */
  public DynamoDbAuditLog(DynamoDbClient dynamo, String table, byte[] auditKey, Clock clock) {
    this(dynamo, table, fixed(auditKey), clock, DynamoDbAuditLog::jitteredPause);
  }

  /**
   * @param auditKey where the stack's audit secret is read on each use (so a reloaded secret, for
   *     instance after a SnapStart restore, is the one used); never logged
   */
  public DynamoDbAuditLog(
      DynamoDbClient dynamo, String table, Supplier<byte[]> auditKey, Clock clock) {
    this(dynamo, table, auditKey, clock, DynamoDbAuditLog::jitteredPause);
  }

  /** For tests: {@code pauseBeforeRetry} gets the number of the attempt that was just lost. */
  DynamoDbAuditLog(
      DynamoDbClient dynamo,
      String table,
      Supplier<byte[]> auditKey,
      Clock clock,
      IntConsumer pauseBeforeRetry) {
    this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
    this.table = Objects.requireNonNull(table, "table");
    this.auditKey = Objects.requireNonNull(auditKey, "auditKey");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pauseBeforeRetry = Objects.requireNonNull(pauseBeforeRetry, "pauseBeforeRetry");
  }

  /** The chain under the audit key as it is now (read on each use, never kept). */
  private AuditChain chain() {
    return new AuditChain(auditKey.get());
  }

  /** A key given once: checked now, copied so the caller's array can't change it. */
  private static Supplier<byte[]> fixed(byte[] auditKey) {
    new AuditChain(auditKey);
    byte[] copy = auditKey.clone();
    return () -> copy;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when a detail value is not JSON-shaped (see {@link
   *     AuditChain}); nothing is written
   * @throws IllegalStateException when the position was still contended after {@value
   *     #MAX_APPEND_ATTEMPTS} attempts
   */
  @Override
  public AuditEntry append(OrgId org, AuditEvent event) {
    return appendAt(org, event, null).orElseThrow();
  }

  /**
   * {@inheritDoc}
   *
   * <p>The entry and a marker {@code ORG#<org>#AUDIT_ONCE} / {@code onceKey} (naming the entry and
   * its outcome, kept a day by TTL) are put in one transaction, each on condition that it does not
   * exist yet: a lost position is retried as in {@link #append}, an existing marker means the entry
   * is there already.
   */
  @Override
  public Optional<AuditOutcome> appendOnce(OrgId org, AuditEvent event, String onceKey) {
    Objects.requireNonNull(onceKey, "onceKey");
    Optional<AuditEntry> appended = appendAt(org, event, onceKey);
    if (appended.isPresent()) {
      return Optional.empty();
    }
    Map<String, AttributeValue> marker =
        dynamo
            .getItem(get -> get.tableName(table).key(onceKey(org, onceKey)).consistentRead(true))
            .item();
    return Optional.of(AuditOutcome.valueOf(string(marker, "outcome").toUpperCase(Locale.ROOT)));
  }

  /** Appends at the next free position; empty when {@code onceKey} is set and already taken. */
  private Optional<AuditEntry> appendAt(OrgId org, AuditEvent event, String onceKey) {
    Objects.requireNonNull(org, "org");
    Objects.requireNonNull(event, "event");
    for (int attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      Optional<Map<String, AttributeValue>> head = newest(org);
      long seq = head.map(item -> seq(item) + 1).orElse(1L);
      if (seq > MAX_SEQ) {
        throw new IllegalStateException("the audit chain of " + org + " is full");
      }
      String prevHash =
          head.map(item -> Objects.requireNonNullElse(string(item, HASH), ""))
              .orElse(AuditChain.GENESIS_PREV_HASH);
      String id = ID_PREFIX + TableKeys.auditSk(seq);
      Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      Map<String, Object> wire = AuditChain.unsignedWire(id, at, event, prevHash);
      String canonicalJson = AuditChain.canonicalJson(wire);
      String hash = chain().hash(prevHash, canonicalJson);
      Map<String, AttributeValue> entry = item(org, seq, wire, canonicalJson, hash);
      try {
        if (onceKey == null) {
          dynamo.putItem(
              put ->
                  put.tableName(table).item(entry).conditionExpression("attribute_not_exists(pk)"));
        } else {
          putWithMarker(org, entry, onceKey, id, event.outcome(), at);
        }
        return Optional.of(new AuditEntry(id, at, event, prevHash, hash));
      } catch (ConditionalCheckFailedException taken) {
        if (holdsOwnEntry(entry, hash)) {
          // Our write landed but its answer was lost; the SDK's retry met the entry it wrote.
          return Optional.of(new AuditEntry(id, at, event, prevHash, hash));
        }
        if (attempt < MAX_APPEND_ATTEMPTS) {
          pauseBeforeRetry.accept(attempt);
        }
      } catch (TransactionCanceledException cancelled) {
        List<CancellationReason> reasons = cancelled.cancellationReasons();
        if (reasons.size() == 2 && CONDITION_FAILED.equals(reasons.get(1).code())) {
          return Optional.empty();
        }
        if (reasons.isEmpty() || !CONDITION_FAILED.equals(reasons.getFirst().code())) {
          throw cancelled;
        }
        if (attempt < MAX_APPEND_ATTEMPTS) {
          pauseBeforeRetry.accept(attempt);
        }
      }
    }
    throw new IllegalStateException(
        "the audit chain of "
            + org
            + " was still contended after "
            + MAX_APPEND_ATTEMPTS
            + " attempts");
  }

  /**
   * Whether the position {@code entry} wanted holds {@code entry} itself: its hash covers the
   * previous hash, the id, the time to the millisecond and the event, so another writer's entry
   * never matches.
   */
  private boolean holdsOwnEntry(Map<String, AttributeValue> entry, String hash) {
    Map<String, AttributeValue> stored =
        dynamo
            .getItem(
                get ->
                    get.tableName(table)
                        .key(
                            Map.of(
                                TableKeys.PK,
                                entry.get(TableKeys.PK),
                                TableKeys.SK,
                                entry.get(TableKeys.SK)))
                        .consistentRead(true))
            .item();
    return stored != null && hash.equals(string(stored, HASH));
  }

  private void putWithMarker(
      OrgId org,
      Map<String, AttributeValue> entry,
      String onceKey,
      String id,
      AuditOutcome outcome,
      Instant at) {
    Map<String, AttributeValue> marker = new HashMap<>(onceKey(org, onceKey));
    marker.put("entry_id", s(id));
    marker.put("outcome", s(outcome.wireName()));
    marker.put(
        "expires_at", AttributeValue.fromN(Long.toString(at.plus(ONCE_KEPT).getEpochSecond())));
    dynamo.transactWriteItems(
        write ->
            write.transactItems(
                TransactWriteItem.builder()
                    .put(
                        Put.builder()
                            .tableName(table)
                            .item(entry)
                            .conditionExpression("attribute_not_exists(pk)")
                            .build())
                    .build(),
                TransactWriteItem.builder()
                    .put(
                        Put.builder()
                            .tableName(table)
                            .item(marker)
                            .conditionExpression("attribute_not_exists(pk)")
                            .build())
                    .build()));
  }

  private static Map<String, AttributeValue> onceKey(OrgId org, String onceKey) {
    return Map.of(TableKeys.PK, s(TableKeys.auditOncePk(org)), TableKeys.SK, s(onceKey));
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when {@code limit} is not between 1 and {@value
   *     #MAX_PAGE_SIZE} or {@code after} is not an audit entry id
   */
  @Override
  public Page page(OrgId org, int limit, String after) {
    if (limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE_SIZE);
    }
    Map<String, AttributeValue> startKey = null;
    if (after != null) {
      if (!ID.matcher(after).matches()) {
        throw new IllegalArgumentException("not an audit entry id");
      }
      startKey = key(org, after.substring(ID_PREFIX.length()));
    }
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    do {
      QueryResponse response =
          dynamo.query(
              newestFirst(org).limit(limit + 1 - items.size()).exclusiveStartKey(startKey).build());
      items.addAll(response.items());
      startKey = response.hasLastEvaluatedKey() ? response.lastEvaluatedKey() : null;
    } while (startKey != null && items.size() <= limit);
    List<Map<String, AttributeValue>> page = items.subList(0, Math.min(limit, items.size()));
    String lastId = items.size() > limit ? ID_PREFIX + string(page.getLast(), TableKeys.SK) : null;
    return new Page(page.stream().map(DynamoDbAuditLog::toEntry).toList(), lastId);
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code entries} counts every stored entry, also after the first bad one. Removing entries
   * from the newest end cannot be seen from the chain itself.
   */
  @Override
  public Verification verify(OrgId org, Progress from, int maxEntries) {
    long count = from.entries();
    long expectedSeq = from.nextSeq();
    String prevHash = from.prevHash();
    String firstBadId = from.firstBadId();
    AuditChain chain = chain();
    if (from.lastId() != null && !ID.matcher(from.lastId()).matches()) {
      throw new IllegalArgumentException("not an audit entry id");
    }
    String lastSk = from.lastId() == null ? null : from.lastId().substring(ID_PREFIX.length());
    Map<String, AttributeValue> startKey = lastSk == null ? null : key(org, lastSk);
    int checked = 0;
    boolean more = false;
    do {
      // One item past the bound is asked for, so that reaching the bound tells whether more follow.
      int wanted = (int) Math.min((long) maxEntries - checked + 1, QUERY_PAGE);
      QueryResponse response =
          dynamo.query(oldestFirst(org).limit(wanted).exclusiveStartKey(startKey).build());
      for (Map<String, AttributeValue> item : response.items()) {
        if (checked == maxEntries) {
          more = true;
          break;
        }
        count++;
        checked++;
        if (firstBadId == null && !isIntactLink(chain, item, expectedSeq, prevHash)) {
          firstBadId = ID_PREFIX + string(item, TableKeys.SK);
        }
        expectedSeq++;
        prevHash = Objects.requireNonNullElse(string(item, HASH), "");
        lastSk = string(item, TableKeys.SK);
      }
      startKey = response.hasLastEvaluatedKey() ? response.lastEvaluatedKey() : null;
    } while (!more && startKey != null);
    Progress next =
        more ? new Progress(ID_PREFIX + lastSk, expectedSeq, prevHash, count, firstBadId) : null;
    return new Verification(firstBadId == null, count, firstBadId, next);
  }

  private static boolean isIntactLink(
      AuditChain chain,
      Map<String, AttributeValue> item,
      long expectedSeq,
      String expectedPrevHash) {
    String sk = string(item, TableKeys.SK);
    if (!TableKeys.auditSk(expectedSeq).equals(sk)) {
      return false;
    }
    String storedCanonicalJson = string(item, CANONICAL_JSON);
    Map<String, Object> wire;
    String recomputed;
    try {
      wire = storedUnsignedWire(item);
      recomputed = AuditChain.canonicalJson(wire);
    } catch (IllegalArgumentException malformed) {
      return false;
    }
    return (ID_PREFIX + sk).equals(wire.get("id"))
        && expectedPrevHash.equals(wire.get("prev_hash"))
        && recomputed.equals(storedCanonicalJson)
        && chain.matches(expectedPrevHash, storedCanonicalJson, string(item, HASH));
  }

  private Optional<Map<String, AttributeValue>> newest(OrgId org) {
    List<Map<String, AttributeValue>> items =
        dynamo.query(newestFirst(org).limit(1).build()).items();
    return items.stream().findFirst();
  }

  private QueryRequest.Builder oldestFirst(OrgId org) {
    return QueryRequest.builder()
        .tableName(table)
        .keyConditionExpression("pk = :pk")
        .expressionAttributeValues(Map.of(":pk", s(TableKeys.auditPk(org))))
        .consistentRead(true);
  }

  private QueryRequest.Builder newestFirst(OrgId org) {
    return oldestFirst(org).scanIndexForward(false);
  }

  /** Sleeps a random 1 ms up to 4, 8, 16, 32, then at most 50 ms, so losers spread out. */
  private static void jitteredPause(int attempt) {
    long ceiling = Math.min(MAX_BACKOFF_MILLIS, 2L << Math.min(attempt, 10));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, ceiling + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while appending to the audit chain", e);
    }
  }

  private static long seq(Map<String, AttributeValue> item) {
    return Long.parseLong(string(item, TableKeys.SK));
  }

  private static Map<String, AttributeValue> key(OrgId org, String sk) {
    return Map.of(TableKeys.PK, s(TableKeys.auditPk(org)), TableKeys.SK, s(sk));
  }

  private static Map<String, AttributeValue> item(
      OrgId org, long seq, Map<String, Object> wire, String canonicalJson, String hash) {
    Map<String, AttributeValue> item = new HashMap<>(key(org, TableKeys.auditSk(seq)));
    item.put("type", s("audit"));
    item.put("org_id", s(org.value()));
    wire.forEach((name, value) -> item.put(name, attribute(value)));
    item.put(HASH, s(hash));
    item.put(CANONICAL_JSON, s(canonicalJson));
    return item;
  }

  private static Map<String, Object> storedUnsignedWire(Map<String, AttributeValue> item) {
    Map<String, Object> wire = new LinkedHashMap<>();
    for (String name : UNSIGNED_WIRE_FIELDS) {
      AttributeValue value = item.get(name);
      if (value == null) {
        throw new IllegalArgumentException("the stored entry has no " + name);
      }
      wire.put(name, value(value));
    }
    return wire;
  }

  private static AuditEntry toEntry(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> actor = item.get("actor").m();
    AuditEvent event =
        new AuditEvent(
            new AuditActor(
                string(actor, "user_id"), string(actor, "username"), string(actor, "role")),
            string(item, "action"),
            string(item, "target"),
            AuditOutcome.valueOf(string(item, "outcome").toUpperCase(Locale.ROOT)),
            string(item, "key_purpose"),
            string(item, "request_id"),
            values(item.get("details").m()));
    return new AuditEntry(
        string(item, "id"),
        Instant.parse(string(item, "at")),
        event,
        string(item, "prev_hash"),
        string(item, HASH));
  }

  /** A JSON-shaped value (as {@link AuditChain} accepts) as an attribute value. */
  private static AttributeValue attribute(Object value) {
    return switch (value) {
      case null -> AttributeValue.fromNul(true);
      case String text -> AttributeValue.fromS(text);
      case Boolean flag -> AttributeValue.fromBool(flag);
      case Number number -> AttributeValue.fromN(number.toString());
      case List<?> list ->
          AttributeValue.fromL(list.stream().map(DynamoDbAuditLog::attribute).toList());
      case Map<?, ?> map -> {
        Map<String, AttributeValue> fields = new LinkedHashMap<>();
        map.forEach((name, field) -> fields.put((String) name, attribute(field)));
        yield AttributeValue.fromM(fields);
      }
      default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass());
    };
  }

  /** The JSON-shaped value of an attribute; numbers must be integers. */
  private static Object value(AttributeValue value) {
    return switch (value.type()) {
      case S -> value.s();
      case N -> integer(value.n());
      case BOOL -> value.bool();
      case NUL -> null;
      case L -> value.l().stream().map(DynamoDbAuditLog::value).toList();
      case M -> values(value.m());
      default -> throw new IllegalArgumentException("not a JSON value: " + value.type());
    };
  }

  private static Map<String, Object> values(Map<String, AttributeValue> attributes) {
    Map<String, Object> values = new LinkedHashMap<>();
    attributes.forEach((name, attribute) -> values.put(name, value(attribute)));
    return values;
  }

  private static Object integer(String number) {
    BigInteger integer;
    try {
      integer = new BigDecimal(number).toBigIntegerExact();
    } catch (ArithmeticException fraction) {
      throw new IllegalArgumentException("not an integer: " + number, fraction);
    }
    return integer.bitLength() < Long.SIZE ? (Object) integer.longValueExact() : integer;
  }
}
