package com.agentbilly.adapter.dynamodb;

import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;

/**
 * The fields of a Stripe object that the mirror indexes and the read API filters on, read from the
 * raw JSON defensively: a missing or oddly typed field is null rather than an error, and a
 * reference such as {@code customer}, {@code product} or {@code charge} may be an id or an expanded
 * object. Works for any API version Stripe or localstripe sends (2017-08-15 included).
 *
 * @param created Stripe's {@code created} (epoch seconds), null when the JSON has none (a deletion
 *     stub such as {@code {"id":…,"deleted":true}})
 * @param status subscriptions, invoices and charges; for an invoice of an API version before
 *     statuses existed, {@code paid} when {@code paid} is true, {@code uncollectible} when {@code
 *     forgiven} is true, {@code open} otherwise
 * @param customer the customer id of a subscription, invoice or charge
 * @param email a customer's email, lower-cased
 * @param currency the three-letter currency, lower-cased, where the object has one
 * @param amount minor units: a charge's or refund's {@code amount}, an invoice's {@code
 *     amount_due}, a price's {@code unit_amount} (a legacy plan's {@code amount})
 * @param active products and prices (and legacy plans)
 * @param product a price's (or plan's) product id
 * @param charge a refund's charge id
 */
public record StripeObjectFields(
    Long created,
    String status,
    String customer,
    String email,
    String currency,
    Long amount,
    Boolean active,
    String product,
    String charge) {

  /** Digits of {@code created} in sort keys: epoch seconds up to the year 33658. */
  static final int CREATED_DIGITS = 12;

  /**
   * The indexed fields of a {@code type} object.
   *
   * @throws IllegalArgumentException if {@code json} is not a JSON object
   */
  public static StripeObjectFields extract(ObjectType type, String json) {
    JsonNode object;
    try {
      object = Json.read(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: a " + type.objectName() + " object", e);
    }
    if (!object.isObject()) {
      throw new IllegalArgumentException("not a JSON object: a " + type.objectName());
    }
    Long created = integer(object, "created");
    String currency = lowerCase(text(object, "currency"));
    return switch (type) {
      case CUSTOMER ->
          new StripeObjectFields(
              created,
              null,
              null,
              lowerCase(text(object, "email")),
              currency,
              null,
              null,
              null,
              null);
      case SUBSCRIPTION ->
          new StripeObjectFields(
              created,
              text(object, "status"),
              reference(object, "customer"),
              null,
              currency,
              null,
              null,
              null,
              null);
      case INVOICE ->
          new StripeObjectFields(
              created,
              invoiceStatus(object),
              reference(object, "customer"),
              null,
              currency,
              integer(object, "amount_due"),
              null,
              null,
              null);
      case CHARGE ->
          new StripeObjectFields(
              created,
              text(object, "status"),
              reference(object, "customer"),
              null,
              currency,
              integer(object, "amount"),
              null,
              null,
              null);
      case REFUND ->
          new StripeObjectFields(
              created,
              text(object, "status"),
              null,
              null,
              currency,
              integer(object, "amount"),
              null,
              null,
              reference(object, "charge"));
      case PRODUCT ->
          new StripeObjectFields(
              created, null, null, null, null, null, bool(object, "active"), null, null);
      case PRICE ->
          new StripeObjectFields(
              created,
              null,
              null,
              null,
              currency,
              object.has("unit_amount")
                  ? integer(object, "unit_amount")
                  : integer(object, "amount"),
              bool(object, "active"),
              reference(object, "product"),
              null);
    };
  }

  /**
   * The sort key of the object in every list index: {@code created} zero-padded, then the id, so
   * that a descending query is newest first with ties broken by id, descending. An object without
   * {@code created} sorts as created at 0.
   */
  public String sortKey(String id) {
    long seconds = created == null ? 0 : Math.max(0, created);
    return String.format(Locale.ROOT, "%0" + CREATED_DIGITS + "d#%s", seconds, id);
  }

  /** The value of a list filter for this object, as {@link #matches} compares it; null if none. */
  public String filterValue(String filter) {
    return switch (filter) {
      case "status" -> status;
      case "customer" -> customer;
      case "email" -> email;
      case "active" -> active == null ? null : active.toString();
      case "product" -> product;
      case "charge" -> charge;
      default -> throw new IllegalArgumentException("unknown filter: " + filter);
    };
  }

  /**
   * Whether the object passes every filter; {@code canonicalFilters} as {@link
   * com.agentbilly.domain.mirror.PageCursors#canonicalFilters} makes them.
   */
  public boolean matches(Map<String, String> canonicalFilters) {
    return canonicalFilters.entrySet().stream()
        .allMatch(filter -> filter.getValue().equals(filterValue(filter.getKey())));
  }

  private static String invoiceStatus(JsonNode invoice) {
    String status = text(invoice, "status");
    if (status != null || !invoice.path("paid").isBoolean()) {
      return status;
    }
    if (invoice.path("paid").asBoolean()) {
      return "paid";
    }
    return invoice.path("forgiven").asBoolean(false) ? "uncollectible" : "open";
  }

  private static String reference(JsonNode object, String field) {
    JsonNode value = object.get(field);
    if (value == null) {
      return null;
    }
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isObject() && value.path("id").isTextual()) {
      return value.get("id").asText();
    }
    return null;
  }

  private static String text(JsonNode object, String field) {
    JsonNode value = object.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private static Long integer(JsonNode object, String field) {
    JsonNode value = object.get(field);
    return value != null && value.isIntegralNumber() && value.canConvertToLong()
        ? value.asLong()
        : null;
  }

  private static Boolean bool(JsonNode object, String field) {
    JsonNode value = object.get(field);
    return value != null && value.isBoolean() ? value.asBoolean() : null;
  }

  private static String lowerCase(String value) {
    return value == null ? null : value.toLowerCase(Locale.ROOT);
  }
}
