package com.agentbilly.domain.keys;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The side-effect-free Stripe request that proves one permission. A read is a {@code limit=1} list;
 * a write is a well-formed update or create aimed at an object id that does not exist, so Stripe's
 * permission check (which comes first) answers 403 without the permission and {@code
 * resource_missing} with it. Nothing is ever created or changed.
 *
 * @param form form-encoded body of a POST, or query string of a GET
 */
public record Probe(StripePermission permission, String method, String path, String form) {

  /** Object ids no Stripe account has; they only ever meet "No such …". */
  static final String MISSING = "agent_billy_probe_missing";

  private static final Map<StripePermission, Probe> TABLE = build();

  public Probe {
    Objects.requireNonNull(permission, "permission");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(form, "form");
  }

  /** The probe of {@code permission}. */
  public static Probe of(StripePermission permission) {
    return TABLE.get(permission);
  }

  /** The whole probe table, one probe per permission. */
  public static Map<StripePermission, Probe> table() {
    return TABLE;
  }

  private static Map<StripePermission, Probe> build() {
    Map<StripePermission, Probe> table = new EnumMap<>(StripePermission.class);
    read(table, StripePermission.CUSTOMER_READ, "/v1/customers");
    read(table, StripePermission.SUBSCRIPTION_READ, "/v1/subscriptions");
    read(table, StripePermission.INVOICE_READ, "/v1/invoices");
    read(table, StripePermission.CHARGE_READ, "/v1/charges");
    read(table, StripePermission.PRODUCT_READ, "/v1/products");
    read(table, StripePermission.PRICE_READ, "/v1/prices");
    read(table, StripePermission.REFUND_READ, "/v1/refunds");
    read(table, StripePermission.EVENT_READ, "/v1/events");
    read(table, StripePermission.COUPON_READ, "/v1/coupons");
    write(table, StripePermission.REFUND_WRITE, "/v1/refunds", "charge=ch_" + MISSING);
    update(table, StripePermission.SUBSCRIPTION_WRITE, "/v1/subscriptions/sub_" + MISSING);
    update(table, StripePermission.CUSTOMER_WRITE, "/v1/customers/cus_" + MISSING);
    update(table, StripePermission.PRODUCT_WRITE, "/v1/products/prod_" + MISSING);
    update(table, StripePermission.PRICE_WRITE, "/v1/prices/price_" + MISSING);
    update(table, StripePermission.CHARGE_WRITE, "/v1/charges/ch_" + MISSING);
    update(table, StripePermission.INVOICE_WRITE, "/v1/invoices/in_" + MISSING);
    update(table, StripePermission.PAYOUT_WRITE, "/v1/payouts/po_" + MISSING);
    for (StripePermission permission : StripePermission.values()) {
      if (!table.containsKey(permission)) {
        throw new IllegalStateException("no probe for " + permission);
      }
    }
    return Collections.unmodifiableMap(table);
  }

  private static void read(Map<StripePermission, Probe> table, StripePermission p, String path) {
    table.put(p, new Probe(p, "GET", path, "limit=1"));
  }

  private static void write(
      Map<StripePermission, Probe> table, StripePermission p, String path, String form) {
    table.put(p, new Probe(p, "POST", path, form));
  }

  private static void update(Map<StripePermission, Probe> table, StripePermission p, String path) {
    write(table, p, path, "metadata[agent_billy_probe]=1");
  }
}
