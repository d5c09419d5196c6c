package com.agentbilly.port;

import com.agentbilly.domain.OrgId;
import java.time.Duration;
import java.time.Instant;

/**
 * The lease that keeps one org from being synced twice at once. A request for a sync marks the
 * lease as requested; the run that then starts takes it over; a lease that is not released (a
 * killed process) lapses at its expiry.
 */
public interface SyncLease {

  /**
   * Marks a sync as requested unless one is requested or running.
   *
   * @return false when a sync is already requested or running
   */
  boolean request(OrgId org, Instant now, Duration lapseAfter);

  /**
   * Takes the lease for a run: free, lapsed, or only requested.
   *
   * @return false when another run holds it
   */
  boolean acquire(OrgId org, String runId, Instant now, Duration lapseAfter);

  /** Gives the lease up, if {@code runId} holds it. */
  void release(OrgId org, String runId);
}
