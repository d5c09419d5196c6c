package com.agentbilly.domain.keys;

import static com.agentbilly.domain.keys.StripePermission.CHARGE_READ;
import static com.agentbilly.domain.keys.StripePermission.CHARGE_WRITE;
import static com.agentbilly.domain.keys.StripePermission.COUPON_READ;
import static com.agentbilly.domain.keys.StripePermission.CUSTOMER_READ;
import static com.agentbilly.domain.keys.StripePermission.CUSTOMER_WRITE;
import static com.agentbilly.domain.keys.StripePermission.EVENT_READ;
import static com.agentbilly.domain.keys.StripePermission.INVOICE_READ;
import static com.agentbilly.domain.keys.StripePermission.INVOICE_WRITE;
import static com.agentbilly.domain.keys.StripePermission.PAYOUT_WRITE;
import static com.agentbilly.domain.keys.StripePermission.PRICE_READ;
import static com.agentbilly.domain.keys.StripePermission.PRICE_WRITE;
import static com.agentbilly.domain.keys.StripePermission.PRODUCT_READ;
import static com.agentbilly.domain.keys.StripePermission.PRODUCT_WRITE;
import static com.agentbilly.domain.keys.StripePermission.REFUND_READ;
import static com.agentbilly.domain.keys.StripePermission.REFUND_WRITE;
import static com.agentbilly.domain.keys.StripePermission.SUBSCRIPTION_READ;
import static com.agentbilly.domain.keys.StripePermission.SUBSCRIPTION_WRITE;

import com.agentbilly.domain.SecretPurpose;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What each key purpose must have and must not have (DESIGN.md §3). This table is the single source
 * of {@code GET /key-requirements}, the README's table and the verification of a key.
 *
 * <p>Beyond DESIGN's table, every key that reads subscriptions also reads coupons ({@code
 * rak_coupon_read}): Stripe sends a subscription's discounts as ids, and the summary's MRR deducts
 * forever coupons (API.md), so each read of a subscription expands its discounts' coupons, which
 * Stripe allows only with read permission on coupons.
 *
 * @param read permissions the key must have to read
 * @param write permissions the key must have to write (each implies its read)
 * @param forbiddenWrite checked write permissions the key must not have
 */
public record KeyRequirements(
    List<StripePermission> read,
    List<StripePermission> write,
    List<StripePermission> forbiddenWrite) {

  /** Every write permission that is probed for every key. */
  public static final Set<StripePermission> CHECKED_WRITES =
      EnumSet.of(
          REFUND_WRITE,
          SUBSCRIPTION_WRITE,
          CUSTOMER_WRITE,
          PRODUCT_WRITE,
          PRICE_WRITE,
          CHARGE_WRITE,
          INVOICE_WRITE,
          PAYOUT_WRITE);

  public KeyRequirements {
    read = List.copyOf(read);
    write = List.copyOf(write);
    forbiddenWrite = List.copyOf(forbiddenWrite);
  }

  /** The requirements of a Stripe key purpose. */
  public static KeyRequirements of(SecretPurpose purpose) {
    return switch (purpose) {
      case SYNC ->
          readOnly(
              CUSTOMER_READ,
              SUBSCRIPTION_READ,
              INVOICE_READ,
              CHARGE_READ,
              PRODUCT_READ,
              PRICE_READ,
              REFUND_READ,
              EVENT_READ,
              COUPON_READ);
      case VIEWER ->
          readOnly(
              CUSTOMER_READ,
              SUBSCRIPTION_READ,
              INVOICE_READ,
              CHARGE_READ,
              PRODUCT_READ,
              COUPON_READ);
      case MANAGER ->
          new KeyRequirements(
              List.of(CHARGE_READ, COUPON_READ),
              List.of(REFUND_WRITE, SUBSCRIPTION_WRITE),
              forbiddenExcept(REFUND_WRITE, SUBSCRIPTION_WRITE));
      case OPERATOR ->
          new KeyRequirements(
              List.of(COUPON_READ),
              List.of(SUBSCRIPTION_WRITE),
              forbiddenExcept(SUBSCRIPTION_WRITE));
      case WEBHOOK -> throw new IllegalArgumentException("webhook secrets are not Stripe keys");
    };
  }

  /** Every permission verification probes for this purpose: required ones and checked writes. */
  public Set<StripePermission> probed() {
    EnumSet<StripePermission> probed = EnumSet.copyOf(CHECKED_WRITES);
    probed.addAll(read);
    probed.addAll(write);
    return probed;
  }

  private static KeyRequirements readOnly(StripePermission... read) {
    return new KeyRequirements(List.of(read), List.of(), forbiddenExcept());
  }

  private static List<StripePermission> forbiddenExcept(StripePermission... allowed) {
    EnumSet<StripePermission> forbidden = EnumSet.copyOf(CHECKED_WRITES);
    for (StripePermission permission : allowed) {
      forbidden.remove(permission);
    }
    return List.copyOf(forbidden);
  }
}
