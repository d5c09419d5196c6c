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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One org's sync (DESIGN §6), with the org's {@code sync} key only: a resumable backfill of every
 * mirrored type, then catch-up from {@code /v1/events}.
 *
 * <p>Backfill: pages of {@value #SYNC_PAGE_SIZE} with {@code starting_after}, every object written
 * through the guarded mirror write with the moment its page's request started as snapshot time, and
 * the checkpoint saved after every page; the next page is read while a page is written. The event
 * cursor is taken before the backfill starts, so nothing that changes during the backfill is
 * missed. Catch-up: events with {@code created[gte]} = cursor − {@link #EVENT_OVERLAP}, paged,
 * filtered by type here (not with {@code types[]}), skipped when the event ledger has them, applied
 * like a webhook delivery. A cursor older than Stripe's event retention starts a full backfill
 * again.
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
   * Backfills page by page from the checkpoint. While a page is written, the next page (of this
   * type, or the first of the next type) is already being read, so the mirror writes overlap the
   * Stripe reads; the checkpoint moves only after all of a page's writes.
   */
  private SyncState backfill(
      OrgId org, SyncState state, StripeReader stripe, Supplier<Duration> remaining) {
    ListRestartGuard guard = new ListRestartGuard(state.headId());
    PageRead next = null;
    // Checked before a page is read (or read ahead), so a page read is always a page written.
    boolean inTime = !outOfTime(remaining);
    try {
      while (state.currentType() != null) {
        if (!inTime) {
          return state;
        }
        ObjectType type = state.currentType();
        String after = state.lastId();
        PageRead read =
            next != null ? next : PageRead.now(stripe, listPath(type, after), remaining, clock);
        next = null;
        Fetched fetched = read.result();
        Page page = Page.parse(fetched.body());
        boolean restarted = guard.restarted(page.ids(), after != null);
        SyncState following = following(state, page, restarted, guard);
        if (following.currentType() != null) {
          inTime = !outOfTime(remaining);
        }
        if (following.currentType() != null && inTime) {
          next =
              PageRead.ahead(
                  stripe, listPath(following.currentType(), following.lastId()), remaining, clock);
        }
        if (restarted) {
          LOG.atWarn()
              .addKeyValue("org", org.value())
              .addKeyValue("type", type.listName())
              .addKeyValue("starting_after", after)
              .log("Stripe restarted the list: this type ends here");
        } else {
          for (JsonNode object : page.data()) {
            writer.write(
                org,
                new MirrorDocument(
                    type,
                    object.get("id").asText(),
                    Json.write(object),
                    fetched.requestStarted(),
                    false));
          }
        }
        if (following.currentType() != type) {
          guard = new ListRestartGuard(null);
        }
        state = following;
        states.save(org, state);
      }
      return state;
    } finally {
      if (next != null) {
        next.abandon();
      }
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

  /** A page's body and the moment its request started (the snapshot time of its objects). */
  record Fetched(Instant requestStarted, String body) {}

  /**
   * One page read: done at once, or under way in a virtual thread while the previous page is
   * written. Only one read is ever outstanding, so the reader is never used by two threads at once.
   */
  private static final class PageRead {

    private final FutureTask<Fetched> task;
    private final Thread thread;

    private PageRead(FutureTask<Fetched> task, Thread thread) {
      this.task = task;
      this.thread = thread;
    }

    static PageRead now(
        StripeReader stripe, String path, Supplier<Duration> remaining, Clock clock) {
      FutureTask<Fetched> task = task(stripe, path, remaining, clock);
      task.run();
      return new PageRead(task, null);
    }

    static PageRead ahead(
        StripeReader stripe, String path, Supplier<Duration> remaining, Clock clock) {
      FutureTask<Fetched> task = task(stripe, path, remaining, clock);
      return new PageRead(task, Thread.ofVirtual().name("stripe-page-ahead").start(task));
    }

    private static FutureTask<Fetched> task(
        StripeReader stripe, String path, Supplier<Duration> remaining, Clock clock) {
      return new FutureTask<>(
          () -> {
            Instant started = clock.instant();
            return new Fetched(started, stripe.get(path, remaining));
          });
    }

    /** The page, or what its read threw. */
    Fetched result() {
      try {
        return task.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeadlineReached("interrupted while waiting for a page");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException failure) {
          throw failure;
        }
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw new IllegalStateException("a page read failed", e.getCause());
      }
    }

    /** Stops a read whose page is no longer wanted, and waits for its thread to end. */
    void abandon() {
      task.cancel(true);
      if (thread != null) {
        try {
          thread.join(ABANDON_WAIT);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

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
