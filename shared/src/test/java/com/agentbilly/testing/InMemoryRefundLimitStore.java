package com.agentbilly.testing;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.limits.RefundLimits;
import com.agentbilly.port.RefundLimitStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** A {@link RefundLimitStore} in memory. */
public final class InMemoryRefundLimitStore implements RefundLimitStore {

  private final Map<OrgId, RefundLimits> limits = new HashMap<>();

  @Override
  public synchronized RefundLimits get(OrgId org) {
    return limits.getOrDefault(org, RefundLimits.NONE);
  }

  @Override
  public synchronized void put(OrgId org, RefundLimits next, String setBy, Instant at) {
    limits.put(org, next);
  }
}
