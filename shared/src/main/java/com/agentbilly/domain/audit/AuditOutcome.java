package com.agentbilly.domain.audit;

import java.util.Locale;

/**
 * How an audited action ended. {@code UNKNOWN} is an action whose result Stripe did not tell (a
 * timeout, a 5xx): it may have happened; the next attempt of the same request finds out and closes
 * it.
 */
public enum AuditOutcome {
  SUCCESS,
  DENIED,
  FAILED,
  UNKNOWN;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
