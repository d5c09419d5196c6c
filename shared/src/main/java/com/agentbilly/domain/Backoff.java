package com.agentbilly.domain;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with "equal jitter": before retry {@code n} (0 for the first), wait a random
 * time between half and all of {@code min(cap, base * 2^n)}, so clients that were throttled
 * together do not come back together.
 *
 * @param random uniform in [0, 1)
 */
public record Backoff(Duration base, Duration cap, DoubleSupplier random) {

  /** Stripe's advice for 429: start around half a second, back off to several seconds. */
  public static Backoff standard() {
    return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), () -> Math.random());
  }

  /**
   * For writes that met a concurrent write of the same DynamoDB item: short, since the other writer
   * is done within milliseconds, and jittered, so the two do not meet again.
   */
  public static Backoff contention() {
    return new Backoff(Duration.ofMillis(5), Duration.ofMillis(200), () -> Math.random());
  }

  /** How long to wait before retry {@code attempt} (0-based). */
  public Duration delay(int attempt) {
    long ceiling = base.toMillis() << Math.min(attempt, 20);
    long capped = Math.min(cap.toMillis(), ceiling);
    double factor = 0.5 + 0.5 * random.getAsDouble();
    return Duration.ofMillis(Math.round(capped * factor));
  }

  /**
   * Sleeps {@link #delay} of {@code attempt}. An interrupt ends the pause early and stays set on
   * the thread, for the caller's next blocking call to see.
   */
  public void pause(int attempt) {
    try {
      Thread.sleep(delay(attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
