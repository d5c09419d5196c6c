package com.agentbilly.mirror;

import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.summary.BillingInterval;
import com.agentbilly.domain.summary.Buckets;
import com.agentbilly.domain.summary.Coupon;
import com.agentbilly.domain.summary.RecurringItem;
import com.agentbilly.domain.summary.SubscriptionTerms;
import com.agentbilly.domain.summary.SummaryRules;
import com.agentbilly.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that turns a mirrored object's state into its contribution to the org summary
 * ({@link SummaryRules} over Stripe's JSON): every mirror store applies {@link #change} of an
 * object's stored and new state to its aggregates in the same atomic step as the object write, and
 * {@link #recompute} is the from-scratch figure those aggregates must always equal.
 *
 * <p>Reads Stripe's JSON of any API version defensively: a missing or oddly typed field counts as
 * absent. A subscription's items come from {@code items.data[]} ({@code price} or a legacy {@code
 * plan}), or from a legacy top-level {@code plan} and {@code quantity}; its currency from {@code
 * currency}, else its first item's price. An item's unit amount is {@code unit_amount_decimal},
 * else {@code unit_amount} (a plan's {@code amount_decimal}, {@code amount}); an item without one
 * (a tiered price) counts nothing. Coupons come from expanded {@code discounts[]} objects, else the
 * legacy {@code discount} object ({@code coupon}, or {@code source.coupon}); a discount known only
 * by its id cannot be deducted.
 */
public final class SummaryContributions {

  /** The types whose objects contribute to the summary. */
  public static final Set<ObjectType> SUMMARISED =
      Set.of(ObjectType.SUBSCRIPTION, ObjectType.CHARGE, ObjectType.REFUND);

  /** Far above any amount or percentage Stripe accepts (amounts are at most 8 digits). */
  private static final BigDecimal LARGEST_AMOUNT = BigDecimal.TEN.pow(12);

  private SummaryContributions() {}

  /** Whether objects of {@code type} contribute anything to the summary. */
  public static boolean affects(ObjectType type) {
    return SUMMARISED.contains(type);
  }

  /**
   * What an object in the state {@code json} (a tombstone when {@code deleted}) contributes.
   *
   * @throws IllegalArgumentException if {@code json} is not a JSON object
   */
  public static Buckets of(ObjectType type, String json, boolean deleted) {
    if (deleted || !affects(type)) {
      return Buckets.NONE;
    }
    JsonNode object = parse(type, json);
    return switch (type) {
      case SUBSCRIPTION -> SummaryRules.subscription(subscriptionTerms(object));
      case CHARGE ->
          SummaryRules.charge(
              text(object, "status"),
              object.path("captured").isBoolean() ? object.get("captured").asBoolean() : null,
              integer(object, "amount").orElse(0L),
              currency(object),
              day(object));
      case REFUND ->
          SummaryRules.refund(
              text(object, "status"),
              integer(object, "amount").orElse(0L),
              currency(object),
              day(object));
      default -> Buckets.NONE;
    };
  }

  /**
   * The change to the aggregates when an object goes from its stored state to a new one.
   *
   * @param before the stored state, null if nothing was stored
   */
  public static Buckets change(ObjectType type, State before, State after) {
    Buckets old = before == null ? Buckets.NONE : of(type, before.json(), before.deleted());
    return Buckets.change(old, of(type, after.json(), after.deleted()));
  }

  /** The aggregates from scratch: the sum of every object's contribution. */
  public static Buckets recompute(Iterable<MirrorItem> items) {
    Buckets total = Buckets.NONE;
    for (MirrorItem item : items) {
      total = total.plus(of(item.type(), item.json(), item.deleted()));
    }
    return total;
  }

  /**
   * Whether a live subscription's JSON names a discount or its coupon only by id (as Stripe sends
   * them unless expanded, an event's payload always): its MRR cannot be told from it. Not JSON
   * counts as not lacking anything (the write refuses it).
   */
  public static boolean lacksCoupons(ObjectType type, String json) {
    if (type != ObjectType.SUBSCRIPTION) {
      return false;
    }
    JsonNode subscription;
    try {
      subscription = Json.read(json);
    } catch (JsonProcessingException e) {
      return false;
    }
    for (JsonNode discount : subscription.path("discounts")) {
      if (discount.isTextual()
          || (discount.isObject()
              && !discount.path("coupon").isObject()
              && discount.path("source").path("coupon").isTextual())) {
        return true;
      }
    }
    return false;
  }

  /** An object's state as stored: its JSON and whether it is a tombstone. */
  public record State(String json, boolean deleted) {}

  static SubscriptionTerms subscriptionTerms(JsonNode subscription) {
    List<RecurringItem> items = new ArrayList<>();
    String itemCurrency = null;
    JsonNode data = subscription.path("items").path("data");
    List<JsonNode[]> entries = new ArrayList<>();
    if (data.isArray()) {
      for (JsonNode item : data) {
        JsonNode price = item.path("price").isObject() ? item.get("price") : item.path("plan");
        entries.add(new JsonNode[] {price, item.get("quantity")});
      }
    } else if (subscription.path("plan").isObject()) {
      entries.add(new JsonNode[] {subscription.get("plan"), subscription.get("quantity")});
    }
    for (JsonNode[] entry : entries) {
      JsonNode price = entry[0];
      if (itemCurrency == null) {
        itemCurrency = currency(price);
      }
      recurringItem(price, entry[1]).ifPresent(items::add);
    }
    String currency = currency(subscription);
    return new SubscriptionTerms(
        text(subscription, "status"),
        currency != null ? currency : itemCurrency,
        items,
        coupons(subscription));
  }

  private static Optional<RecurringItem> recurringItem(JsonNode price, JsonNode quantityNode) {
    if (!price.isObject()) {
      return Optional.empty();
    }
    JsonNode recurring = price.path("recurring").isObject() ? price.get("recurring") : price;
    Optional<BillingInterval> interval = BillingInterval.fromStripe(text(recurring, "interval"));
    Optional<BigDecimal> unitAmount =
        decimal(price, "unit_amount_decimal")
            .or(() -> integer(price, "unit_amount").map(BigDecimal::valueOf))
            .or(() -> decimal(price, "amount_decimal"))
            .or(() -> integer(price, "amount").map(BigDecimal::valueOf));
    long intervalCount = integer(recurring, "interval_count").orElse(1L);
    if (interval.isEmpty() || unitAmount.isEmpty() || intervalCount < 1) {
      return Optional.empty();
    }
    long quantity =
        quantityNode != null && quantityNode.isIntegralNumber() && quantityNode.canConvertToLong()
            ? quantityNode.asLong()
            : 1;
    return Optional.of(
        new RecurringItem(
            unitAmount.get(),
            quantity,
            interval.get(),
            intervalCount,
            "metered".equals(text(recurring, "usage_type"))));
  }

  private static List<Coupon> coupons(JsonNode subscription) {
    Map<String, JsonNode> discounts = new LinkedHashMap<>();
    for (JsonNode discount : subscription.path("discounts")) {
      if (discount.isObject()) {
        discounts.put(discountId(discount, discounts.size()), discount);
      }
    }
    if (discounts.isEmpty() && subscription.path("discount").isObject()) {
      discounts.put("discount", subscription.get("discount"));
    }
    List<Coupon> coupons = new ArrayList<>();
    for (JsonNode discount : discounts.values()) {
      JsonNode coupon =
          discount.path("coupon").isObject()
              ? discount.get("coupon")
              : discount.path("source").path("coupon");
      if (!coupon.isObject()) {
        continue;
      }
      boolean forever = "forever".equals(text(coupon, "duration"));
      Optional<BigDecimal> percent = decimal(coupon, "percent_off");
      Optional<Long> amount = integer(coupon, "amount_off");
      if (percent.isPresent()) {
        coupons.add(Coupon.percentOff(percent.get(), forever));
      } else if (amount.isPresent()) {
        coupons.add(Coupon.amountOff(amount.get(), currency(coupon), forever));
      }
    }
    return coupons;
  }

  private static String discountId(JsonNode discount, int position) {
    String id = text(discount, "id");
    return id != null ? id : "#" + position;
  }

  private static JsonNode parse(ObjectType type, String json) {
    JsonNode object;
    try {
      object = Json.read(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: a " + type.objectName() + " object", e);
    }
    if (!object.isObject()) {
      throw new IllegalArgumentException("not a JSON object: a " + type.objectName());
    }
    return object;
  }

  private static String currency(JsonNode object) {
    String currency = text(object, "currency");
    return currency == null ? null : currency.toLowerCase(Locale.ROOT);
  }

  private static LocalDate day(JsonNode object) {
    return integer(object, "created")
        .map(seconds -> LocalDate.ofInstant(Instant.ofEpochSecond(seconds), ZoneOffset.UTC))
        .orElse(null);
  }

  private static String text(JsonNode object, String field) {
    JsonNode value = object.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private static Optional<Long> integer(JsonNode object, String field) {
    JsonNode value = object.get(field);
    return value != null && value.isIntegralNumber() && value.canConvertToLong()
        ? Optional.of(value.asLong())
        : Optional.empty();
  }

  /**
   * A number, or a decimal string as Stripe's {@code *_decimal} fields are; absent when it is not
   * one, or is beyond any amount Stripe allows (so no figure can overflow).
   */
  private static Optional<BigDecimal> decimal(JsonNode object, String field) {
    JsonNode value = object.get(field);
    BigDecimal decimal = null;
    if (value != null && value.isNumber()) {
      decimal = value.decimalValue();
    } else if (value != null && value.isTextual()) {
      try {
        decimal = new BigDecimal(value.asText());
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    if (decimal == null || decimal.abs().compareTo(LARGEST_AMOUNT) > 0) {
      return Optional.empty();
    }
    return Optional.of(decimal);
  }
}
