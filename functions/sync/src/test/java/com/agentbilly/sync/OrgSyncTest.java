package com.agentbilly.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.ListPage;
import com.agentbilly.domain.mirror.ListQuery;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.mirror.WriteOutcome;
import com.agentbilly.domain.sync.SyncPhase;
import com.agentbilly.domain.sync.SyncState;
import com.agentbilly.domain.sync.SyncState.SyncError;
import com.agentbilly.domain.sync.SyncStatus;
import com.agentbilly.http.Json;
import com.agentbilly.port.KeyVault;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.testing.InMemoryEventLedger;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.InMemorySyncStateStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class OrgSyncTest {

  static final OrgId ORG = new OrgId("org_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  static final String SYNC_KEY = "rk_test_sync";
  static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  static final Instant BEFORE = NOW.minus(Duration.ofDays(2));
  static final Supplier<Duration> PLENTY = () -> Duration.ofMinutes(10);

  private final InMemoryMirrorStore mirror = new InMemoryMirrorStore();
  private final InMemoryEventLedger ledger = new InMemoryEventLedger();
  private final InMemorySyncStateStore states = new InMemorySyncStateStore();
  private final FakeStripeAccount stripe = seeded(new FakeStripeAccount());
  private final Map<SecretPurpose, String> keys = new EnumMap<>(SecretPurpose.class);
  private Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  OrgSyncTest() {
    keys.put(SecretPurpose.SYNC, SYNC_KEY);
  }

  static FakeStripeAccount seeded(FakeStripeAccount account) {
    return account
        .with(ObjectType.PRODUCT, "prod", 3, BEFORE)
        .with(ObjectType.PRICE, "plan", 6, BEFORE)
        .with(ObjectType.CUSTOMER, "cus", 230, BEFORE)
        .with(ObjectType.SUBSCRIPTION, "sub", 120, BEFORE)
        .with(ObjectType.INVOICE, "in", 120, BEFORE)
        .with(ObjectType.CHARGE, "ch", 101, BEFORE)
        .with(ObjectType.REFUND, "re", 4, BEFORE);
  }

  private OrgSync sync() {
    return sync(mirror, stripe);
  }

  private OrgSync sync(MirrorStore mirrorStore, StripeReader reader) {
    KeyVault vault =
        new KeyVault() {
          @Override
          public void put(OrgId org, SecretPurpose purpose, String secret) {
            keys.put(purpose, secret);
          }

          @Override
          public Optional<String> get(OrgId org, SecretPurpose purpose) {
            return Optional.ofNullable(keys.get(purpose));
          }

          @Override
          public void delete(OrgId org, SecretPurpose purpose) {
            keys.remove(purpose);
          }
        };
    StripeObjectFetcher noRefetch =
        (org, type, id) -> new StripeObjectFetcher.Unresolvable("not in this test");
    return new OrgSync(
        states,
        vault,
        mirrorStore,
        noRefetch,
        ledger,
        key -> key.equals(SYNC_KEY) ? reader : null,
        clock,
        Duration.ofSeconds(10));
  }

  private static final String EXPAND_COUPONS = "&expand%5B%5D=data.discounts.source.coupon";

  /** Time for {@code pages} pages, then none. */
  private static Supplier<Duration> timeForPages(int pages) {
    AtomicInteger asked = new AtomicInteger();
    return () -> asked.incrementAndGet() <= pages ? Duration.ofMinutes(1) : Duration.ZERO;
  }

  private Map<ObjectType, Set<String>> mirrored(InMemoryMirrorStore store) {
    Map<ObjectType, Set<String>> ids = new EnumMap<>(ObjectType.class);
    for (ObjectType type : ObjectType.values()) {
      Set<String> found = new TreeSet<>();
      for (int i = 0; i < 300; i++) {
        for (String prefix : new String[] {"prod", "plan", "cus", "sub", "in", "ch", "re"}) {
          store.get(ORG, type, prefix + "_" + i).ifPresent(item -> found.add(item.id()));
        }
      }
      ids.put(type, found);
    }
    return ids;
  }

  @Test
  void aBackfillWritesEveryListedObjectOfEveryTypeWithItsPagesStartTimeAndCountsThem() {
    OrgSync.Outcome outcome = sync().run(ORG, PLENTY);

    assertThat(outcome).isEqualTo(OrgSync.Outcome.COMPLETED);
    assertThat(mirror.size(ORG, ObjectType.PRODUCT)).isEqualTo(3);
    assertThat(mirror.size(ORG, ObjectType.PRICE)).isEqualTo(6);
    assertThat(mirror.size(ORG, ObjectType.CUSTOMER)).isEqualTo(230);
    assertThat(mirror.size(ORG, ObjectType.SUBSCRIPTION)).isEqualTo(120);
    assertThat(mirror.size(ORG, ObjectType.INVOICE)).isEqualTo(120);
    assertThat(mirror.size(ORG, ObjectType.CHARGE)).isEqualTo(101);
    assertThat(mirror.size(ORG, ObjectType.REFUND)).isEqualTo(4);
    assertThat(mirror.get(ORG, ObjectType.CUSTOMER, "cus_229").map(MirrorItem::snapshot))
        .contains(NOW);
    SyncState state = states.load(ORG);
    assertThat(state.status()).isEqualTo(SyncStatus.IDLE);
    assertThat(state.phase()).isEqualTo(SyncPhase.CATCH_UP);
    assertThat(state.currentType()).isNull();
    assertThat(state.lastSuccessAt()).isEqualTo(NOW);
    assertThat(state.lastError()).isNull();
    assertThat(state.eventCursor()).isEqualTo(NOW);
    assertThat(state.counts())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                ObjectType.PRODUCT, 3L,
                ObjectType.PRICE, 6L,
                ObjectType.CUSTOMER, 230L,
                ObjectType.SUBSCRIPTION, 120L,
                ObjectType.INVOICE, 120L,
                ObjectType.CHARGE, 101L,
                ObjectType.REFUND, 4L));
    assertThat(stripe.requests())
        .containsExactly(
            "/v1/products?limit=100",
            "/v1/prices?limit=100",
            "/v1/customers?limit=100",
            "/v1/customers?limit=100&starting_after=cus_99",
            "/v1/customers?limit=100&starting_after=cus_199",
            "/v1/subscriptions?limit=100&status=all" + EXPAND_COUPONS,
            "/v1/subscriptions?limit=100&status=all" + EXPAND_COUPONS + "&starting_after=sub_99",
            "/v1/invoices?limit=100",
            "/v1/invoices?limit=100&starting_after=in_99",
            "/v1/charges?limit=100",
            "/v1/charges?limit=100&starting_after=ch_99",
            "/v1/refunds?limit=100",
            "/v1/events?limit=100&created%5Bgte%5D=" + (NOW.getEpochSecond() - 5));
  }

  @Test
  void aCheckpointIsSavedAfterEveryPage() {
    sync().run(ORG, PLENTY);

    assertThat(states.saves())
        .filteredOn(s -> s.currentType() == ObjectType.CUSTOMER && s.lastId() != null)
        .extracting(SyncState::lastId)
        .containsExactly("cus_99", "cus_199");
  }

  @Test
  void aRunStoppedAtTheDeadlineResumesFromItsCheckpointAndEndsLikeAnUninterruptedRun() {
    OrgSync.Outcome first = sync().run(ORG, timeForPages(4));

    assertThat(first).isEqualTo(OrgSync.Outcome.PAUSED);
    SyncState paused = states.load(ORG);
    assertThat(paused.status()).isEqualTo(SyncStatus.QUEUED);
    assertThat(paused.currentType()).isEqualTo(ObjectType.CUSTOMER);
    assertThat(paused.lastId()).isEqualTo("cus_199");
    assertThat(mirror.size(ORG, ObjectType.CUSTOMER)).isEqualTo(200);

    OrgSync.Outcome second = sync().run(ORG, PLENTY);

    assertThat(second).isEqualTo(OrgSync.Outcome.COMPLETED);
    assertThat(stripe.requests())
        .containsOnlyOnce("/v1/customers?limit=100", "/v1/products?limit=100")
        .contains("/v1/customers?limit=100&starting_after=cus_199");
    InMemoryMirrorStore uninterrupted = new InMemoryMirrorStore();
    new OrgSync(
            new InMemorySyncStateStore(),
            new StaticSyncKey(),
            uninterrupted,
            (org, type, id) -> new StripeObjectFetcher.Unresolvable("-"),
            new InMemoryEventLedger(),
            key -> seeded(new FakeStripeAccount()),
            clock,
            Duration.ofSeconds(10))
        .run(ORG, PLENTY);
    assertThat(mirrored(mirror)).isEqualTo(mirrored(uninterrupted));
    assertThat(states.load(ORG).counts().get(ObjectType.CUSTOMER)).isEqualTo(230L);
  }

  @Test
  void aListThatRestartsBecauseTheCheckpointsObjectWasDeletedEndsThatTypeInsteadOfLooping() {
    sync().run(ORG, timeForPages(3));
    assertThat(states.load(ORG).lastId()).isEqualTo("cus_99");
    stripe.remove(ObjectType.CUSTOMER, "cus_99");

    OrgSync.Outcome outcome = sync().run(ORG, PLENTY);

    assertThat(outcome).isEqualTo(OrgSync.Outcome.COMPLETED);
    assertThat(stripe.requests())
        .filteredOn(r -> r.startsWith("/v1/customers"))
        .containsExactly(
            "/v1/customers?limit=100", "/v1/customers?limit=100&starting_after=cus_99");
    assertThat(mirror.size(ORG, ObjectType.CUSTOMER)).isEqualTo(100);
    assertThat(mirror.size(ORG, ObjectType.SUBSCRIPTION)).isEqualTo(120);
  }

  @Test
  void catchUpAppliesEventsSinceTheCursorMinusTheOverlapAndRecordsThemInTheLedger() {
    sync().run(ORG, PLENTY);
    Instant later = NOW.plusSeconds(60);
    stripe.addEvent(
        "evt_old",
        "customer.updated",
        NOW.minusSeconds(30),
        customer("cus_1", NOW.minusSeconds(30), "old@x.test"));
    stripe.addEvent(
        "evt_upd", "customer.updated", NOW.plusSeconds(3), customer("cus_1", BEFORE, "new@x.test"));
    stripe.addEvent("evt_del", "customer.deleted", later, customer("cus_2", BEFORE, "gone@x.test"));
    stripe.addEvent("evt_ii", "invoiceitem.created", later, customer("ii_1", BEFORE, null));
    clock = Clock.fixed(later.plusSeconds(10), ZoneOffset.UTC);

    OrgSync.Outcome outcome = sync().run(ORG, PLENTY);

    assertThat(outcome).isEqualTo(OrgSync.Outcome.COMPLETED);
    MirrorItem updated = mirror.get(ORG, ObjectType.CUSTOMER, "cus_1").orElseThrow();
    assertThat(updated.json()).contains("new@x.test");
    assertThat(updated.snapshot()).isEqualTo(NOW.plusSeconds(3));
    assertThat(mirror.get(ORG, ObjectType.CUSTOMER, "cus_2").orElseThrow().deleted()).isTrue();
    assertThat(ledger.contains(ORG, "evt_upd")).isTrue();
    assertThat(ledger.contains(ORG, "evt_del")).isTrue();
    assertThat(ledger.entry(ORG, "evt_ii").orElseThrow().handled()).isFalse();
    assertThat(ledger.contains(ORG, "evt_old")).isFalse();
    assertThat(states.load(ORG).eventCursor()).isEqualTo(later);
    assertThat(stripe.requests().getLast())
        .isEqualTo("/v1/events?limit=100&created%5Bgte%5D=" + (NOW.getEpochSecond() - 5));
  }

  @Test
  void anEventAlreadyInTheLedgerIsNotAppliedAgain() {
    sync().run(ORG, PLENTY);
    ledger.record(ORG, "evt_upd", "customer.updated", true, NOW.plusSeconds(3));
    stripe.addEvent(
        "evt_upd", "customer.updated", NOW.plusSeconds(3), customer("cus_1", BEFORE, "new@x.test"));

    sync().run(ORG, PLENTY);

    assertThat(mirror.get(ORG, ObjectType.CUSTOMER, "cus_1").orElseThrow().json())
        .doesNotContain("new@x.test");
  }

  @Test
  void aStripeFailureMarksTheOrgFailedWithItsErrorAndTheNextRunResumesFromTheCheckpoint() {
    sync().run(ORG, timeForPages(3));
    stripe.failWith(
        new StripeReadFailure(
            "stripe_unavailable",
            "Stripe answered HTTP 500 to GET /v1/customers after 3 retries."));

    OrgSync.Outcome failed = sync().run(ORG, PLENTY);

    assertThat(failed).isEqualTo(OrgSync.Outcome.FAILED);
    SyncState state = states.load(ORG);
    assertThat(state.status()).isEqualTo(SyncStatus.FAILED);
    assertThat(state.lastError())
        .isEqualTo(
            new SyncError(
                "stripe_unavailable",
                "Stripe answered HTTP 500 to GET /v1/customers after 3 retries."));
    assertThat(state.currentType()).isEqualTo(ObjectType.CUSTOMER);
    assertThat(state.lastId()).isEqualTo("cus_99");

    stripe.failWith(null);
    assertThat(sync().run(ORG, PLENTY)).isEqualTo(OrgSync.Outcome.COMPLETED);
    assertThat(states.load(ORG).lastError()).isNull();
    assertThat(mirror.size(ORG, ObjectType.CUSTOMER)).isEqualTo(230);
  }

  @Test
  void anUnexpectedFailureMarksTheOrgFailedWithoutItsMessageAndTheNextRunResumes() {
    sync().run(ORG, timeForPages(3));
    stripe.failWith(new IllegalStateException("broken while holding " + SYNC_KEY));

    OrgSync.Outcome failed = sync().run(ORG, PLENTY);

    assertThat(failed).isEqualTo(OrgSync.Outcome.FAILED);
    SyncState state = states.load(ORG);
    assertThat(state.status()).isEqualTo(SyncStatus.FAILED);
    assertThat(state.lastStartedAt()).isEqualTo(NOW);
    assertThat(state.lastError())
        .isEqualTo(
            new SyncError(
                "internal",
                "The sync stopped on an unexpected error (IllegalStateException);"
                    + " the next run resumes from the last checkpoint."));
    assertThat(state.currentType()).isEqualTo(ObjectType.CUSTOMER);
    assertThat(state.lastId()).isEqualTo("cus_99");

    stripe.failWith(null);
    assertThat(sync().run(ORG, PLENTY)).isEqualTo(OrgSync.Outcome.COMPLETED);
    assertThat(states.load(ORG).status()).isEqualTo(SyncStatus.IDLE);
    assertThat(mirror.size(ORG, ObjectType.CUSTOMER)).isEqualTo(230);
  }

  @Test
  void pagesAreReadAheadWhileAPageIsWrittenButNoFurtherThanTheQueueHolds() {
    String secondCustomersPage = "/v1/customers?limit=100&starting_after=cus_99";
    CountDownLatch aheadByThree = new CountDownLatch(1);
    StripeReader watched =
        (path, remaining) -> {
          if (path.equals(secondCustomersPage)) {
            aheadByThree.countDown();
          }
          return stripe.get(path, remaining);
        };
    List<List<String>> askedWhileTheFirstPageWasWritten = new ArrayList<>();
    MirrorStore waiting =
        new DelegatingMirrorStore(mirror) {
          @Override
          public WriteOutcome write(OrgId org, MirrorDocument document) {
            if (document.id().equals("prod_0")) {
              await(aheadByThree);
              pause(Duration.ofMillis(300));
              askedWhileTheFirstPageWasWritten.add(List.copyOf(stripe.requests()));
            }
            return super.write(org, document);
          }
        };

    assertThat(sync(waiting, watched).run(ORG, PLENTY)).isEqualTo(OrgSync.Outcome.COMPLETED);

    assertThat(OrgSync.READ_AHEAD).isEqualTo(3);
    assertThat(askedWhileTheFirstPageWasWritten.get(0))
        .as("the products page, three queued pages, at most one more read that waits for room")
        .startsWith(
            "/v1/products?limit=100",
            "/v1/prices?limit=100",
            "/v1/customers?limit=100",
            secondCustomersPage)
        .hasSizeBetween(4, 5);
    assertThat(mirror.size(ORG, ObjectType.CUSTOMER)).isEqualTo(230);
    assertThat(stripe.requests()).doesNotHaveDuplicates();
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aPageWhoseWritesFailKeepsTheCheckpointOfThePageBefore() {
    MirrorStore failing =
        new DelegatingMirrorStore(mirror) {
          @Override
          public WriteOutcome write(OrgId org, MirrorDocument document) {
            if (document.id().equals("cus_150")) {
              throw new IllegalStateException("storage unavailable");
            }
            return super.write(org, document);
          }
        };

    assertThat(sync(failing, stripe).run(ORG, PLENTY)).isEqualTo(OrgSync.Outcome.FAILED);

    SyncState state = states.load(ORG);
    assertThat(state.status()).isEqualTo(SyncStatus.FAILED);
    assertThat(state.currentType()).isEqualTo(ObjectType.CUSTOMER);
    assertThat(state.lastId()).isEqualTo("cus_99");
    assertThat(state.counts().get(ObjectType.CUSTOMER)).isEqualTo(100L);
    assertThat(sync().run(ORG, PLENTY)).isEqualTo(OrgSync.Outcome.COMPLETED);
    assertThat(mirror.size(ORG, ObjectType.CUSTOMER)).isEqualTo(230);
    assertThat(states.load(ORG).counts().get(ObjectType.CUSTOMER)).isEqualTo(230L);
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A mirror store that passes every call on; tests override what they watch. */
  private static class DelegatingMirrorStore implements MirrorStore {

    private final MirrorStore delegate;

    DelegatingMirrorStore(MirrorStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public WriteOutcome write(OrgId org, MirrorDocument document) {
      return delegate.write(org, document);
    }

    @Override
    public Optional<MirrorItem> get(OrgId org, ObjectType type, String id) {
      return delegate.get(org, type, id);
    }

    @Override
    public ListPage list(OrgId org, ListQuery query) {
      return delegate.list(org, query);
    }
  }

  @Test
  void withoutASyncKeyTheOrgFailsWithKeyNotConnectedAndStripeIsNotCalled() {
    keys.clear();

    assertThat(sync().run(ORG, PLENTY)).isEqualTo(OrgSync.Outcome.FAILED);

    assertThat(states.load(ORG).lastError().code()).isEqualTo("key_not_connected");
    assertThat(stripe.requests()).isEmpty();
  }

  @Test
  void aCursorOlderThanStripesEventRetentionStartsAFullBackfillWithANewCursor() {
    SyncState caughtUp =
        SyncState.never()
            .withStatus(SyncStatus.IDLE)
            .at(SyncPhase.CATCH_UP, null, null, null)
            .withEventCursor(NOW.minus(Duration.ofDays(29)).minusSeconds(1));

    SyncState start = OrgSync.startingPoint(caughtUp, NOW);

    assertThat(start.phase()).isEqualTo(SyncPhase.BACKFILL);
    assertThat(start.currentType()).isEqualTo(ObjectType.PRODUCT);
    assertThat(start.eventCursor()).isEqualTo(NOW);
  }

  @Test
  void aRecentCursorCatchesUpAndAnUnfinishedBackfillResumesWhereItStopped() {
    SyncState caughtUp =
        SyncState.never()
            .at(SyncPhase.CATCH_UP, null, null, null)
            .withEventCursor(NOW.minusSeconds(600));
    SyncState midway =
        SyncState.never()
            .withStatus(SyncStatus.FAILED)
            .at(SyncPhase.BACKFILL, ObjectType.INVOICE, "in_99", "in_0")
            .withEventCursor(NOW.minus(Duration.ofDays(40)));

    assertThat(OrgSync.startingPoint(caughtUp, NOW)).isEqualTo(caughtUp);
    assertThat(OrgSync.startingPoint(midway, NOW)).isEqualTo(midway);
    assertThat(OrgSync.startingPoint(SyncState.never(), NOW).currentType())
        .isEqualTo(ObjectType.PRODUCT);
  }

  private static ObjectNode customer(String id, Instant created, String email) {
    ObjectNode object = Json.MAPPER.createObjectNode();
    object.put("id", id);
    object.put("object", id.startsWith("ii_") ? "invoiceitem" : "customer");
    object.put("created", created.getEpochSecond());
    if (email != null) {
      object.put("email", email);
    }
    return object;
  }

  /** A vault holding {@link #SYNC_KEY} for every org. */
  static final class StaticSyncKey implements KeyVault {
    private final Map<String, String> unused = new HashMap<>();

    @Override
    public void put(OrgId org, SecretPurpose purpose, String secret) {
      unused.put(org.value(), secret);
    }

    @Override
    public Optional<String> get(OrgId org, SecretPurpose purpose) {
      return Optional.of(SYNC_KEY);
    }

    @Override
    public void delete(OrgId org, SecretPurpose purpose) {
      unused.remove(org.value());
    }
  }
}
