package com.agentbilly.domain.sync;

import java.util.Locale;

/** The state of an org's sync as {@code GET /orgs/{org}/sync} reports it. */
public enum SyncStatus {
  /** No sync has run yet. */
  NEVER,
  /** Work is pending: requested, or a run stopped at its deadline and the next run resumes. */
  QUEUED,
  /** A run is working on the org now. */
  RUNNING,
  /** The last run completed: backfill done and events caught up. */
  IDLE,
  /**
   * The last run failed ({@code last_error} says why); the next run resumes from the checkpoint.
   */
  FAILED;

  /** The API's name, e.g. {@code idle}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status of an API name. */
  public static SyncStatus fromWireName(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
