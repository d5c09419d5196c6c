package com.agentbilly.port;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.limits.RefundLimits;
import java.time.Instant;

/** Each org's refund limits for managers ({@link RefundLimits}), one record per org. */
public interface RefundLimitStore {

  /** The org's limits; {@link RefundLimits#NONE} when none were ever set. */
  RefundLimits get(OrgId org);

  /** Replaces the org's limits as a whole. */
  void put(OrgId org, RefundLimits limits, String setBy, Instant at);
}
