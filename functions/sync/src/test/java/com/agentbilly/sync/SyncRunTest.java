package com.agentbilly.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.sync.SyncStatus;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.testing.InMemoryEventLedger;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.InMemorySyncLease;
import com.agentbilly.testing.InMemorySyncStateStore;
import com.agentbilly.testing.LogLines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SyncRunTest {

  @RegisterExtension final LogLines logs = new LogLines();

  static final OrgId BROKEN = new OrgId("org_bbbbbbbbbbbbbbbbbbbbbbbbbb");
  static final OrgId HEALTHY = new OrgId("org_cccccccccccccccccccccccccc");
  static final OrgId THIRD = new OrgId("org_dddddddddddddddddddddddddd");

  private final InMemorySyncStateStore states = new InMemorySyncStateStore();
  private final InMemoryMirrorStore mirror = new InMemoryMirrorStore();
  private final List<Duration> sharesSeen = new ArrayList<>();
  private final InMemorySyncLease lease = new InMemorySyncLease();

  private SyncRun run(List<OrgId> orgs, Map<String, StripeReader> readerPerKey) {
    ConnectedOrgs connected = new ConnectedOrgs(orgs, org -> "rk_test_" + org.value());
    Clock clock = Clock.fixed(OrgSyncTest.NOW, ZoneOffset.UTC);
    OrgSync sync =
        new OrgSync(
            states,
            connected.vault,
            mirror,
            (org, type, id) -> new StripeObjectFetcher.Unresolvable("-"),
            new InMemoryEventLedger(),
            readerPerKey::get,
            clock,
            Duration.ofSeconds(1));
    return new SyncRun(sync, connected.keys, lease, clock);
  }

  @Test
  void oneOrgsUnexpectedFailureIsRecordedAsFailedAndTheNextOrgStillCompletes() {
    StripeReader exploding =
        (path, remaining) -> {
          throw new IllegalStateException("boom");
        };
    StripeReader failing =
        (path, remaining) -> {
          throw new StripeReadFailure("stripe_unavailable", "Stripe answered HTTP 500.");
        };
    SyncRun run =
        run(
            List.of(BROKEN, THIRD, HEALTHY),
            Map.of(
                "rk_test_" + BROKEN.value(), exploding,
                "rk_test_" + THIRD.value(), failing,
                "rk_test_" + HEALTHY.value(), OrgSyncTest.seeded(new FakeStripeAccount())));

    SyncRun.Summary summary = run.allOrgs(() -> Duration.ofMinutes(5));

    assertThat(summary).isEqualTo(new SyncRun.Summary(3, 1, 0, 2));
    assertThat(states.load(THIRD).status()).isEqualTo(SyncStatus.FAILED);
    assertThat(states.load(THIRD).lastError().message()).isEqualTo("Stripe answered HTTP 500.");
    assertThat(states.load(HEALTHY).status()).isEqualTo(SyncStatus.IDLE);
    assertThat(mirror.size(HEALTHY, com.agentbilly.domain.mirror.ObjectType.CUSTOMER))
        .isEqualTo(230);
    assertThat(logs.withMessage("org sync"))
        .extracting(
            line -> line.get("org").asText(),
            line -> line.get("Outcome").asText(),
            line -> line.get("OrgSyncs").asInt())
        .containsExactly(
            tuple(BROKEN.value(), "failed", 1),
            tuple(THIRD.value(), "failed", 1),
            tuple(HEALTHY.value(), "completed", 1));
  }

  @Test
  void anOrgAnotherRunIsSyncingIsLeftAloneAndTheLeaseIsReleasedAfterARun() {
    StripeReader untouchable =
        (path, remaining) -> {
          throw new AssertionError("Stripe was called for an org another run holds");
        };
    SyncRun run =
        run(
            List.of(BROKEN, HEALTHY),
            Map.of(
                "rk_test_" + BROKEN.value(),
                untouchable,
                "rk_test_" + HEALTHY.value(),
                OrgSyncTest.seeded(new FakeStripeAccount())));
    lease.acquire(BROKEN, "another-run", Instant.now(), Duration.ofMinutes(10));

    SyncRun.Summary summary = run.allOrgs(() -> Duration.ofMinutes(5));

    assertThat(summary).isEqualTo(new SyncRun.Summary(2, 1, 1, 0));
    assertThat(lease.holder(BROKEN)).isEqualTo("another-run");
    assertThat(lease.holder(HEALTHY)).isNull();
    assertThat(logs.withMessage("org sync"))
        .extracting(line -> line.get("org").asText(), line -> line.get("Outcome").asText())
        .containsExactly(tuple(BROKEN.value(), "busy"), tuple(HEALTHY.value(), "completed"));
  }

  @Test
  void eachOrgGetsAnEqualShareOfTheTimeLeftForTheOrgsNotYetDone() {
    StripeReader recording =
        (path, remaining) -> {
          sharesSeen.add(remaining.get());
          return "{\"object\":\"list\",\"data\":[],\"has_more\":false}";
        };
    SyncRun run =
        run(
            List.of(BROKEN, HEALTHY, THIRD),
            Map.of(
                "rk_test_" + BROKEN.value(), recording,
                "rk_test_" + HEALTHY.value(), recording,
                "rk_test_" + THIRD.value(), recording));

    SyncRun.Summary summary = run.allOrgs(() -> Duration.ofSeconds(90));

    assertThat(summary).isEqualTo(new SyncRun.Summary(3, 3, 0, 0));
    // No org used any time here (the clock stands still): what each left goes to the next ones.
    assertThat(sharesSeen).hasSize(24);
    assertThat(sharesSeen.subList(0, 8)).allMatch(d -> d.equals(Duration.ofSeconds(30)));
    assertThat(sharesSeen.subList(8, 16)).allMatch(d -> d.equals(Duration.ofSeconds(45)));
    assertThat(sharesSeen.subList(16, 24)).allMatch(d -> d.equals(Duration.ofSeconds(90)));
  }
}
