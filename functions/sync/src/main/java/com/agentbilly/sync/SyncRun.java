package com.agentbilly.sync;

import com.agentbilly.domain.OrgId;
import com.agentbilly.logging.OutcomeLog;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.port.SyncLease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run of the sync function: every org with a connected sync key in turn (the schedule), or one
 * org (an asynchronous request). Each org gets an equal share of the time still left for the orgs
 * not yet done, so a slow org cannot starve the rest, and one org's failure — even an unexpected
 * one — is logged and never stops the others.
 */
public final class SyncRun {

  private static final Logger LOG = LoggerFactory.getLogger(SyncRun.class);

  /** How many orgs ended each way. */
  public record Summary(int orgs, int completed, int paused, int failed) {

    Summary plus(OrgSync.Outcome outcome) {
      return new Summary(
          orgs + 1,
          completed + (outcome == OrgSync.Outcome.COMPLETED ? 1 : 0),
          paused + (outcome == OrgSync.Outcome.PAUSED ? 1 : 0),
          failed + (outcome == OrgSync.Outcome.FAILED ? 1 : 0));
    }
  }

  /** How long a lease outlives the time a run was given, should its process die. */
  static final Duration LEASE_GRACE = Duration.ofMinutes(1);

  private final OrgSync sync;
  private final KeyMetadataStore keys;
  private final SyncLease lease;
  private final Clock clock;
  private final OutcomeLog outcomes = OutcomeLog.orgSyncs("sync");

  public SyncRun(OrgSync sync, KeyMetadataStore keys, SyncLease lease, Clock clock) {
    this.sync = Objects.requireNonNull(sync, "sync");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.lease = Objects.requireNonNull(lease, "lease");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Every org with a sync key, each with a bounded share of {@code remaining}. */
  public Summary allOrgs(Supplier<Duration> remaining) {
    List<OrgId> orgs = keys.orgsWithSyncKey();
    Summary summary = new Summary(0, 0, 0, 0);
    for (int i = 0; i < orgs.size(); i++) {
      Duration share = remaining.get().dividedBy(orgs.size() - i);
      Instant shareEnds = clock.instant().plus(share);
      Supplier<Duration> orgRemaining =
          () -> min(Duration.between(clock.instant(), shareEnds), remaining.get());
      summary = summary.plus(oneOrg(orgs.get(i), orgRemaining));
    }
    return summary;
  }

  /**
   * One org, with all of {@code remaining}, under the org's lease; an unexpected failure counts as
   * failed. When another run holds the lease the org is left to it and counts as paused. Ends with
   * the org's {@link OutcomeLog} line ({@code completed}, {@code paused}, {@code busy} or {@code
   * failed}).
   */
  public OrgSync.Outcome oneOrg(OrgId org, Supplier<Duration> remaining) {
    long started = System.nanoTime();
    String runId = UUID.randomUUID().toString();
    if (!lease.acquire(org, runId, clock.instant(), remaining.get().plus(LEASE_GRACE))) {
      LOG.atInfo().addKeyValue("org", org.value()).log("another run is syncing this org");
      logOutcome(org, "busy", started);
      return OrgSync.Outcome.PAUSED;
    }
    OrgSync.Outcome outcome;
    try {
      outcome = sync.run(org, remaining);
    } catch (RuntimeException e) {
      LOG.atError()
          .addKeyValue("org", org.value())
          .addKeyValue("error", e.getClass().getSimpleName() + ": " + e.getMessage())
          .log("sync of an org failed unexpectedly; the run goes on with the next org");
      outcome = OrgSync.Outcome.FAILED;
    } finally {
      lease.release(org, runId);
    }
    logOutcome(org, outcome.name().toLowerCase(Locale.ROOT), started);
    return outcome;
  }

  private void logOutcome(OrgId org, String outcome, long started) {
    outcomes
        .entry(outcome)
        .with("org", org.value())
        .write("org sync", Duration.ofNanos(System.nanoTime() - started));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
