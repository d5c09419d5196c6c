package com.agentbilly.sync;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.EventRouting;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.sync.SyncPhase;
import com.agentbilly.domain.sync.SyncState;
import com.agentbilly.domain.sync.SyncState.SyncError;
import com.agentbilly.domain.sync.SyncStatus;
import com.agentbilly.http.Json;
import com.agentbilly.mirror.GuardedMirrorWrite;
import com.agentbilly.port.EventLedger;
import com.agentbilly.port.KeyVault;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.port.SyncStateStore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One org's sync (DESIGN §6), with the org's {@code sync} key only: a resumable backfill of every
 * mirrored type, then catch-up from {@code /v1/events}.
 *
 * <p>Backfill: pages of {@value #SYNC_PAGE_SIZE} with {@code starting_after}, every object written
 * through the guarded mirror write with the moment its page's request started as snapshot time (the
 * whole page at once: {@link MirrorStore#writeAll}), and the checkpoint saved after every page; the
 * next pages are read while a page is written. The event cursor is taken before the backfill
 * starts, so nothing that changes during the backfill is missed. Catch-up: events with {@code
 * created[gte]} = cursor − {@link #EVENT_OVERLAP}, paged, filtered by type here (not with {@code
 * types[]}), skipped when the event ledger has them, applied like a webhook delivery. A cursor
 * older than Stripe's event retention starts a full backfill again.
 *
 * <p>The run stops cleanly when less than the reserve is left of {@code remaining}, saving status
 * {@code queued}; the next run resumes from the checkpoint. A Stripe failure marks the org {@code
 * failed} with {@code last_error}, keeping the checkpoint, so the next run resumes too; so does any
 * other failure (code {@code internal}), so an org is never left {@code running}.
 */
public final class OrgSync {

  /** Objects per list page: Stripe's maximum. */
  public static final int SYNC_PAGE_SIZE = 100;

  /** Events are re-read from this long before the cursor: clocks and same-second events. */
  public static final Duration EVENT_OVERLAP = Duration.ofSeconds(5);

  /** Stripe keeps events 30 days; a cursor within a day of that is treated as too old. */
  public static final Duration EVENT_RETENTION = Duration.ofDays(29);

  /** The order of the backfill: what others refer to first. */
  public static final List<ObjectType> BACKFILL_ORDER =
      List.of(
          ObjectType.PRODUCT,
          ObjectType.PRICE,
          ObjectType.CUSTOMER,
          ObjectType.SUBSCRIPTION,
          ObjectType.INVOICE,
          ObjectType.CHARGE,
          ObjectType.REFUND);

  /** Pages of the backfill read ahead of the one being written, at most. */
  public static final int READ_AHEAD = 3;

  /** How long a read ahead that is no longer wanted may take to stop. */
  private static final Duration ABANDON_WAIT = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(OrgSync.class);

  /** How a run of one org ended. */
  public enum Outcome {
    /** Backfilled and caught up. */
    COMPLETED,
    /** Stopped at the deadline; the next run resumes. */
    PAUSED,
    /** Failed; {@code last_error} says why and the next run resumes. */
    FAILED
  }

  private final SyncStateStore states;
  private final KeyVault vault;
  private final GuardedMirrorWrite writer;
  private final EventLedger ledger;
  private final Function<String, StripeReader> readers;
  private final Clock clock;
  private final Duration reserve;

  /**
   * @param vault must be able to read the {@code sync} key
   * @param fetcher re-reads an object with the sync key on a same-second tie
   * @param readers a reader for a sync key
   * @param reserve the run stops when less than this is left (the longest a page may take)
   */
  public OrgSync(
      SyncStateStore states,
      KeyVault vault,
      MirrorStore mirror,
      StripeObjectFetcher fetcher,
      EventLedger ledger,
      Function<String, StripeReader> readers,
      Clock clock,
      Duration reserve) {
    this.states = Objects.requireNonNull(states, "states");
    this.vault = Objects.requireNonNull(vault, "vault");
    this.writer = new GuardedMirrorWrite(mirror, fetcher);
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.readers = Objects.requireNonNull(readers, "readers");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.reserve = Objects.requireNonNull(reserve, "reserve");
  }

  /**
   * Syncs one org until done, failed or out of time.
   *
   * @param remaining the time left of this org's share of the run
   */
  public Outcome run(OrgId org, Supplier<Duration> remaining) {
    Instant startedAt = clock.instant();
    try {
      return runOrThrow(org, remaining, startedAt);
    } catch (RuntimeException e) {
      return failUnexpectedly(org, startedAt, e);
    }
  }

  /**
   * A failure that is not Stripe's (a storage error, a bug): the org must not stay {@code running}.
   * The message names only the exception's type — its text may carry data — and the run resumes
   * from the last checkpoint next time. If even saving that fails, the caller sees the original
   * exception (with the second attached) and the lease's expiry frees the org.
   */
  private Outcome failUnexpectedly(OrgId org, Instant startedAt, RuntimeException e) {
    LOG.atError()
        .addKeyValue("org", org.value())
        .addKeyValue("error", e.getClass().getName())
        .log("sync failed unexpectedly");
    try {
      SyncState state = states.load(org);
      states.save(
          org,
          state
              .withStatus(SyncStatus.FAILED)
              .withRun(
                  startedAt,
                  state.lastSuccessAt(),
                  new SyncError(
                      "internal",
                      "The sync stopped on an unexpected error ("
                          + e.getClass().getSimpleName()
                          + "); the next run resumes from the last checkpoint.")));
    } catch (RuntimeException saving) {
      e.addSuppressed(saving);
      throw e;
    }
    return Outcome.FAILED;
  }

  private Outcome runOrThrow(OrgId org, Supplier<Duration> remaining, Instant startedAt) {
    SyncState state = states.load(org);
    Optional<String> key = vault.get(org, SecretPurpose.SYNC);
    if (key.isEmpty()) {
      states.save(
          org,
          state
              .withStatus(SyncStatus.FAILED)
              .withRun(
                  startedAt,
                  state.lastSuccessAt(),
                  new SyncError("key_not_connected", "No sync key is connected.")));
      return Outcome.FAILED;
    }
    state = startingPoint(state, startedAt);
    state = state.withStatus(SyncStatus.RUNNING).withRun(startedAt, state.lastSuccessAt(), null);
    states.save(org, state);
    StripeReader stripe = readers.apply(key.get());
    try {
      if (state.phase() == SyncPhase.BACKFILL) {
        state = backfill(org, state, stripe, remaining);
        if (state.phase() == SyncPhase.BACKFILL) {
          return pause(org, state);
        }
      }
      Optional<Instant> caughtUp = catchUp(org, state, stripe, remaining);
      if (caughtUp.isEmpty()) {
        return pause(org, state);
      }
      state =
          state
              .withEventCursor(caughtUp.get())
              .withStatus(SyncStatus.IDLE)
              .withRun(startedAt, clock.instant(), null);
      states.save(org, state);
      LOG.atInfo().addKeyValue("org", org.value()).log("sync completed");
      return Outcome.COMPLETED;
    } catch (DeadlineReached e) {
      return pause(org, states.load(org));
    } catch (StripeReadFailure | StripeObjectFetcher.Unavailable e) {
      String code = e instanceof StripeReadFailure failure ? failure.code() : "stripe_unavailable";
      SyncState failed =
          states
              .load(org)
              .withStatus(SyncStatus.FAILED)
              .withRun(startedAt, state.lastSuccessAt(), new SyncError(code, e.getMessage()));
      states.save(org, failed);
      LOG.atWarn()
          .addKeyValue("org", org.value())
          .addKeyValue("code", code)
          .addKeyValue("error", e.getMessage())
          .log("sync failed");
      return Outcome.FAILED;
    }
  }

  /**
   * Where a run starts: an unfinished backfill resumes; a finished one catches up from its cursor;
   * no cursor, or one older than Stripe keeps events, starts a full backfill with a new cursor.
   */
  static SyncState startingPoint(SyncState state, Instant now) {
    if (state.phase() == SyncPhase.BACKFILL && state.currentType() != null) {
      return state;
    }
    if (state.phase() == SyncPhase.CATCH_UP
        && state.eventCursor() != null
        && state.eventCursor().isAfter(now.minus(EVENT_RETENTION))) {
      return state;
    }
    Map<ObjectType, Long> zero = new EnumMap<>(ObjectType.class);
    BACKFILL_ORDER.forEach(type -> zero.put(type, 0L));
    return state
        .at(SyncPhase.BACKFILL, BACKFILL_ORDER.get(0), null, null)
        .withEventCursor(now)
        .withCounts(zero);
  }

  private Outcome pause(OrgId org, SyncState state) {
    states.save(org, state.withStatus(SyncStatus.QUEUED));
    LOG.atInfo()
        .addKeyValue("org", org.value())
        .addKeyValue("phase", String.valueOf(state.phase()))
        .addKeyValue("type", state.currentType() == null ? "-" : state.currentType().listName())
        .log("sync paused at the deadline: the next run resumes");
    return Outcome.PAUSED;
  }

  private boolean outOfTime(Supplier<Duration> remaining) {
    return remaining.get().compareTo(reserve) < 0;
  }

  /**
   * Backfills page by page from the checkpoint. The pages are read by {@link PagesAhead}, up to
   * {@value #READ_AHEAD} pages ahead of the one being written, so the mirror writes overlap the
   * Stripe reads and a slow read does not wait for a slow write; the checkpoint moves only after
   * all of a page's writes.
   */
  private SyncState backfill(
      OrgId org, SyncState state, StripeReader stripe, Supplier<Duration> remaining) {
    try (PagesAhead pages = new PagesAhead(stripe, state, remaining)) {
      for (ReadPage read = pages.next(); read != null; read = pages.next()) {
        if (read.restarted()) {
          LOG.atWarn()
              .addKeyValue("org", org.value())
              .addKeyValue("type", read.type().listName())
              .addKeyValue("starting_after", read.after())
              .log("Stripe restarted the list: this type ends here");
        } else {
          writer.writeAll(org, read.documents());
        }
        state = read.following();
        states.save(org, state);
      }
      return state;
    }
  }

  /** The checkpoint after {@code page} of the state's type: its last id, or the next type. */
  private static SyncState following(
      SyncState state, Page page, boolean restarted, ListRestartGuard guard) {
    ObjectType type = state.currentType();
    Map<ObjectType, Long> counts = new EnumMap<>(ObjectType.class);
    counts.putAll(state.counts());
    if (!restarted) {
      counts.merge(type, (long) page.ids().size(), Long::sum);
    }
    if (restarted || !page.hasMore() || page.ids().isEmpty()) {
      int next = BACKFILL_ORDER.indexOf(type) + 1;
      ObjectType nextType = next < BACKFILL_ORDER.size() ? BACKFILL_ORDER.get(next) : null;
      return state
          .at(nextType == null ? SyncPhase.CATCH_UP : SyncPhase.BACKFILL, nextType, null, null)
          .withCounts(counts);
    }
    return state
        .at(SyncPhase.BACKFILL, type, page.ids().get(page.ids().size() - 1), guard.head())
        .withCounts(counts);
  }

  /**
   * A page of the backfill as read: its type and {@code starting_after}, the moment its request
   * started (the snapshot time of its objects), whether Stripe restarted the list instead of
   * continuing it, and the checkpoint once it is written.
   */
  record ReadPage(
      ObjectType type,
      String after,
      Instant requestStarted,
      Page page,
      boolean restarted,
      SyncState following) {

    /** The page's objects as mirror documents, snapshot at the moment the request started. */
    List<MirrorDocument> documents() {
      return page.data().stream()
          .map(
              object ->
                  new MirrorDocument(
                      type, object.get("id").asText(), Json.write(object), requestStarted, false))
          .toList();
    }
  }

  /**
   * The backfill's pages, read in order by one virtual thread (so the reader is never used by two
   * threads at once) into a queue of {@value #READ_AHEAD}: each page's request follows from the
   * page before it, not from its writes. Time is checked before each page is read, so a page read
   * is a page written; when time is up or the last type is done, the queue ends. A read's failure
   * takes the place of its page, so the pages before it are still written.
   */
  private final class PagesAhead implements AutoCloseable {

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(READ_AHEAD);
    private final Thread thread;

    PagesAhead(StripeReader stripe, SyncState from, Supplier<Duration> remaining) {
      this.thread =
          Thread.ofVirtual()
              .name("stripe-pages-ahead")
              .start(() -> readAll(stripe, from, remaining));
    }

    private void readAll(StripeReader stripe, SyncState from, Supplier<Duration> remaining) {
      try {
        try {
          SyncState state = from;
          ListRestartGuard guard = new ListRestartGuard(from.headId());
          while (state.currentType() != null && !outOfTime(remaining)) {
            ObjectType type = state.currentType();
            String after = state.lastId();
            Instant started = clock.instant();
            Page page = Page.parse(stripe.get(listPath(type, after), remaining));
            boolean restarted = guard.restarted(page.ids(), after != null);
            SyncState following = following(state, page, restarted, guard);
            if (following.currentType() != type) {
              guard = new ListRestartGuard(null);
            }
            queue.put(new ReadPage(type, after, started, page, restarted, following));
            state = following;
          }
          queue.put(END_OF_PAGES);
        } catch (RuntimeException | Error e) {
          queue.put(new ReadFailed(e));
        }
      } catch (InterruptedException e) {
        // closed: nobody takes pages any more
      }
    }

    /** The next page; null when time is up or the backfill is done; rethrows a read's failure. */
    ReadPage next() {
      Object next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeadlineReached("interrupted while waiting for a page");
      }
      if (next instanceof ReadFailed failed) {
        if (failed.cause() instanceof RuntimeException failure) {
          throw failure;
        }
        throw (Error) failed.cause();
      }
      return next == END_OF_PAGES ? null : (ReadPage) next;
    }

    /** Stops a read no longer wanted, and waits a little for the thread to end. */
    @Override
    public void close() {
      thread.interrupt();
      try {
        thread.join(ABANDON_WAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Where {@link PagesAhead} ends. */
  private static final Object END_OF_PAGES = new Object();

  /** A read that failed, in its page's place. */
  private record ReadFailed(Throwable cause) {}

  /** The events since the cursor, applied; the new cursor, or empty when out of time. */
  private Optional<Instant> catchUp(
      OrgId org, SyncState state, StripeReader stripe, Supplier<Duration> remaining) {
    Instant cursor = state.eventCursor();
    long from = cursor.minus(EVENT_OVERLAP).getEpochSecond();
    Instant newest = cursor;
    String after = null;
    ListRestartGuard guard = new ListRestartGuard(null);
    while (true) {
      if (outOfTime(remaining)) {
        return Optional.empty();
      }
      String path = eventsPath(from, after);
      Page page = Page.parse(stripe.get(path, remaining));
      if (guard.restarted(page.ids(), after != null)) {
        break;
      }
      for (JsonNode event : page.data()) {
        Instant created = Instant.ofEpochSecond(event.path("created").asLong());
        applyEvent(org, event, created);
        if (created.isAfter(newest)) {
          newest = created;
        }
      }
      if (!page.hasMore() || page.ids().isEmpty()) {
        break;
      }
      after = page.ids().get(page.ids().size() - 1);
    }
    return Optional.of(newest);
  }

  private void applyEvent(OrgId org, JsonNode event, Instant created) {
    String id = event.path("id").asText();
    String type = event.path("type").asText();
    if (ledger.contains(org, id)) {
      return;
    }
    JsonNode object = event.path("data").path("object");
    String objectName = object.path("object").isTextual() ? object.get("object").asText() : null;
    Optional<ObjectType> mirrored =
        object.path("id").isTextual()
            ? EventRouting.mirroredType(type, objectName)
            : Optional.empty();
    mirrored.ifPresent(
        objectType ->
            writer.write(
                org,
                new MirrorDocument(
                    objectType,
                    object.get("id").asText(),
                    Json.write(object),
                    created,
                    EventRouting.isDeletion(type, objectType))));
    ledger.record(org, id, type, mirrored.isPresent(), created);
  }

  /**
   * The catch-up request of one page of events created at or after {@code fromEpochSecond}, after
   * {@code startingAfter} (or null). No {@code types[]}: events are filtered here.
   */
  public static String eventsPath(long fromEpochSecond, String startingAfter) {
    return "/v1/events?limit="
        + SYNC_PAGE_SIZE
        + "&"
        + encode("created[gte]")
        + "="
        + fromEpochSecond
        + (startingAfter == null ? "" : "&starting_after=" + encode(startingAfter));
  }

  /** The backfill request of one page of {@code type}, after {@code startingAfter} (or null). */
  public static String listPath(ObjectType type, String startingAfter) {
    StringBuilder path =
        new StringBuilder(type.stripePath()).append("?limit=").append(SYNC_PAGE_SIZE);
    if (type == ObjectType.SUBSCRIPTION) {
      path.append("&status=all");
    }
    String expand = type.expandParameters("data.");
    if (!expand.isEmpty()) {
      path.append('&').append(expand);
    }
    if (startingAfter != null) {
      path.append("&starting_after=").append(encode(startingAfter));
    }
    return path.toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** One page of a Stripe list. */
  record Page(List<JsonNode> data, List<String> ids, boolean hasMore) {

    static Page parse(String body) {
      JsonNode root;
      try {
        root = Json.read(body);
      } catch (JsonProcessingException e) {
        throw new StripeReadFailure(
            "stripe_error", "Stripe answered a list with a body that is not JSON.");
      }
      JsonNode data = root.path("data");
      if (!data.isArray()) {
        throw new StripeReadFailure("stripe_error", "Stripe answered a list without data.");
      }
      List<JsonNode> objects = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (JsonNode object : data) {
        if (object.path("id").isTextual()) {
          objects.add(object);
          ids.add(object.get("id").asText());
        }
      }
      return new Page(objects, ids, root.path("has_more").asBoolean(false));
    }
  }
}
