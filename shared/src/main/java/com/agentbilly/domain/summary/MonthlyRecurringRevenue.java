package com.agentbilly.domain.summary;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Set;

/**
 * MRR as API.md defines it (Stripe's definition): for an {@code active} or {@code past_due}
 * subscription, each licensed item's {@code unit_amount × quantity} normalised to a month — a year
 * ÷ 12, a week × 52 ÷ 12, a day × 365 ÷ 12, divided by {@code interval_count} — summed, then each
 * forever coupon deducted in order (a percentage of what is left; an amount per invoice, normalised
 * to a month like the items, in the subscription's currency only), never below zero. Trials,
 * metered items, and once or repeating coupons count nothing.
 *
 * <p>Computed exactly (a decimal numerator over an integer denominator) and rounded once, per
 * subscription, half up to an integer number of minor units. The org's MRR is the sum of these
 * integers, so it can be kept up to date by adding and subtracting single subscriptions.
 */
public final class MonthlyRecurringRevenue {

  /** The statuses whose subscriptions count towards MRR. */
  public static final Set<String> COUNTED_STATUSES = Set.of("active", "past_due");

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
  private static final long MONTHS_PER_YEAR = 12;

  private MonthlyRecurringRevenue() {}

  /** The subscription's MRR in integer minor units of its currency. */
  public static long of(SubscriptionTerms subscription) {
    // Set.of(...).contains(null) throws: a subscription without a string status counts nothing.
    if (subscription.status() == null || !COUNTED_STATUSES.contains(subscription.status())) {
      return 0;
    }
    // Every item's monthly amount is amount × perYear / (12 × count): over a common denominator
    // 12 × lcm(counts) the sum stays exact.
    long commonCount = 1;
    for (RecurringItem item : subscription.items()) {
      if (!item.metered()) {
        commonCount = lcm(commonCount, item.intervalCount());
      }
    }
    BigDecimal numerator = BigDecimal.ZERO;
    RecurringItem billing = null;
    for (RecurringItem item : subscription.items()) {
      if (item.metered()) {
        continue;
      }
      billing = billing == null ? item : billing;
      numerator =
          numerator.add(
              item.unitAmount()
                  .multiply(BigDecimal.valueOf(item.quantity()))
                  .multiply(
                      perCommonDenominator(item.interval(), item.intervalCount(), commonCount)));
    }
    if (billing == null) {
      return 0;
    }
    for (Coupon coupon : subscription.coupons()) {
      if (!coupon.forever()) {
        continue;
      }
      if (coupon.percentOff() != null) {
        numerator = numerator.multiply(HUNDRED.subtract(coupon.percentOff())).divide(HUNDRED);
      } else if (coupon.amountOff() != null
          && coupon.currency() != null
          && coupon.currency().equals(subscription.currency())) {
        numerator =
            numerator.subtract(
                BigDecimal.valueOf(coupon.amountOff())
                    .multiply(
                        perCommonDenominator(
                            billing.interval(), billing.intervalCount(), commonCount)));
      }
      numerator = numerator.max(BigDecimal.ZERO);
    }
    return numerator
        .divide(BigDecimal.valueOf(MONTHS_PER_YEAR * commonCount), 0, RoundingMode.HALF_UP)
        .longValueExact();
  }

  /** perYear × commonCount / count: the factor over the denominator 12 × commonCount. */
  private static BigDecimal perCommonDenominator(
      BillingInterval interval, long count, long commonCount) {
    return BigDecimal.valueOf(interval.perYear()).multiply(BigDecimal.valueOf(commonCount / count));
  }

  private static long lcm(long a, long b) {
    BigInteger x = BigInteger.valueOf(a);
    BigInteger y = BigInteger.valueOf(b);
    return x.multiply(y).divide(x.gcd(y)).longValueExact();
  }
}
