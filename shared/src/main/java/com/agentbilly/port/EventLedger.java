package com.agentbilly.port;

import com.agentbilly.domain.OrgId;
import java.time.Instant;

/**
 * The Stripe events an org has already applied, kept 30 days (DynamoDB TTL), so a redelivered or
 * re-read event is applied once.
 */
public interface EventLedger {

  boolean contains(OrgId org, String eventId);

  /**
   * Records an event as applied (or, for a type we don't mirror, as seen).
   *
   * @return false when it was already recorded
   */
  boolean record(OrgId org, String eventId, String type, boolean handled, Instant created);
}
