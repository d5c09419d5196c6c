package com.agentbilly.domain.mirror;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Stripe object types Agent Billy mirrors, with Stripe's object name, the list name of our read
 * API and Stripe's API path. Legacy plans (which localstripe and old accounts emit) are mirrored as
 * prices: Stripe's Prices API serves plans as prices too.
 */
public enum ObjectType {
  CUSTOMER("customer", "customers", "/v1/customers", Set.of("email")),
  SUBSCRIPTION("subscription", "subscriptions", "/v1/subscriptions", Set.of("status", "customer")),
  INVOICE("invoice", "invoices", "/v1/invoices", Set.of("status", "customer")),
  CHARGE("charge", "charges", "/v1/charges", Set.of("status", "customer")),
  REFUND("refund", "refunds", "/v1/refunds", Set.of("charge")),
  PRODUCT("product", "products", "/v1/products", Set.of("active")),
  PRICE("price", "prices", "/v1/prices", Set.of("product", "active"));

  private final String objectName;
  private final String listName;
  private final String stripePath;
  private final Set<String> filters;

  ObjectType(String objectName, String listName, String stripePath, Set<String> filters) {
    this.objectName = objectName;
    this.listName = listName;
    this.stripePath = stripePath;
    this.filters = filters;
  }

  /** Stripe's {@code object} value, e.g. {@code customer}. */
  public String objectName() {
    return objectName;
  }

  /** The plural of our read API, e.g. {@code customers} in {@code /orgs/{org}/customers}. */
  public String listName() {
    return listName;
  }

  /** Stripe's collection path, e.g. {@code /v1/customers}. */
  public String stripePath() {
    return stripePath;
  }

  /**
   * The fields of this type that Stripe sends as ids unless asked to expand them, and that the
   * mirror needs whole: a subscription's discounts with their coupons, which the summary's MRR
   * deducts. Every read of such an object asks for them; a copy without them (an event's payload)
   * is read again (see {@code GuardedMirrorWrite}).
   */
  public List<String> expansions() {
    return this == SUBSCRIPTION ? List.of("discounts.source.coupon") : List.of();
  }

  /**
   * The {@code expand[]} parameters of {@link #expansions}, each prefixed with {@code prefix}
   * ({@code "data."} for a list, {@code ""} for one object), form-encoded and joined with {@code
   * &}; empty if the type has none.
   */
  public String expandParameters(String prefix) {
    return expansions().stream()
        .map(
            field ->
                URLEncoder.encode("expand[]", StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(prefix + field, StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** Stripe's path of one object of this type, with its {@link #expandParameters}. */
  public String objectPath(String id) {
    String path = stripePath + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    String expand = expandParameters("");
    return expand.isEmpty() ? path : path + "?" + expand;
  }

  /** The list filters this type supports (besides {@code include_deleted}). */
  public Set<String> filters() {
    return filters;
  }

  /** The type of a Stripe object by its {@code object} value; {@code plan} is a price. */
  public static Optional<ObjectType> fromObjectName(String object) {
    if ("plan".equals(object)) {
      return Optional.of(PRICE);
    }
    for (ObjectType type : values()) {
      if (type.objectName.equals(object)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** The type of a read-API list name such as {@code invoices}. */
  public static Optional<ObjectType> fromListName(String list) {
    for (ObjectType type : values()) {
      if (type.listName.equals(list)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
