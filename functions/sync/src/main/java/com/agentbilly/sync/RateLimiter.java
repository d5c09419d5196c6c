package com.agentbilly.sync;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Spaces requests evenly at no more than {@code perSecond} (no bursts): each request takes the next
 * free slot, one interval after the previous one, and waits for it.
 */
public final class RateLimiter {

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private long nextSlot;
  private boolean started;

  /**
   * @param perSecond the most requests in any second; positive
   * @param nanoTime a monotonic clock ({@code System::nanoTime})
   */
  public RateLimiter(double perSecond, LongSupplier nanoTime, Sleeper sleeper) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("perSecond must be positive: " + perSecond);
    }
    this.intervalNanos = (long) Math.ceil(1_000_000_000d / perSecond);
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  /** Waits for the next slot. */
  public synchronized void acquire() throws InterruptedException {
    long now = nanoTime.getAsLong();
    long slot = started ? Math.max(now, nextSlot) : now;
    started = true;
    nextSlot = slot + intervalNanos;
    if (slot > now) {
      sleeper.sleep(Duration.ofNanos(slot - now));
    }
  }
}
