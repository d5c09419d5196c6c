package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.s;

import com.agentbilly.domain.Backoff;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ListPage;
import com.agentbilly.domain.mirror.ListQuery;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.mirror.PageCursors;
import com.agentbilly.domain.mirror.WriteOutcome;
import com.agentbilly.domain.summary.Buckets;
import com.agentbilly.mirror.SummaryContributions;
import com.agentbilly.port.MirrorStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * {@link MirrorStore} on the single DynamoDB table. One item per Stripe object in the partition
 * {@code ORG#<org>#<object name>} with the Stripe id as sort key; the fields the read API filters
 * on are copied out of the JSON into attributes and into the keys of three GSIs (see {@link
 * MirrorIndex}). Every read is one {@code GetItem} or {@code Query}s on one index; every write is
 * conditional on the snapshot time.
 */
public final class DynamoDbMirrorStore implements MirrorStore {

  static final String JSON = "json";
  static final String SNAPSHOT = "snapshot";
  static final String SYNCED_AT = "synced_at";
  static final String DELETED = "deleted";
  static final String CONTENT_HASH = "content_hash";
  static final String TYPE = "type";
  static final String CREATED = "created";
  static final String STATUS = "status";
  static final String CUSTOMER = "customer";
  static final String EMAIL = "email";
  static final String CURRENCY = "currency";
  static final String AMOUNT = "amount";
  static final String ACTIVE = "active";
  static final String PRODUCT = "product";
  static final String CHARGE = "charge";

  /** Position fields of a cursor: the index sort key and the Stripe id of the last item. */
  private static final int CURSOR_FIELDS = 2;

  /** A refused write is re-examined at most this often if the stored item keeps changing. */
  private static final int MAX_WRITE_ATTEMPTS = 8;

  /** The pause before a refused write or an unprocessed read is tried again. */
  private static final Backoff CONTENTION = Backoff.contention();

  /** Keys per {@code BatchGetItem}: DynamoDB's limit. */
  static final int MAX_BATCH_READ = 100;

  /** {@code BatchGetItem}s in a row that may leave keys unprocessed before giving up. */
  private static final int MAX_BATCH_READ_ATTEMPTS = 8;

  /** Actions per {@code TransactWriteItems}: DynamoDB's limit. */
  static final int MAX_TRANSACTION_ITEMS = 100;

  /** Bytes of items per transaction, kept well below DynamoDB's 4 MB. */
  static final long MAX_TRANSACTION_BYTES = 3_000_000;

  /** Generous for an item's attributes besides its JSON (keys, index keys, copied fields). */
  private static final long ITEM_OVERHEAD_BYTES = 2_048;

  private final DynamoDbClient dynamo;
  private final String table;
  private final PageCursors cursors;
  private final Clock clock;

  /**
   * @param cursorKey the HMAC key of list cursors ({@code StackSecrets#cursorKey}), read when the
   *     first cursor is made or opened, so a function that never lists need not read it
   */
  public DynamoDbMirrorStore(
      DynamoDbClient dynamo, String table, Supplier<byte[]> cursorKey, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.cursors = new PageCursors(cursorKey);
    this.clock = clock;
  }

  /** A store whose cursor key is known up front. */
  public DynamoDbMirrorStore(DynamoDbClient dynamo, String table, byte[] cursorKey, Clock clock) {
    this(dynamo, table, copyOf(cursorKey), clock);
  }

  /**
   * The table's secondary indexes that lists query, each with its partition and sort key attribute
   * names; the table definition in {@code template.yaml} must declare each of them (ALL projected).
   */
  public static Map<String, List<String>> queriedIndexes() {
    Map<String, List<String>> indexes = new TreeMap<>();
    MirrorIndex.INDEXES.forEach(
        (name, keys) -> indexes.put(name, List.of(keys.getKey(), keys.getValue())));
    return indexes;
  }

  private static Supplier<byte[]> copyOf(byte[] key) {
    byte[] copy = key.clone();
    return () -> copy;
  }

  /**
   * Writes the document unless the stored snapshot is as new or newer. A deletion whose JSON has no
   * {@code created} (a stub such as Stripe's {@code {"id", "object", "deleted": true}}) marks the
   * stored object deleted and keeps its last JSON.
   *
   * <p>A subscription, charge or refund also changes the org's summary aggregates: the stored item
   * is read first, and the object write (conditional on the stored state being still the one read)
   * and the {@code ADD}s of {@link SummaryContributions#change} to the aggregate items go in one
   * {@code TransactWriteItems}, so a stale, duplicate or lost write changes no aggregate.
   *
   * @throws IllegalArgumentException if the document's JSON is not a JSON object
   */
  @Override
  public WriteOutcome write(OrgId org, MirrorDocument document) {
    StripeObjectFields fields = StripeObjectFields.extract(document.type(), document.json());
    String hash = sha256(document.json());
    if (SummaryContributions.affects(document.type())) {
      return writeSummarised(org, document, fields, hash);
    }
    for (int attempt = 1; ; attempt++) {
      Map<String, AttributeValue> stored;
      try {
        if (document.deleted() && fields.created() == null) {
          dynamo.updateItem(markDeleted(org, document, fields, hash, Guard.newerThan(document)));
        } else {
          dynamo.putItem(put(org, document, fields, hash, Guard.newerThan(document)));
        }
        return WriteOutcome.APPLIED;
      } catch (ConditionalCheckFailedException refused) {
        stored =
            refused.hasItem() && !refused.item().isEmpty()
                ? refused.item()
                : read(org, document.type(), document.id()).orElse(Map.of());
      }
      Optional<WriteOutcome> outcome = outcomeAgainst(stored, document, hash);
      if (outcome.isPresent()) {
        return outcome.get();
      }
      beforeRetry(document, attempt);
    }
  }

  /**
   * The write of an object that counts in the summary: read the stored state, decide the outcome
   * against it, then write the object only if it is still that state, together with the change of
   * the aggregates, in one transaction. A concurrent write in between makes the transaction fail
   * and the whole step is taken again.
   */
  private WriteOutcome writeSummarised(
      OrgId org, MirrorDocument document, StripeObjectFields fields, String hash) {
    for (int attempt = 1; ; attempt++) {
      Optional<Map<String, AttributeValue>> stored = read(org, document.type(), document.id());
      if (stored.isPresent()) {
        Optional<WriteOutcome> outcome = outcomeAgainst(stored.get(), document, hash);
        if (outcome.isPresent()) {
          return outcome.get();
        }
      }
      SummaryContributions.State before =
          stored.map(DynamoDbMirrorStore::summaryState).orElse(null);
      Buckets change =
          SummaryContributions.change(
              document.type(),
              before,
              new SummaryContributions.State(document.json(), document.deleted()));
      Guard guard = Guard.unchanged(stored.orElse(null));
      boolean stub = document.deleted() && fields.created() == null;
      try {
        if (change.isEmpty()) {
          if (stub) {
            dynamo.updateItem(markDeleted(org, document, fields, hash, guard));
          } else {
            dynamo.putItem(put(org, document, fields, hash, guard));
          }
        } else {
          List<TransactWriteItem> writes = new ArrayList<>();
          writes.add(transactWrite(org, document, fields, hash, guard));
          writes.addAll(SummaryItems.updates(table, org, change));
          dynamo.transactWriteItems(transaction -> transaction.transactItems(writes));
        }
        return WriteOutcome.APPLIED;
      } catch (ConditionalCheckFailedException refused) {
        // the stored state changed since it was read: decide again
      } catch (TransactionCanceledException canceled) {
        if (!retriable(canceled)) {
          throw canceled;
        }
      }
      beforeRetry(document, attempt);
    }
  }

  /**
   * Writes a page of documents in a few requests instead of one or two each. The documents go in
   * {@code TransactWriteItems} of at most {@value #MAX_TRANSACTION_ITEMS} actions, each object
   * conditional as its own write would be: an object that counts in the summary on its stored state
   * being still the one read (one {@code BatchGetItem} per {@value #MAX_BATCH_READ} of them reads
   * it, and decides STALE, SAME and CONFLICT), any other on the stored snapshot being older (no
   * read: that is the condition of {@link #write} too). With a transaction's objects goes the
   * summed change of their summary aggregates, one {@code ADD} per aggregate item, so a page of
   * subscriptions touches the org's totals once, not once per subscription.
   *
   * <p>If a transaction is refused, DynamoDB says which of its actions failed: those documents are
   * written alone through {@link #write}, which decides afresh; the others are committed again. So
   * is a second document of an object already in the list, after the first. On DynamoDB a
   * transactional write costs twice the capacity of a plain one: the price of writing a page in one
   * or two requests.
   */
  @Override
  public List<WriteOutcome> writeAll(OrgId org, List<MirrorDocument> documents) {
    WriteOutcome[] outcomes = new WriteOutcome[documents.size()];
    List<Integer> first = new ArrayList<>();
    List<Integer> repeats = new ArrayList<>();
    Set<String> objects = new HashSet<>();
    for (int i = 0; i < documents.size(); i++) {
      MirrorDocument document = documents.get(i);
      (objects.add(storedKey(key(org, document.type(), document.id()))) ? first : repeats).add(i);
    }
    Map<String, Map<String, AttributeValue>> stored =
        readAll(
            org,
            first.stream()
                .map(documents::get)
                .filter(document -> SummaryContributions.affects(document.type()))
                .toList());
    PendingTransaction transaction = new PendingTransaction();
    for (int i : first) {
      MirrorDocument document = documents.get(i);
      StripeObjectFields fields = StripeObjectFields.extract(document.type(), document.json());
      String hash = sha256(document.json());
      Guard guard = Guard.newerThan(document);
      Buckets change = Buckets.NONE;
      if (SummaryContributions.affects(document.type())) {
        Map<String, AttributeValue> current =
            stored.get(storedKey(key(org, document.type(), document.id())));
        Optional<WriteOutcome> outcome =
            current == null ? Optional.empty() : outcomeAgainst(current, document, hash);
        if (outcome.isPresent()) {
          outcomes[i] = outcome.get();
          continue;
        }
        guard = Guard.unchanged(current);
        change =
            SummaryContributions.change(
                document.type(),
                current == null ? null : summaryState(current),
                new SummaryContributions.State(document.json(), document.deleted()));
      }
      Pending pending =
          new Pending(
              i,
              transactWrite(org, document, fields, hash, guard),
              change,
              document.json().getBytes(StandardCharsets.UTF_8).length + ITEM_OVERHEAD_BYTES);
      if (!transaction.fits(pending)) {
        commit(org, transaction, documents, outcomes);
        transaction = new PendingTransaction();
      }
      transaction.add(pending);
    }
    commit(org, transaction, documents, outcomes);
    for (int i : repeats) {
      outcomes[i] = write(org, documents.get(i));
    }
    return List.of(outcomes);
  }

  /** The stored items of {@code documents} (distinct objects of one org), by {@link #storedKey}. */
  private Map<String, Map<String, AttributeValue>> readAll(
      OrgId org, List<MirrorDocument> documents) {
    Map<String, Map<String, AttributeValue>> stored = new HashMap<>();
    for (int from = 0; from < documents.size(); from += MAX_BATCH_READ) {
      List<Map<String, AttributeValue>> keys =
          documents.subList(from, Math.min(documents.size(), from + MAX_BATCH_READ)).stream()
              .map(document -> key(org, document.type(), document.id()))
              .toList();
      Map<String, KeysAndAttributes> request =
          Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
      for (int attempt = 1; !request.isEmpty(); attempt++) {
        if (attempt > MAX_BATCH_READ_ATTEMPTS) {
          throw new IllegalStateException(
              "DynamoDB left keys unprocessed " + MAX_BATCH_READ_ATTEMPTS + " times in a row");
        }
        if (attempt > 1) {
          CONTENTION.pause(attempt - 2);
        }
        Map<String, KeysAndAttributes> unprocessed = request;
        BatchGetItemResponse response =
            dynamo.batchGetItem(batch -> batch.requestItems(unprocessed));
        for (Map<String, AttributeValue> item :
            response.responses().getOrDefault(table, List.of())) {
          stored.put(storedKey(item), item);
        }
        request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
      }
    }
    return stored;
  }

  /**
   * Commits a transaction of {@link #writeAll}. If DynamoDB refuses it, nothing of it was written:
   * each document whose own action failed (a concurrent write changed its object) is written alone,
   * and the others, whose conditions held, are committed again after a short pause (a conflict on
   * an aggregate item fails no object's action, so the whole transaction is taken again).
   */
  private void commit(
      OrgId org,
      PendingTransaction transaction,
      List<MirrorDocument> documents,
      WriteOutcome[] outcomes) {
    for (int attempt = 1; !transaction.writes.isEmpty(); attempt++) {
      List<TransactWriteItem> writes = new ArrayList<>();
      transaction.writes.forEach(pending -> writes.add(pending.write()));
      writes.addAll(SummaryItems.updates(table, org, transaction.change));
      try {
        dynamo.transactWriteItems(request -> request.transactItems(writes));
        transaction.writes.forEach(pending -> outcomes[pending.index()] = WriteOutcome.APPLIED);
        return;
      } catch (TransactionCanceledException canceled) {
        if (!retriable(canceled)) {
          throw canceled;
        }
        PendingTransaction again = new PendingTransaction();
        for (int k = 0; k < transaction.writes.size(); k++) {
          Pending pending = transaction.writes.get(k);
          if (attempt < MAX_WRITE_ATTEMPTS && actionHeld(canceled, k)) {
            again.add(pending);
          } else {
            outcomes[pending.index()] = write(org, documents.get(pending.index()));
          }
        }
        transaction = again;
        if (!transaction.writes.isEmpty()) {
          CONTENTION.pause(attempt - 1);
        }
      }
    }
  }

  /** Whether action {@code k} of a refused transaction met its condition and no conflict. */
  private static boolean actionHeld(TransactionCanceledException canceled, int k) {
    if (!canceled.hasCancellationReasons() || canceled.cancellationReasons().size() <= k) {
      return false;
    }
    String code = canceled.cancellationReasons().get(k).code();
    return code == null || "None".equals(code);
  }

  /**
   * One document's write in a transaction of {@link #writeAll}: its index in the list, its action,
   * its change of the summary aggregates and about the bytes it adds.
   */
  private record Pending(int index, TransactWriteItem write, Buckets change, long bytes) {}

  /** The object writes of one transaction of {@link #writeAll}, and their summed summary change. */
  private static final class PendingTransaction {

    private final List<Pending> writes = new ArrayList<>();
    private Buckets change = Buckets.NONE;
    private long bytes;

    /** Whether one more write and its change keep the transaction within DynamoDB's limits. */
    boolean fits(Pending pending) {
      int aggregates = change.plus(pending.change()).asMap().size();
      return writes.size() + 1 + aggregates <= MAX_TRANSACTION_ITEMS
          && bytes + pending.bytes() <= MAX_TRANSACTION_BYTES;
    }

    void add(Pending pending) {
      writes.add(pending);
      change = change.plus(pending.change());
      bytes += pending.bytes();
    }
  }

  /** An object's write as a transaction action: a put, or the tombstone update of a stub. */
  private TransactWriteItem transactWrite(
      OrgId org, MirrorDocument document, StripeObjectFields fields, String hash, Guard guard) {
    return document.deleted() && fields.created() == null
        ? TransactWriteItem.builder()
            .update(asTransactUpdate(markDeleted(org, document, fields, hash, guard)))
            .build()
        : TransactWriteItem.builder()
            .put(asTransactPut(put(org, document, fields, hash, guard)))
            .build();
  }

  private static String storedKey(Map<String, AttributeValue> item) {
    return item.get(TableKeys.PK).s() + "\u0000" + item.get(TableKeys.SK).s();
  }

  /** A stored item's state as the summary contributions read it. */
  private static SummaryContributions.State summaryState(Map<String, AttributeValue> item) {
    return new SummaryContributions.State(
        item.get(JSON).s(), Boolean.TRUE.equals(item.get(DELETED).bool()));
  }

  /** A transaction refused by our own guard, or by a concurrent transaction: take it again. */
  private static boolean retriable(TransactionCanceledException canceled) {
    return canceled.hasCancellationReasons()
        && canceled.cancellationReasons().stream()
            .map(CancellationReason::code)
            .anyMatch(
                code ->
                    "ConditionalCheckFailed".equals(code) || "TransactionConflict".equals(code));
  }

  /**
   * Before a write is taken again: gives up after {@link #MAX_WRITE_ATTEMPTS}, else pauses a short,
   * jittered while, so writers of one hot item (an org's summary totals) stop meeting each other.
   */
  private static void beforeRetry(MirrorDocument document, int attempt) {
    if (attempt == MAX_WRITE_ATTEMPTS) {
      throw new IllegalStateException(
          "mirror write of " + document.id() + " refused " + attempt + " times");
    }
    CONTENTION.pause(attempt - 1);
  }

  /** The condition of an object write, with the attribute names and values it uses. */
  private record Guard(
      String expression, Map<String, String> names, Map<String, AttributeValue> values) {

    /** Nothing is stored, or what is stored is an older snapshot. */
    static Guard newerThan(MirrorDocument document) {
      return new Guard(
          "attribute_not_exists(pk) OR #snapshot < :snapshot",
          Map.of("#snapshot", SNAPSHOT),
          Map.of(":snapshot", number(document.snapshot().toEpochMilli())));
    }

    /**
     * The stored state is still {@code stored} (nothing, if null). Every write raises the snapshot,
     * so an unchanged snapshot is an unchanged item.
     */
    static Guard unchanged(Map<String, AttributeValue> stored) {
      if (stored == null) {
        return new Guard("attribute_not_exists(pk)", Map.of(), Map.of());
      }
      return new Guard(
          "#snapshot = :stored",
          Map.of("#snapshot", SNAPSHOT),
          Map.of(":stored", stored.get(SNAPSHOT)));
    }
  }

  /** STALE/SAME/CONFLICT against the item that refused the write; empty if it no longer does. */
  private static Optional<WriteOutcome> outcomeAgainst(
      Map<String, AttributeValue> stored, MirrorDocument document, String hash) {
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    long storedSnapshot = Long.parseLong(stored.get(SNAPSHOT).n());
    long snapshot = document.snapshot().toEpochMilli();
    if (storedSnapshot > snapshot) {
      return Optional.of(WriteOutcome.STALE);
    }
    if (storedSnapshot < snapshot) {
      return Optional.empty();
    }
    boolean sameContent =
        hash.equals(Items.string(stored, CONTENT_HASH))
            && document.deleted() == Boolean.TRUE.equals(stored.get(DELETED).bool());
    return Optional.of(sameContent ? WriteOutcome.SAME : WriteOutcome.CONFLICT);
  }

  private PutItemRequest put(
      OrgId org, MirrorDocument document, StripeObjectFields fields, String hash, Guard guard) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.putAll(key(org, document.type(), document.id()));
    item.put(TYPE, s(document.type().objectName()));
    item.put(JSON, s(document.json()));
    item.put(SNAPSHOT, number(document.snapshot().toEpochMilli()));
    item.put(SYNCED_AT, Items.time(clock.instant()));
    item.put(DELETED, AttributeValue.fromBool(document.deleted()));
    item.put(CONTENT_HASH, s(hash));
    item.putAll(fieldAttributes(fields));
    item.putAll(MirrorIndex.keys(org, document.type(), document.id(), fields));
    PutItemRequest.Builder put =
        PutItemRequest.builder()
            .tableName(table)
            .item(item)
            .conditionExpression(guard.expression())
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
    if (!guard.names().isEmpty()) {
      put.expressionAttributeNames(guard.names()).expressionAttributeValues(guard.values());
    }
    return put.build();
  }

  private static Put asTransactPut(PutItemRequest put) {
    Put.Builder transactPut =
        Put.builder()
            .tableName(put.tableName())
            .item(put.item())
            .conditionExpression(put.conditionExpression());
    if (put.hasExpressionAttributeNames()) {
      transactPut
          .expressionAttributeNames(put.expressionAttributeNames())
          .expressionAttributeValues(put.expressionAttributeValues());
    }
    return transactPut.build();
  }

  private static Update asTransactUpdate(UpdateItemRequest update) {
    return Update.builder()
        .tableName(update.tableName())
        .key(update.key())
        .updateExpression(update.updateExpression())
        .conditionExpression(update.conditionExpression())
        .expressionAttributeNames(update.expressionAttributeNames())
        .expressionAttributeValues(update.expressionAttributeValues())
        .build();
  }

  /**
   * A deletion stub: sets the tombstone flags and keeps the stored JSON and index keys; creates an
   * item from the stub (sorted as created at 0) if nothing was stored.
   */
  private UpdateItemRequest markDeleted(
      OrgId org, MirrorDocument document, StripeObjectFields fields, String hash, Guard guard) {
    Map<String, String> names = new HashMap<>(guard.names());
    Map<String, AttributeValue> values = new HashMap<>(guard.values());
    List<String> sets = new ArrayList<>();
    names.put("#snapshot", SNAPSHOT);
    values.put(":snapshot", number(document.snapshot().toEpochMilli()));
    sets.add("#snapshot = :snapshot");
    Map<String, AttributeValue> always =
        Map.of(
            TYPE, s(document.type().objectName()),
            SYNCED_AT, Items.time(clock.instant()),
            DELETED, AttributeValue.fromBool(true),
            CONTENT_HASH, s(hash));
    Map<String, AttributeValue> unlessStored = new HashMap<>(fieldAttributes(fields));
    unlessStored.put(JSON, s(document.json()));
    unlessStored.put(CREATED, number(0));
    unlessStored.putAll(MirrorIndex.keys(org, document.type(), document.id(), fields));
    int n = 0;
    for (Map.Entry<String, AttributeValue> entry : always.entrySet()) {
      names.put("#a" + n, entry.getKey());
      values.put(":a" + n, entry.getValue());
      sets.add("#a" + n + " = :a" + n);
      n++;
    }
    for (Map.Entry<String, AttributeValue> entry : unlessStored.entrySet()) {
      names.put("#a" + n, entry.getKey());
      values.put(":a" + n, entry.getValue());
      sets.add("#a" + n + " = if_not_exists(#a" + n + ", :a" + n + ")");
      n++;
    }
    return UpdateItemRequest.builder()
        .tableName(table)
        .key(key(org, document.type(), document.id()))
        .updateExpression("SET " + String.join(", ", sets))
        .conditionExpression(guard.expression())
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
        .build();
  }

  /** The object as stored, tombstones included. */
  @Override
  public Optional<MirrorItem> get(OrgId org, ObjectType type, String id) {
    return read(org, type, id).map(item -> toMirrorItem(type, item));
  }

  private Optional<Map<String, AttributeValue>> read(OrgId org, ObjectType type, String id) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(get -> get.tableName(table).key(key(org, type, id)).consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  /**
   * One page, newest first: Queries on one index (the most selective the filters allow), the other
   * filters and the tombstone rule as a FilterExpression, repeated while the filter leaves the page
   * short and the index has more. The cursor resumes right after the page's last item.
   */
  @Override
  public ListPage list(OrgId org, ListQuery query) {
    String binding = PageCursors.binding(org, query);
    Map<String, String> filters = PageCursors.canonicalFilters(query.filters());
    MirrorIndex.Plan plan = MirrorIndex.plan(org, query.type(), filters);
    Map<String, AttributeValue> start = null;
    if (query.cursor() != null) {
      List<String> position = cursors.open(binding, query.cursor(), CURSOR_FIELDS);
      start = plan.startKey(key(org, query.type(), position.get(1)), position.get(0));
    }
    Optional<Filter> filter = Filter.of(plan.residualFilters(), query.includeDeleted());
    if (filter.isPresent() && filter.get().matchesNothing()) {
      return new ListPage(List.of(), null);
    }
    List<Map<String, AttributeValue>> page = new ArrayList<>();
    boolean more = false;
    while (true) {
      // One more than a page: a full page plus one match proves there is a next page. Matches
      // beyond that are dropped; the cursor is taken from the last item returned, not from
      // LastEvaluatedKey, so nothing is skipped.
      QueryResponse response = dynamo.query(request(plan, filter, start, query.limit() + 1));
      for (Map<String, AttributeValue> item : response.items()) {
        if (page.size() == query.limit()) {
          more = true;
          break;
        }
        page.add(item);
      }
      if (more || !response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
        break;
      }
      start = response.lastEvaluatedKey();
    }
    List<MirrorItem> items = page.stream().map(item -> toMirrorItem(query.type(), item)).toList();
    if (!more) {
      return new ListPage(items, null);
    }
    Map<String, AttributeValue> last = page.get(page.size() - 1);
    String cursor =
        cursors.seal(
            binding, List.of(last.get(plan.sortKeyAttribute()).s(), last.get(TableKeys.SK).s()));
    return new ListPage(items, cursor);
  }

  private QueryRequest request(
      MirrorIndex.Plan plan,
      Optional<Filter> filter,
      Map<String, AttributeValue> start,
      int limit) {
    Map<String, String> names = new HashMap<>(Map.of("#ipk", plan.partitionKeyAttribute()));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":ipk", s(plan.partition())));
    QueryRequest.Builder request =
        QueryRequest.builder()
            .tableName(table)
            .indexName(plan.index())
            .keyConditionExpression("#ipk = :ipk")
            .scanIndexForward(false)
            .limit(limit);
    filter.ifPresent(
        f -> {
          names.putAll(f.names());
          values.putAll(f.values());
          request.filterExpression(f.expression());
        });
    if (start != null) {
      request.exclusiveStartKey(start);
    }
    return request.expressionAttributeNames(names).expressionAttributeValues(values).build();
  }

  /** A FilterExpression over the filters the index key does not cover, and the tombstone rule. */
  private record Filter(
      String expression,
      Map<String, String> names,
      Map<String, AttributeValue> values,
      boolean matchesNothing) {

    static Optional<Filter> of(Map<String, String> residual, boolean includeDeleted) {
      List<String> terms = new ArrayList<>();
      Map<String, String> names = new HashMap<>();
      Map<String, AttributeValue> values = new HashMap<>();
      boolean matchesNothing = false;
      if (!includeDeleted) {
        terms.add("#deleted <> :deleted");
        names.put("#deleted", DELETED);
        values.put(":deleted", AttributeValue.fromBool(true));
      }
      int n = 0;
      for (Map.Entry<String, String> entry : residual.entrySet()) {
        AttributeValue value;
        if (entry.getKey().equals(ACTIVE)) {
          if (!entry.getValue().equals("true") && !entry.getValue().equals("false")) {
            matchesNothing = true;
          }
          value = AttributeValue.fromBool(Boolean.parseBoolean(entry.getValue()));
        } else {
          value = s(entry.getValue());
        }
        terms.add("#f" + n + " = :f" + n);
        names.put("#f" + n, entry.getKey());
        values.put(":f" + n, value);
        n++;
      }
      return terms.isEmpty()
          ? Optional.empty()
          : Optional.of(new Filter(String.join(" AND ", terms), names, values, matchesNothing));
    }
  }

  private static MirrorItem toMirrorItem(ObjectType type, Map<String, AttributeValue> item) {
    return new MirrorItem(
        type,
        item.get(TableKeys.SK).s(),
        item.get(JSON).s(),
        Instant.ofEpochMilli(Long.parseLong(item.get(SNAPSHOT).n())),
        Items.instant(item, SYNCED_AT),
        Boolean.TRUE.equals(item.get(DELETED).bool()));
  }

  private static Map<String, AttributeValue> fieldAttributes(StripeObjectFields fields) {
    Map<String, AttributeValue> attributes = new HashMap<>();
    if (fields.created() != null) {
      attributes.put(CREATED, number(fields.created()));
    }
    putIfPresent(attributes, STATUS, fields.status());
    putIfPresent(attributes, CUSTOMER, fields.customer());
    putIfPresent(attributes, EMAIL, fields.email());
    putIfPresent(attributes, CURRENCY, fields.currency());
    putIfPresent(attributes, PRODUCT, fields.product());
    putIfPresent(attributes, CHARGE, fields.charge());
    if (fields.amount() != null) {
      attributes.put(AMOUNT, number(fields.amount()));
    }
    if (fields.active() != null) {
      attributes.put(ACTIVE, AttributeValue.fromBool(fields.active()));
    }
    return attributes;
  }

  private static void putIfPresent(
      Map<String, AttributeValue> attributes, String name, String value) {
    if (value != null) {
      attributes.put(name, s(value));
    }
  }

  static Map<String, AttributeValue> key(OrgId org, ObjectType type, String id) {
    return Map.of(TableKeys.PK, s(TableKeys.mirrorPk(org, type)), TableKeys.SK, s(id));
  }

  private static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private static String sha256(String json) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
