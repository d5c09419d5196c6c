package com.agentbilly.domain.mirror;

/** What a guarded mirror write did. */
public enum WriteOutcome {
  /** Written: nothing was stored yet, or the stored snapshot was older. */
  APPLIED,
  /** Not written: the stored snapshot is newer. */
  STALE,
  /** Not written: the stored state has the same snapshot time and the same content. */
  SAME,
  /**
   * Not written: the stored state has the same snapshot time but different content. Which one is
   * newer cannot be told; the caller re-fetches the object from Stripe and writes that.
   */
  CONFLICT
}
