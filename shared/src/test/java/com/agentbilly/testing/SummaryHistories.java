package com.agentbilly.testing;

import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random sequences of mirror writes of the objects the summary counts — subscriptions, charges and
 * refunds — for the property that maintained aggregates equal a recomputation: new states (status,
 * currency, amounts, items, intervals, coupons, creation day all changing), deletions (Stripe's
 * stub and a full tombstone), exact duplicates, and snapshots drawn from a few seconds so that
 * stale and same-second writes are frequent and arrive out of order. Plain {@link Random}, so a
 * property test and an integration test can both use it.
 */
public final class SummaryHistories {

  /** The snapshot of the first write; later ones fall in the next few seconds. */
  public static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");

  private static final List<String> SUBSCRIPTIONS =
      List.of("sub_test_a", "sub_test_b", "sub_test_c");
  private static final List<String> CHARGES = List.of("ch_test_a", "ch_test_b", "ch_test_c");
  private static final List<String> REFUNDS = List.of("re_test_a", "re_test_b");
  private static final List<String> CURRENCIES = List.of("usd", "eur");
  private static final List<String> SUBSCRIPTION_STATUSES =
      List.of("active", "active", "past_due", "trialing", "canceled", "incomplete");
  private static final List<String> INTERVALS = List.of("day", "week", "month", "month", "year");
  private static final int SNAPSHOT_SECONDS = 8;
  private static final int CREATED_DAYS_BACK = 40;

  private final Random random;

  private SummaryHistories(Random random) {
    this.random = random;
  }

  /** {@code length} writes drawn from {@code seed}. */
  public static List<MirrorDocument> writes(long seed, int length) {
    SummaryHistories histories = new SummaryHistories(new Random(seed));
    List<MirrorDocument> writes = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      int roll = histories.random.nextInt(100);
      if (roll < 10 && !writes.isEmpty()) {
        writes.add(writes.get(histories.random.nextInt(writes.size())));
      } else {
        writes.add(histories.write(roll));
      }
    }
    return writes;
  }

  private MirrorDocument write(int roll) {
    int kind = random.nextInt(3);
    ObjectType type =
        kind == 0 ? ObjectType.SUBSCRIPTION : kind == 1 ? ObjectType.CHARGE : ObjectType.REFUND;
    List<String> ids = kind == 0 ? SUBSCRIPTIONS : kind == 1 ? CHARGES : REFUNDS;
    String id = pick(ids);
    Instant snapshot = T0.plusSeconds(random.nextInt(SNAPSHOT_SECONDS));
    ObjectNode state =
        switch (type) {
          case SUBSCRIPTION -> subscription(id);
          case CHARGE -> charge(id);
          default -> refund(id);
        };
    if (roll >= 10 && roll < 22) {
      ObjectNode stub = Json.MAPPER.createObjectNode();
      stub.put("id", id).put("object", type.objectName()).put("deleted", true);
      return new MirrorDocument(type, id, stub.toString(), snapshot, true);
    }
    if (roll >= 22 && roll < 27) {
      return new MirrorDocument(type, id, state.toString(), snapshot, true);
    }
    return new MirrorDocument(type, id, state.toString(), snapshot, false);
  }

  private ObjectNode subscription(String id) {
    ObjectNode subscription = base(id, "subscription");
    String currency = pick(CURRENCIES);
    subscription.put("status", pick(SUBSCRIPTION_STATUSES));
    boolean legacy = random.nextInt(5) == 0;
    if (legacy) {
      // localstripe's 2017 shape: no currency on the subscription, plans instead of prices
      ObjectNode plan = subscription.putObject("plan");
      plan.put("amount", random.nextInt(5000))
          .put("currency", currency)
          .put("interval", pick(INTERVALS))
          .put("interval_count", 1 + random.nextInt(3))
          .put("usage_type", random.nextInt(5) == 0 ? "metered" : "licensed");
      subscription.put("quantity", 1 + random.nextInt(3));
    } else {
      subscription.put("currency", currency);
      ArrayNode items = subscription.putObject("items").putArray("data");
      int count = 1 + random.nextInt(3);
      for (int i = 0; i < count; i++) {
        ObjectNode item = items.addObject();
        item.put("id", "si_" + id + "_" + i).put("quantity", 1 + random.nextInt(3));
        ObjectNode price = item.putObject("price");
        price.put("unit_amount", random.nextInt(5000)).put("currency", currency);
        price
            .putObject("recurring")
            .put("interval", pick(INTERVALS))
            .put("interval_count", 1 + random.nextInt(3))
            .put("usage_type", random.nextInt(5) == 0 ? "metered" : "licensed");
      }
    }
    int discount = random.nextInt(5);
    if (discount > 0) {
      ObjectNode coupon = Json.MAPPER.createObjectNode();
      coupon.put("duration", random.nextBoolean() ? "forever" : "once");
      if (discount % 2 == 0) {
        coupon.put("percent_off", 5 * (1 + random.nextInt(20)));
      } else {
        coupon.put("amount_off", random.nextInt(3000)).put("currency", pick(CURRENCIES));
      }
      subscription.putObject("discount").put("id", "di_" + id).set("coupon", coupon);
    }
    return subscription;
  }

  private ObjectNode charge(String id) {
    ObjectNode charge = base(id, "charge");
    charge
        .put("status", pick(List.of("succeeded", "succeeded", "failed", "pending")))
        .put("amount", 1 + random.nextInt(10_000))
        .put("currency", pick(CURRENCIES))
        .put("captured", random.nextInt(6) != 0);
    return charge;
  }

  private ObjectNode refund(String id) {
    ObjectNode refund = base(id, "refund");
    refund
        .put("status", pick(List.of("succeeded", "succeeded", "pending", "failed", "canceled")))
        .put("amount", 1 + random.nextInt(5_000))
        .put("currency", pick(CURRENCIES))
        .put("charge", pick(CHARGES));
    return refund;
  }

  private ObjectNode base(String id, String object) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    long created = T0.getEpochSecond() - random.nextInt(CREATED_DAYS_BACK) * 86_400L;
    return node.put("id", id).put("object", object).put("created", created).put("livemode", false);
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
