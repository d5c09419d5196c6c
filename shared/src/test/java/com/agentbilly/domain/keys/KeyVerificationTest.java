package com.agentbilly.domain.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.SecretPurpose;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyVerificationTest {

  private static final String ACCOUNT = "acct_1Demo";

  /** Stripe's answers for a key that has exactly {@code granted} (write implies read). */
  private static Map<StripePermission, ProbeAnswer> keyWith(
      String account, StripePermission... granted) {
    Set<StripePermission> has = Set.of(granted);
    Map<StripePermission, ProbeAnswer> answers = new EnumMap<>(StripePermission.class);
    for (StripePermission p : StripePermission.values()) {
      answers.put(p, has.contains(p) ? ProbeAnswer.has() : ProbeAnswer.lacks(account));
    }
    return answers;
  }

  @Test
  void exactViewerKeyIsVerifiedWithItsAccount() {
    var verified =
        KeyVerification.decide(
            SecretPurpose.VIEWER,
            keyWith(
                ACCOUNT,
                StripePermission.CUSTOMER_READ,
                StripePermission.SUBSCRIPTION_READ,
                StripePermission.INVOICE_READ,
                StripePermission.CHARGE_READ,
                StripePermission.PRODUCT_READ,
                StripePermission.COUPON_READ),
            null);
    assertThat(verified.account()).isEqualTo(ACCOUNT);
    assertThat(verified.permissions())
        .containsExactly(
            "rak_customer_read",
            "rak_subscription_read",
            "rak_invoice_read",
            "rak_charge_read",
            "rak_product_read",
            "rak_coupon_read");
  }

  @Test
  void managerKeyConnectedAsViewerIsExcessAndMissingBoth() {
    var managerKey =
        keyWith(
            ACCOUNT,
            StripePermission.REFUND_WRITE,
            StripePermission.REFUND_READ,
            StripePermission.SUBSCRIPTION_WRITE,
            StripePermission.SUBSCRIPTION_READ,
            StripePermission.CHARGE_READ,
            StripePermission.COUPON_READ);
    assertThatThrownBy(() -> KeyVerification.decide(SecretPurpose.VIEWER, managerKey, ACCOUNT))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.code()).isEqualTo(ErrorCode.EXCESS_PERMISSIONS);
              assertThat(p.extra())
                  .containsEntry("excess", List.of("rak_refund_write", "rak_subscription_write"))
                  .containsEntry(
                      "missing",
                      List.of("rak_customer_read", "rak_invoice_read", "rak_product_read"));
            });
  }

  @Test
  void missingOnlyListsWhatIsMissing() {
    var underscoped =
        keyWith(
            ACCOUNT,
            StripePermission.CUSTOMER_READ,
            StripePermission.SUBSCRIPTION_READ,
            StripePermission.INVOICE_READ,
            StripePermission.PRODUCT_READ,
            StripePermission.COUPON_READ);
    assertThatThrownBy(() -> KeyVerification.decide(SecretPurpose.VIEWER, underscoped, null))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.code()).isEqualTo(ErrorCode.MISSING_PERMISSIONS);
              assertThat(p.extra()).isEqualTo(Map.of("missing", List.of("rak_charge_read")));
            });
  }

  @Test
  void everyKeyThatReadsSubscriptionsMustReadTheirCouponsToo() {
    var withoutCoupons =
        keyWith(
            ACCOUNT,
            StripePermission.CUSTOMER_READ,
            StripePermission.SUBSCRIPTION_READ,
            StripePermission.INVOICE_READ,
            StripePermission.CHARGE_READ,
            StripePermission.PRODUCT_READ,
            StripePermission.PRICE_READ,
            StripePermission.REFUND_READ,
            StripePermission.EVENT_READ);
    for (SecretPurpose purpose : List.of(SecretPurpose.SYNC, SecretPurpose.VIEWER)) {
      assertThatThrownBy(() -> KeyVerification.decide(purpose, withoutCoupons, ACCOUNT))
          .as("%s", purpose)
          .isInstanceOfSatisfying(
              ApiProblem.class,
              p -> assertThat(p.extra()).isEqualTo(Map.of("missing", List.of("rak_coupon_read"))));
    }
  }

  @Test
  void accountMismatchComesBeforeExcessAndMissing() {
    var foreignOverscoped = keyWith("acct_other", StripePermission.CUSTOMER_WRITE);
    assertThatThrownBy(
            () -> KeyVerification.decide(SecretPurpose.VIEWER, foreignOverscoped, ACCOUNT))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.code()).isEqualTo(ErrorCode.KEY_ACCOUNT_MISMATCH));
  }

  @Test
  void managerNeedsRefundAndSubscriptionWritesAndChargeAndCouponRead() {
    var verified =
        KeyVerification.decide(
            SecretPurpose.MANAGER,
            keyWith(
                ACCOUNT,
                StripePermission.REFUND_WRITE,
                StripePermission.SUBSCRIPTION_WRITE,
                StripePermission.CHARGE_READ,
                StripePermission.COUPON_READ),
            ACCOUNT);
    assertThat(verified.permissions())
        .containsExactly(
            "rak_charge_read", "rak_coupon_read", "rak_refund_write", "rak_subscription_write");
  }
}
