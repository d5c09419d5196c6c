package com.agentbilly.sync;

import java.time.Duration;
import java.util.function.Supplier;

/** Reads from the Stripe API with one org's {@code sync} key. */
public interface StripeReader {

  /**
   * The JSON body of {@code GET pathAndQuery}, e.g. {@code /v1/customers?limit=100}.
   *
   * @param remaining time left in this org's share of the run
   * @throws StripeReadFailure when Stripe refuses or keeps failing
   * @throws DeadlineReached when a needed retry would not fit in {@code remaining}
   */
  String get(String pathAndQuery, Supplier<Duration> remaining);
}
