package com.agentbilly.domain.summary;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MRR's rules, each with an example computed by hand. */
class MonthlyRecurringRevenueTest {

  @ParameterizedTest(name = "{0} × {1} every {2} {3}(s) → {4} a month")
  @CsvSource({
    // amount, quantity, count, interval, expected: the hand computation in the comment
    "2000, 1, 1, MONTH, 2000", // 2000
    "12000, 1, 1, YEAR, 1000", // 12000 / 12
    "10000, 1, 1, YEAR, 833", // 833.33
    "1000, 1, 1, WEEK, 4333", // 1000 × 52 / 12 = 4333.33
    "100, 1, 1, DAY, 3042", // 100 × 365 / 12 = 3041.67
    "3000, 1, 3, MONTH, 1000", // quarterly: 3000 / 3
    "1000, 1, 3, MONTH, 333", // 333.33
    "1000, 1, 2, WEEK, 2167", // fortnightly: 1000 × 52 / 24 = 2166.67
    "24000, 1, 2, YEAR, 1000", // every two years: 24000 / 24
    "999, 3, 1, WEEK, 12987", // 2997 × 52 / 12 = 12987 exactly
    "6, 1, 1, YEAR, 1", // 0.5 rounds half up
  })
  void oneLicensedItemIsNormalisedToAMonth(
      long amount, long quantity, long count, BillingInterval interval, long expected) {
    assertThat(mrr("active", List.of(item(amount, quantity, interval, count)), List.of()))
        .isEqualTo(expected);
  }

  @Test
  void itemsOfOneSubscriptionAreSummedExactlyAndRoundedOnce() {
    // 1 a week is 4.33 a month: twice that is 8.67 → 9 (rounding each item would give 8)
    assertThat(
            mrr(
                "active",
                List.of(item(1, 1, BillingInterval.WEEK, 1), item(1, 1, BillingInterval.WEEK, 1)),
                List.of()))
        .isEqualTo(9);
  }

  @Test
  void multiItemSubscriptionWithQuantities() {
    // 2000 × 2 monthly + 6000 yearly: 4000 + 500
    assertThat(
            mrr(
                "active",
                List.of(
                    item(2000, 2, BillingInterval.MONTH, 1),
                    item(6000, 1, BillingInterval.YEAR, 1)),
                List.of()))
        .isEqualTo(4500);
  }

  @Test
  void itemsWithDifferentIntervalCountsShareOneExactDenominator() {
    // 1000 monthly + 3000 quarterly + 100 every two months: 1000 + 1000 + 50
    assertThat(
            mrr(
                "active",
                List.of(
                    item(1000, 1, BillingInterval.MONTH, 1),
                    item(3000, 1, BillingInterval.MONTH, 3),
                    item(100, 1, BillingInterval.MONTH, 2)),
                List.of()))
        .isEqualTo(2050);
  }

  @Test
  void meteredItemsAreLeftOut() {
    RecurringItem metered =
        new RecurringItem(BigDecimal.valueOf(500), 1, BillingInterval.MONTH, 1, true);
    assertThat(mrr("active", List.of(item(2000, 1, BillingInterval.MONTH, 1), metered), List.of()))
        .isEqualTo(2000);
    assertThat(mrr("active", List.of(metered), List.of())).isZero();
  }

  @Test
  void decimalUnitAmountsCountExactly() {
    // 0.5 × 3 = 1.5 → 2
    RecurringItem item =
        new RecurringItem(new BigDecimal("0.5"), 3, BillingInterval.MONTH, 1, false);
    assertThat(mrr("active", List.of(item), List.of())).isEqualTo(2);
  }

  @ParameterizedTest
  @CsvSource({"active, 2000", "past_due, 2000", "trialing, 0", "canceled, 0", "incomplete, 0"})
  void onlyActiveAndPastDueSubscriptionsCount(String status, long expected) {
    assertThat(mrr(status, List.of(item(2000, 1, BillingInterval.MONTH, 1)), List.of()))
        .isEqualTo(expected);
  }

  @Test
  void aSubscriptionWithoutAStatusCountsNothing() {
    assertThat(mrr(null, List.of(item(2000, 1, BillingInterval.MONTH, 1)), List.of())).isZero();
  }

  @Test
  void aForeverPercentageCouponIsDeducted() {
    assertThat(monthly2000With(Coupon.percentOff(BigDecimal.valueOf(25), true))).isEqualTo(1500);
    // 12.5 % of 2000 = 250
    assertThat(monthly2000With(Coupon.percentOff(new BigDecimal("12.5"), true))).isEqualTo(1750);
  }

  @Test
  void onceAndRepeatingCouponsAreNotDeducted() {
    assertThat(monthly2000With(Coupon.percentOff(BigDecimal.valueOf(25), false))).isEqualTo(2000);
    assertThat(monthly2000With(Coupon.amountOff(500, "usd", false))).isEqualTo(2000);
  }

  @Test
  void aForeverAmountCouponIsDeductedPerInvoiceNormalisedToAMonth() {
    assertThat(monthly2000With(Coupon.amountOff(500, "usd", true))).isEqualTo(1500);
    // yearly 12000 less 1200 per invoice: 10800 / 12
    assertThat(
            mrr(
                "active",
                List.of(item(12000, 1, BillingInterval.YEAR, 1)),
                List.of(Coupon.amountOff(1200, "usd", true))))
        .isEqualTo(900);
  }

  @Test
  void anAmountCouponOfAnotherCurrencyIsNotDeductedAndNoneGoesBelowZero() {
    assertThat(monthly2000With(Coupon.amountOff(500, "eur", true))).isEqualTo(2000);
    assertThat(monthly2000With(Coupon.amountOff(5000, "usd", true))).isZero();
  }

  @Test
  void couponsApplyInOrder() {
    // 2000 − 500 = 1500, then 10 % off: 1350
    assertThat(
            mrr(
                "active",
                List.of(item(2000, 1, BillingInterval.MONTH, 1)),
                List.of(
                    Coupon.amountOff(500, "usd", true), Coupon.percentOff(BigDecimal.TEN, true))))
        .isEqualTo(1350);
  }

  private static long monthly2000With(Coupon coupon) {
    return mrr("active", List.of(item(2000, 1, BillingInterval.MONTH, 1)), List.of(coupon));
  }

  private static long mrr(String status, List<RecurringItem> items, List<Coupon> coupons) {
    return MonthlyRecurringRevenue.of(new SubscriptionTerms(status, "usd", items, coupons));
  }

  private static RecurringItem item(
      long amount, long quantity, BillingInterval interval, long count) {
    return new RecurringItem(BigDecimal.valueOf(amount), quantity, interval, count, false);
  }
}
