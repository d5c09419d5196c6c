package com.agentbilly.domain.summary;

import java.math.BigDecimal;

/**
 * A coupon applied to a subscription. Exactly one of {@code percentOff} and {@code amountOff} is
 * set (Stripe's rule); only a {@code forever} coupon is deducted from MRR.
 *
 * @param percentOff e.g. 25 or 12.5
 * @param amountOff minor units off each invoice of the subscription
 * @param currency the currency of {@code amountOff}
 */
public record Coupon(BigDecimal percentOff, Long amountOff, String currency, boolean forever) {

  public static Coupon percentOff(BigDecimal percent, boolean forever) {
    return new Coupon(percent, null, null, forever);
  }

  public static Coupon amountOff(long amount, String currency, boolean forever) {
    return new Coupon(null, amount, currency, forever);
  }
}
