package com.agentbilly.domain.keys;

/**
 * The Stripe restricted-key permissions Agent Billy requires or checks, as Stripe's {@code rak_*}
 * slugs with the Dashboard row where each is ticked. Prices keep Stripe's legacy slug {@code
 * rak_plan_*}. A write permission implies the matching read permission at Stripe.
 */
public enum StripePermission {
  CUSTOMER_READ("rak_customer_read", "Customers: Read"),
  SUBSCRIPTION_READ("rak_subscription_read", "Subscriptions: Read"),
  INVOICE_READ("rak_invoice_read", "Invoices: Read"),
  CHARGE_READ("rak_charge_read", "Charges: Read"),
  PRODUCT_READ("rak_product_read", "Products: Read"),
  PRICE_READ("rak_plan_read", "Prices: Read"),
  REFUND_READ("rak_refund_read", "Refunds: Read"),
  EVENT_READ("rak_event_read", "Events: Read"),
  COUPON_READ("rak_coupon_read", "Coupons: Read"),
  REFUND_WRITE("rak_refund_write", "Refunds: Write"),
  SUBSCRIPTION_WRITE("rak_subscription_write", "Subscriptions: Write"),
  CUSTOMER_WRITE("rak_customer_write", "Customers: Write"),
  PRODUCT_WRITE("rak_product_write", "Products: Write"),
  PRICE_WRITE("rak_plan_write", "Prices: Write"),
  CHARGE_WRITE("rak_charge_write", "Charges: Write"),
  INVOICE_WRITE("rak_invoice_write", "Invoices: Write"),
  PAYOUT_WRITE("rak_payout_write", "Payouts: Write");

  private final String slug;
  private final String dashboardLabel;

  StripePermission(String slug, String dashboardLabel) {
    this.slug = slug;
    this.dashboardLabel = dashboardLabel;
  }

  /** Stripe's name for the permission, as in its 403 messages, e.g. {@code rak_charge_read}. */
  public String slug() {
    return slug;
  }

  /** Where to find it in the Dashboard's restricted key form, e.g. {@code Charges: Write}. */
  public String dashboardLabel() {
    return dashboardLabel;
  }

  public boolean isWrite() {
    return slug.endsWith("_write");
  }
}
