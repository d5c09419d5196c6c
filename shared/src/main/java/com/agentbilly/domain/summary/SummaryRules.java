package com.agentbilly.domain.summary;

import java.time.LocalDate;
import java.util.Set;

/**
 * What one mirrored object contributes to its org's summary. A tombstone contributes nothing.
 *
 * <ul>
 *   <li>A subscription: to its currency's running totals, one to the count of its status ({@code
 *       active}, {@code past_due} or {@code trialing}; other statuses are not counted) and its
 *       {@link MonthlyRecurringRevenue}.
 *   <li>A charge, to its currency's bucket of the UTC day it was created: {@code succeeded} and
 *       captured (not {@code captured: false}) adds its {@code amount} to revenue; {@code failed}
 *       adds one failed charge; {@code pending} adds nothing. Refunds do not reduce revenue: they
 *       are a figure of their own.
 *   <li>A refund, to its currency's bucket of the UTC day it was created: its {@code amount} to
 *       refunded unless its status is {@code failed} or {@code canceled}.
 * </ul>
 */
public final class SummaryRules {

  private static final Set<String> REFUND_NOT_MADE = Set.of("failed", "canceled");

  private SummaryRules() {}

  public static Buckets subscription(SubscriptionTerms subscription) {
    if (subscription.currency() == null) {
      return Buckets.NONE;
    }
    String status = subscription.status() == null ? "" : subscription.status();
    Figures figures =
        new Figures(
            MonthlyRecurringRevenue.of(subscription),
            status.equals("active") ? 1 : 0,
            status.equals("past_due") ? 1 : 0,
            status.equals("trialing") ? 1 : 0,
            0,
            0,
            0);
    return Buckets.of(BucketKey.totals(subscription.currency()), figures);
  }

  /**
   * @param captured Stripe's {@code captured}; null when the object does not say
   */
  public static Buckets charge(
      String status, Boolean captured, long amount, String currency, LocalDate day) {
    if (currency == null || day == null) {
      return Buckets.NONE;
    }
    if ("succeeded".equals(status) && !Boolean.FALSE.equals(captured)) {
      return Buckets.of(BucketKey.day(day, currency), new Figures(0, 0, 0, 0, amount, 0, 0));
    }
    if ("failed".equals(status)) {
      return Buckets.of(BucketKey.day(day, currency), new Figures(0, 0, 0, 0, 0, 0, 1));
    }
    return Buckets.NONE;
  }

  public static Buckets refund(String status, long amount, String currency, LocalDate day) {
    // A refund whose status cannot be read is not counted as made (and Set.of(...) refuses null).
    if (currency == null || day == null || status == null || REFUND_NOT_MADE.contains(status)) {
      return Buckets.NONE;
    }
    return Buckets.of(BucketKey.day(day, currency), new Figures(0, 0, 0, 0, 0, amount, 0));
  }
}
