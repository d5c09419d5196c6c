package com.agentbilly.domain.summary;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One item of a subscription as MRR sees it: its price per interval and how many.
 *
 * @param unitAmount the price's unit amount in minor units (may carry decimals, as Stripe's {@code
 *     unit_amount_decimal} does)
 * @param intervalCount bill every {@code intervalCount} intervals (at least 1)
 * @param metered a usage-based price: left out of MRR
 */
public record RecurringItem(
    BigDecimal unitAmount,
    long quantity,
    BillingInterval interval,
    long intervalCount,
    boolean metered) {

  public RecurringItem {
    Objects.requireNonNull(unitAmount, "unitAmount");
    Objects.requireNonNull(interval, "interval");
    if (intervalCount < 1) {
      throw new IllegalArgumentException("interval_count must be at least 1");
    }
  }
}
