package com.agentbilly.domain.summary;

import java.util.Locale;
import java.util.Optional;

/** A Stripe price's {@code recurring.interval}, with how many of it make a year (MRR's factor). */
public enum BillingInterval {
  DAY(365),
  WEEK(52),
  MONTH(12),
  YEAR(1);

  private final int perYear;

  BillingInterval(int perYear) {
    this.perYear = perYear;
  }

  /** How many such intervals MRR counts in a year: a month is a twelfth of it. */
  public int perYear() {
    return perYear;
  }

  /** The interval of Stripe's name ({@code day}, {@code week}, {@code month}, {@code year}). */
  public static Optional<BillingInterval> fromStripe(String name) {
    if (name == null) {
      return Optional.empty();
    }
    for (BillingInterval interval : values()) {
      if (interval.name().toLowerCase(Locale.ROOT).equals(name)) {
        return Optional.of(interval);
      }
    }
    return Optional.empty();
  }
}
