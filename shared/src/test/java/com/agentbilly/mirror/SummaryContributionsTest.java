package com.agentbilly.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.summary.BucketKey;
import com.agentbilly.domain.summary.Buckets;
import com.agentbilly.domain.summary.Figures;
import com.agentbilly.testing.EventFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Stripe's JSON, of today's API version and localstripe's 2017 one, read into contributions. */
class SummaryContributionsTest {

  private static final LocalDate DAY = LocalDate.parse("2026-11-29");
  private static final long CREATED = 1_795_953_600L; // 2026-11-29T12:00:00Z

  @Test
  void aRecordedSubscriptionCountsItsPriceItemsAndStatus() throws IOException {
    // price_test_pro_monthly: 2000 usd a month, quantity 1, active
    assertThat(
            SummaryContributions.of(ObjectType.SUBSCRIPTION, fixture("subscription.json"), false))
        .isEqualTo(Buckets.of(BucketKey.totals("usd"), subscriptionFigures(2000, 1, 0, 0)));
  }

  @Test
  void aLegacySubscriptionTakesItsCurrencyFromThePlan() throws IOException {
    assertThat(
            SummaryContributions.of(
                ObjectType.SUBSCRIPTION, fixture("subscription_legacy.json"), false))
        .isEqualTo(Buckets.of(BucketKey.totals("usd"), subscriptionFigures(2000, 1, 0, 0)));
  }

  @Test
  void aLegacyTopLevelPlanAndQuantityCountWithoutItems() {
    String json =
        "{\"id\":\"sub_1\",\"status\":\"past_due\",\"quantity\":3,"
            + "\"plan\":{\"amount\":1200,\"currency\":\"EUR\",\"interval\":\"year\"}}";
    // 3 × 1200 / 12
    assertThat(SummaryContributions.of(ObjectType.SUBSCRIPTION, json, false))
        .isEqualTo(Buckets.of(BucketKey.totals("eur"), subscriptionFigures(300, 0, 1, 0)));
  }

  @Test
  void aTrialCountsAsTrialingWithoutMrr() {
    assertThat(
            SummaryContributions.of(ObjectType.SUBSCRIPTION, subscription("trialing", ""), false))
        .isEqualTo(Buckets.of(BucketKey.totals("usd"), subscriptionFigures(0, 0, 0, 1)));
  }

  @Test
  void aCanceledSubscriptionCountsNothing() {
    assertThat(
            SummaryContributions.of(ObjectType.SUBSCRIPTION, subscription("canceled", ""), false))
        .isEqualTo(Buckets.NONE);
  }

  @Test
  void couponsAreReadFromExpandedDiscountsOrTheLegacyDiscount() {
    String forever25 = "{\"id\":\"di_1\",\"coupon\":{\"duration\":\"forever\",\"percent_off\":25}}";
    String sourceForever =
        "{\"id\":\"di_2\",\"source\":{\"coupon\":{\"duration\":\"forever\","
            + "\"amount_off\":500,\"currency\":\"usd\"}}}";
    assertThat(mrrOf(subscription("active", ",\"discounts\":[" + forever25 + "]"))).isEqualTo(750);
    assertThat(mrrOf(subscription("active", ",\"discounts\":[" + sourceForever + "]")))
        .isEqualTo(500);
    assertThat(mrrOf(subscription("active", ",\"discount\":" + forever25))).isEqualTo(750);
    // the same discount as the legacy field and in the list is deducted once
    assertThat(
            mrrOf(
                subscription(
                    "active", ",\"discount\":" + forever25 + ",\"discounts\":[" + forever25 + "]")))
        .isEqualTo(750);
    // a discount known only by its id cannot be deducted
    assertThat(mrrOf(subscription("active", ",\"discounts\":[\"di_1\"]"))).isEqualTo(1000);
    String once = "{\"id\":\"di_3\",\"coupon\":{\"duration\":\"once\",\"percent_off\":50}}";
    assertThat(mrrOf(subscription("active", ",\"discounts\":[" + once + "]"))).isEqualTo(1000);
  }

  @Test
  void aSubscriptionLacksCouponsWhenADiscountOrItsCouponIsOnlyAnId() {
    String expanded =
        "{\"id\":\"di_2\",\"source\":{\"coupon\":{\"duration\":\"forever\",\"percent_off\":5}}}";
    String couponId = "{\"id\":\"di_3\",\"source\":{\"coupon\":\"FOREVER5\",\"type\":\"coupon\"}}";
    String legacy = "{\"id\":\"di_4\",\"coupon\":{\"duration\":\"forever\",\"percent_off\":5}}";

    assertThat(lacks(",\"discounts\":[\"di_1\"]")).isTrue();
    assertThat(lacks(",\"discounts\":[" + couponId + "]")).isTrue();
    assertThat(lacks(",\"discounts\":[" + expanded + ",\"di_1\"]")).isTrue();
    assertThat(lacks(",\"discounts\":[" + expanded + "]")).isFalse();
    assertThat(lacks(",\"discounts\":[" + legacy + "]")).isFalse();
    assertThat(lacks(",\"discounts\":[]")).isFalse();
    assertThat(lacks("")).isFalse();
    assertThat(
            SummaryContributions.lacksCoupons(
                ObjectType.CHARGE, "{\"id\":\"ch_1\",\"discounts\":[\"di_1\"]}"))
        .as("only subscriptions")
        .isFalse();
    assertThat(SummaryContributions.lacksCoupons(ObjectType.SUBSCRIPTION, "not json")).isFalse();
  }

  private static boolean lacks(String discounts) {
    return SummaryContributions.lacksCoupons(
        ObjectType.SUBSCRIPTION, subscription("active", discounts));
  }

  @Test
  void aTieredPriceWithoutUnitAmountCountsNothing() {
    String json =
        "{\"id\":\"sub_1\",\"status\":\"active\",\"currency\":\"usd\",\"items\":{\"data\":[{"
            + "\"quantity\":4,\"price\":{\"billing_scheme\":\"tiered\",\"unit_amount\":null,"
            + "\"recurring\":{\"interval\":\"month\",\"interval_count\":1}}}]}}";
    assertThat(SummaryContributions.of(ObjectType.SUBSCRIPTION, json, false))
        .isEqualTo(Buckets.of(BucketKey.totals("usd"), subscriptionFigures(0, 1, 0, 0)));
  }

  @Test
  void anAbsurdUnitAmountCountsNothingRatherThanOverflowing() {
    String json =
        "{\"id\":\"sub_1\",\"status\":\"active\",\"currency\":\"usd\",\"items\":{\"data\":[{"
            + "\"quantity\":1,\"price\":{\"unit_amount_decimal\":\"1e999999999\","
            + "\"recurring\":{\"interval\":\"day\"}}}]}}";
    assertThat(SummaryContributions.of(ObjectType.SUBSCRIPTION, json, false))
        .isEqualTo(Buckets.of(BucketKey.totals("usd"), subscriptionFigures(0, 1, 0, 0)));
  }

  @Test
  void chargesCountOnTheDayTheyWereCreated() {
    assertThat(SummaryContributions.of(ObjectType.CHARGE, charge("succeeded", "true"), false))
        .isEqualTo(Buckets.of(BucketKey.day(DAY, "usd"), new Figures(0, 0, 0, 0, 1999, 0, 0)));
    assertThat(SummaryContributions.of(ObjectType.CHARGE, charge("failed", "false"), false))
        .isEqualTo(Buckets.of(BucketKey.day(DAY, "usd"), new Figures(0, 0, 0, 0, 0, 0, 1)));
    assertThat(SummaryContributions.of(ObjectType.CHARGE, charge("pending", "true"), false))
        .isEqualTo(Buckets.NONE);
    assertThat(SummaryContributions.of(ObjectType.CHARGE, charge("succeeded", "false"), false))
        .as("authorised, not captured")
        .isEqualTo(Buckets.NONE);
  }

  @Test
  void recordedChargesAndRefundsCount() throws IOException {
    LocalDate day = LocalDate.parse("2026-11-29"); // created 1795985000: 20:43:20 UTC
    assertThat(SummaryContributions.of(ObjectType.CHARGE, fixture("charge_failed.json"), false))
        .isEqualTo(Buckets.of(BucketKey.day(day, "usd"), new Figures(0, 0, 0, 0, 0, 0, 1)));
    assertThat(SummaryContributions.of(ObjectType.REFUND, fixture("refund.json"), false))
        .isEqualTo(Buckets.of(BucketKey.day(day, "usd"), new Figures(0, 0, 0, 0, 0, 2000, 0)));
  }

  @Test
  void refundsCountUnlessFailedOrCanceled() {
    for (String status : new String[] {"succeeded", "pending"}) {
      assertThat(SummaryContributions.of(ObjectType.REFUND, refund(status), false))
          .isEqualTo(Buckets.of(BucketKey.day(DAY, "eur"), new Figures(0, 0, 0, 0, 0, 700, 0)));
    }
    for (String status : new String[] {"failed", "canceled"}) {
      assertThat(SummaryContributions.of(ObjectType.REFUND, refund(status), false))
          .isEqualTo(Buckets.NONE);
    }
  }

  @Test
  void aTombstoneAndOtherTypesContributeNothing() {
    assertThat(SummaryContributions.of(ObjectType.CHARGE, charge("succeeded", "true"), true))
        .isEqualTo(Buckets.NONE);
    assertThat(SummaryContributions.of(ObjectType.CUSTOMER, "{\"id\":\"cus_1\"}", false))
        .isEqualTo(Buckets.NONE);
  }

  @Test
  void aChangeMovesTheContributionBetweenBuckets() {
    String usd = charge("succeeded", "true");
    String eur = usd.replace("\"usd\"", "\"eur\"");
    Buckets change =
        SummaryContributions.change(
            ObjectType.CHARGE,
            new SummaryContributions.State(usd, false),
            new SummaryContributions.State(eur, false));
    assertThat(change)
        .isEqualTo(
            Buckets.NONE
                .plus(BucketKey.day(DAY, "usd"), new Figures(0, 0, 0, 0, -1999, 0, 0))
                .plus(BucketKey.day(DAY, "eur"), new Figures(0, 0, 0, 0, 1999, 0, 0)));
    assertThat(
            SummaryContributions.change(
                ObjectType.CHARGE, null, new SummaryContributions.State(usd, false)))
        .isEqualTo(SummaryContributions.of(ObjectType.CHARGE, usd, false));
    assertThat(
            SummaryContributions.change(
                ObjectType.CHARGE,
                new SummaryContributions.State(usd, false),
                new SummaryContributions.State(usd, true)))
        .isEqualTo(Buckets.of(BucketKey.day(DAY, "usd"), new Figures(0, 0, 0, 0, -1999, 0, 0)));
  }

  @Test
  void jsonThatIsNotAnObjectIsRefused() {
    assertThatThrownBy(() -> SummaryContributions.of(ObjectType.CHARGE, "[1]", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a JSON object: a charge");
  }

  private static long mrrOf(String json) {
    return SummaryContributions.of(ObjectType.SUBSCRIPTION, json, false)
        .asMap()
        .get(BucketKey.totals("usd"))
        .mrr();
  }

  /** 1000 usd a month, quantity 1, plus {@code extra} fields. */
  private static String subscription(String status, String extra) {
    return "{\"id\":\"sub_1\",\"object\":\"subscription\",\"status\":\""
        + status
        + "\",\"currency\":\"usd\",\"items\":{\"data\":[{\"quantity\":1,\"price\":{"
        + "\"unit_amount\":1000,\"currency\":\"usd\",\"recurring\":{\"interval\":\"month\","
        + "\"interval_count\":1,\"usage_type\":\"licensed\"}}}]}"
        + extra
        + "}";
  }

  private static String charge(String status, String captured) {
    return "{\"id\":\"ch_1\",\"object\":\"charge\",\"created\":"
        + CREATED
        + ",\"status\":\""
        + status
        + "\",\"captured\":"
        + captured
        + ",\"amount\":1999,\"currency\":\"usd\"}";
  }

  private static String refund(String status) {
    return "{\"id\":\"re_1\",\"object\":\"refund\",\"created\":"
        + CREATED
        + ",\"status\":\""
        + status
        + "\",\"amount\":700,\"currency\":\"EUR\"}";
  }

  private static Figures subscriptionFigures(long mrr, long active, long pastDue, long trialing) {
    return new Figures(mrr, active, pastDue, trialing, 0, 0, 0);
  }

  private static String fixture(String name) throws IOException {
    return Files.readString(EventFixtures.path("stripe/objects/" + name));
  }
}
