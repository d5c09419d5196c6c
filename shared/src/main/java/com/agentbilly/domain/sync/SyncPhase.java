package com.agentbilly.domain.sync;

/** Where an org's sync stands between runs. */
public enum SyncPhase {
  /** Listing every object of every type, type by type, page by page. */
  BACKFILL,
  /** The backfill is complete: reading {@code /v1/events} from the cursor on. */
  CATCH_UP
}
