package com.agentbilly.domain.summary;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Where a figure of the org summary is kept: the running totals of a currency (subscription counts
 * and MRR, {@code day} null), or one UTC day's bucket of a currency (the 30-day figures).
 *
 * @param currency three-letter currency, lower-case
 * @param day the UTC day of a daily bucket; null for the running totals
 */
public record BucketKey(String currency, LocalDate day) implements Comparable<BucketKey> {

  public BucketKey {
    Objects.requireNonNull(currency, "currency");
  }

  /** The running totals of {@code currency}. */
  public static BucketKey totals(String currency) {
    return new BucketKey(currency, null);
  }

  /** The bucket of {@code currency} for the UTC day {@code day}. */
  public static BucketKey day(LocalDate day, String currency) {
    return new BucketKey(currency, Objects.requireNonNull(day, "day"));
  }

  public boolean isTotals() {
    return day == null;
  }

  /** By currency, the totals first, then by day. */
  @Override
  public int compareTo(BucketKey other) {
    int byCurrency = currency.compareTo(other.currency);
    if (byCurrency != 0) {
      return byCurrency;
    }
    if (isTotals() || other.isTotals()) {
      return Boolean.compare(!isTotals(), !other.isTotals());
    }
    return day.compareTo(other.day);
  }
}
