package com.agentbilly.domain.summary;

import java.util.List;
import java.util.Objects;

/**
 * What the summary needs of a subscription.
 *
 * @param status Stripe's status ({@code active}, {@code past_due}, {@code trialing}, …)
 * @param currency lower-case; null when the subscription names none
 * @param items its items, those without a usable per-unit price left out
 * @param coupons the coupons of its discounts, in Stripe's order
 */
public record SubscriptionTerms(
    String status, String currency, List<RecurringItem> items, List<Coupon> coupons) {

  public SubscriptionTerms {
    items = List.copyOf(Objects.requireNonNull(items, "items"));
    coupons = List.copyOf(Objects.requireNonNull(coupons, "coupons"));
  }
}
