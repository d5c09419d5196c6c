package com.agentbilly.testing;

import com.agentbilly.adapter.dynamodb.StripeObjectFields;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ListPage;
import com.agentbilly.domain.mirror.ListQuery;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.mirror.PageCursors;
import com.agentbilly.domain.mirror.WriteOutcome;
import com.agentbilly.domain.summary.BucketKey;
import com.agentbilly.domain.summary.Buckets;
import com.agentbilly.domain.summary.Figures;
import com.agentbilly.mirror.SummaryContributions;
import com.agentbilly.port.MirrorAggregates;
import com.agentbilly.port.MirrorStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link MirrorStore} in memory with the DynamoDB store's semantics: the snapshot guard (APPLIED,
 * STALE, SAME, CONFLICT), tombstones (a deletion without {@code created} keeps the last JSON),
 * newest first by {@code created} then id, filters as the store compares them ({@code email}
 * case-insensitive), {@code includeDeleted}, and sealed cursors bound to org, type and filters.
 * Keeps the summary aggregates as the DynamoDB store does: each applied write adds {@link
 * SummaryContributions#change} of the stored and the new state, in the same step.
 */
public final class InMemoryMirrorStore implements MirrorStore, MirrorAggregates {

  private record Key(OrgId org, ObjectType type, String id) {}

  /**
   * @param writtenJson the JSON of the document that was written, which a deletion stub leaves out
   *     of {@code item}: what SAME and CONFLICT compare, as the DynamoDB store's content hash does
   */
  private record Stored(
      MirrorItem item, StripeObjectFields fields, String sortKey, String writtenJson) {}

  private final Map<Key, Stored> items = new ConcurrentHashMap<>();
  private final Map<OrgId, Buckets> aggregates = new ConcurrentHashMap<>();
  private final Clock clock;
  private final PageCursors cursors;

  /** A store whose cursors are sealed with a random key, with the system clock. */
  public InMemoryMirrorStore() {
    this(Clock.systemUTC());
  }

  /** A store whose {@code synced_at} comes from {@code clock}. */
  public InMemoryMirrorStore(Clock clock) {
    this(clock, randomKey());
  }

  /** A store whose cursors are sealed with {@code cursorKey}. */
  public InMemoryMirrorStore(Clock clock, byte[] cursorKey) {
    this.clock = clock;
    byte[] key = cursorKey.clone();
    this.cursors = new PageCursors(() -> key);
  }

  @Override
  public synchronized WriteOutcome write(OrgId org, MirrorDocument document) {
    Key key = new Key(org, document.type(), document.id());
    StripeObjectFields fields = StripeObjectFields.extract(document.type(), document.json());
    Stored current = items.get(key);
    if (current != null) {
      int order = current.item().snapshot().compareTo(document.snapshot());
      if (order > 0) {
        return WriteOutcome.STALE;
      }
      if (order == 0) {
        boolean same =
            current.writtenJson().equals(document.json())
                && current.item().deleted() == document.deleted();
        return same ? WriteOutcome.SAME : WriteOutcome.CONFLICT;
      }
    }
    String json = document.json();
    if (document.deleted() && fields.created() == null && current != null) {
      json = current.item().json();
      fields = current.fields();
    }
    MirrorItem item =
        new MirrorItem(
            document.type(),
            document.id(),
            json,
            document.snapshot(),
            clock.instant(),
            document.deleted());
    Buckets change =
        SummaryContributions.change(
            document.type(),
            current == null
                ? null
                : new SummaryContributions.State(current.item().json(), current.item().deleted()),
            new SummaryContributions.State(document.json(), document.deleted()));
    items.put(key, new Stored(item, fields, fields.sortKey(document.id()), document.json()));
    aggregates.merge(org, change, Buckets::plus);
    return WriteOutcome.APPLIED;
  }

  @Override
  public Optional<MirrorItem> get(OrgId org, ObjectType type, String id) {
    return Optional.ofNullable(items.get(new Key(org, type, id))).map(Stored::item);
  }

  @Override
  public synchronized ListPage list(OrgId org, ListQuery query) {
    String binding = PageCursors.binding(org, query);
    String after = null;
    if (query.cursor() != null) {
      after = cursors.open(binding, query.cursor(), 2).get(0);
    }
    Map<String, String> filters = PageCursors.canonicalFilters(query.filters());
    List<Stored> matching = new ArrayList<>();
    for (Map.Entry<Key, Stored> entry : items.entrySet()) {
      Stored stored = entry.getValue();
      if (entry.getKey().org().equals(org)
          && entry.getKey().type() == query.type()
          && (query.includeDeleted() || !stored.item().deleted())
          && stored.fields().matches(filters)
          && (after == null || stored.sortKey().compareTo(after) < 0)) {
        matching.add(stored);
      }
    }
    matching.sort(Comparator.comparing(Stored::sortKey).reversed());
    if (matching.size() <= query.limit()) {
      return new ListPage(matching.stream().map(Stored::item).toList(), null);
    }
    List<Stored> page = matching.subList(0, query.limit());
    Stored last = page.get(page.size() - 1);
    String cursor = cursors.seal(binding, List.of(last.sortKey(), last.item().id()));
    return new ListPage(page.stream().map(Stored::item).toList(), cursor);
  }

  @Override
  public synchronized Buckets read(OrgId org, LocalDate firstDay) {
    Buckets read = Buckets.NONE;
    for (Map.Entry<BucketKey, Figures> bucket :
        aggregates.getOrDefault(org, Buckets.NONE).asMap().entrySet()) {
      if (bucket.getKey().isTotals() || !bucket.getKey().day().isBefore(firstDay)) {
        read = read.plus(bucket.getKey(), bucket.getValue());
      }
    }
    return read;
  }

  /** Every object of {@code org}, tombstones included, in no particular order. */
  public synchronized List<MirrorItem> all(OrgId org) {
    return items.entrySet().stream()
        .filter(entry -> entry.getKey().org().equals(org))
        .map(entry -> entry.getValue().item())
        .toList();
  }

  /** How many objects (tombstones included) the org has of {@code type}. */
  public int size(OrgId org, ObjectType type) {
    return (int)
        items.keySet().stream().filter(k -> k.org().equals(org) && k.type() == type).count();
  }

  /** Forgets every object of {@code org}, as org deletion does. */
  public synchronized void deleteOrgData(OrgId org) {
    items.keySet().removeIf(k -> k.org().equals(org));
    aggregates.remove(org);
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }
}
