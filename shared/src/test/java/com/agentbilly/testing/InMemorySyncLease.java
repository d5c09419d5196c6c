package com.agentbilly.testing;

import com.agentbilly.domain.OrgId;
import com.agentbilly.port.SyncLease;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** A {@link SyncLease} in memory with the same rules as the DynamoDB one. */
public final class InMemorySyncLease implements SyncLease {

  private record Held(String holder, Instant until) {}

  private static final String REQUESTED = "requested";
  private final Map<OrgId, Held> leases = new HashMap<>();

  @Override
  public synchronized boolean request(OrgId org, Instant now, Duration lapseAfter) {
    Held held = leases.get(org);
    if (held != null && !held.until().isBefore(now)) {
      return false;
    }
    leases.put(org, new Held(REQUESTED, now.plus(lapseAfter)));
    return true;
  }

  @Override
  public synchronized boolean acquire(OrgId org, String runId, Instant now, Duration lapseAfter) {
    Held held = leases.get(org);
    if (held != null
        && !held.until().isBefore(now)
        && !held.holder().equals(REQUESTED)
        && !held.holder().equals(runId)) {
      return false;
    }
    leases.put(org, new Held(runId, now.plus(lapseAfter)));
    return true;
  }

  @Override
  public synchronized void release(OrgId org, String runId) {
    Held held = leases.get(org);
    if (held != null && held.holder().equals(runId)) {
      leases.remove(org);
    }
  }

  /** Who holds the org's lease now, or null. */
  public synchronized String holder(OrgId org) {
    Held held = leases.get(org);
    return held == null ? null : held.holder();
  }
}
