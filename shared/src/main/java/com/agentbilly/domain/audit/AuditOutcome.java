package com.agentbilly.domain.audit;

import java.util.Locale;

/** How an audited action ended. */
public enum AuditOutcome {
  SUCCESS,
  DENIED,
  FAILED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
