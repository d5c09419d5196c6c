package com.agentbilly.local.bench;

import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.Json;
import com.agentbilly.testing.WebhookRequests;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The Stripe events of a load run, and what the mirror must hold once they are delivered: for each
 * org a mix of customers, products, prices, subscriptions, invoices, charges and refunds, each
 * object going through one to three states (created, updated, and for some deleted, cancelled,
 * refunded or failed), one event per state. The states of one object are one second apart, so no
 * two of them ever tie and the newest delivered state is what the mirror must hold, whatever the
 * order of delivery. Every state carries its number in {@code metadata.load_state}.
 *
 * <p>The deliveries of an object's states come roughly in order, some after the next state (Stripe
 * does not guarantee the order of deliveries), the objects and orgs interleaved at random; a share
 * of the events is delivered a second time (a redelivery: the same body, signed again when sent),
 * some while the first delivery may still be running.
 */
public final class LoadEvents {

  private static final double JITTER = 1.5;
  private static final int REDELIVERY_SPREAD = 200;

  /** What a state adds to its org's summary (usd), as the API's summary rules count it. */
  public record Contribution(
      long mrr, int active, int trialing, long revenue, long refunded, int failedCharges) {

    static final Contribution NONE = new Contribution(0, 0, 0, 0, 0, 0);

    Contribution plus(Contribution other) {
      return new Contribution(
          mrr + other.mrr,
          active + other.active,
          trialing + other.trialing,
          revenue + other.revenue,
          refunded + other.refunded,
          failedCharges + other.failedCharges);
    }
  }

  /** One state of an object, carried by one event. */
  public record State(
      String eventId,
      String eventType,
      long created,
      int number,
      boolean deleted,
      Contribution contribution,
      String body) {}

  /** One mirrored object of one org (index into the run's orgs) and its states, oldest first. */
  public record StripeObject(int org, ObjectType type, String id, List<State> states) {}

  /** One delivery of an event to an org. */
  public record Delivery(int org, State event) {}

  private final List<StripeObject> objects;
  private final List<Delivery> deliveries;
  private final int redeliveries;

  private LoadEvents(List<StripeObject> objects, List<Delivery> deliveries, int redeliveries) {
    this.objects = List.copyOf(objects);
    this.deliveries = List.copyOf(deliveries);
    this.redeliveries = redeliveries;
  }

  /**
   * The events of a run: {@code deliveries} in all over {@code orgs} orgs, of which {@code
   * redeliveryShare} are redeliveries, ids tagged with {@code tag}, times just before {@code now}.
   */
  public static LoadEvents plan(
      int orgs, int deliveries, double redeliveryShare, String tag, Instant now, long seed) {
    if (orgs < 1 || deliveries < 1 || redeliveryShare < 0 || redeliveryShare >= 1) {
      throw new IllegalArgumentException("orgs and deliveries must be positive, the share < 1");
    }
    Random random = new Random(seed);
    int redeliveries = (int) Math.round(deliveries * redeliveryShare);
    int distinct = deliveries - redeliveries;
    long base = now.getEpochSecond() - 600;
    long objectsCreated = now.getEpochSecond() - 3600;
    List<StripeObject> objects = new ArrayList<>();
    for (int org = 0; org < orgs; org++) {
      int budget = distinct / orgs + (org < distinct % orgs ? 1 : 0);
      Builder builder = new Builder(org, tag, base, objectsCreated);
      for (int n = 0; budget > 0; n++) {
        StripeObject object = builder.object(n, budget);
        budget -= object.states().size();
        objects.add(object);
      }
    }
    // Each object starts at a random place in the run and its states follow one another a place
    // apart, plus a jitter of up to 1.5: orgs and objects interleave, every part of the run (a
    // time-bounded run's first part too) holds every kind of state, the states of an object are
    // often in flight at once, and one state in five or so arrives after the next one.
    Map<Delivery, Double> position = new HashMap<>();
    for (StripeObject object : objects) {
      double start = random.nextDouble() * objects.size();
      for (State state : object.states()) {
        position.put(
            new Delivery(object.org(), state),
            start + state.number() + random.nextDouble() * JITTER);
      }
    }
    List<Delivery> order = new ArrayList<>(position.keySet());
    order.sort(Comparator.comparingDouble(position::get));
    for (int i = 0; i < redeliveries; i++) {
      int original = random.nextInt(order.size());
      int at = Math.min(order.size(), original + 1 + random.nextInt(REDELIVERY_SPREAD));
      order.add(at, order.get(original));
    }
    return new LoadEvents(objects, order, redeliveries);
  }

  public List<StripeObject> objects() {
    return objects;
  }

  /** Every delivery, in the order they are to be sent. */
  public List<Delivery> deliveries() {
    return deliveries;
  }

  /** How many deliveries repeat an event delivered before. */
  public int redeliveries() {
    return redeliveries;
  }

  /** Makes the objects of one org, cycling through the kinds. */
  private static final class Builder {

    private static final int KINDS = 7;

    private final int org;
    private final String prefix;
    private final String eventPrefix;
    private final long base;
    private final long objectsCreated;
    private int events;

    Builder(int org, String tag, long base, long objectsCreated) {
      this.org = org;
      this.prefix = "ld" + tag + "o" + org + "n";
      this.eventPrefix = "evt_ld" + tag + "o" + org + "e";
      this.base = base;
      this.objectsCreated = objectsCreated;
    }

    /** Object {@code n} of the org, with at most {@code budget} states. */
    StripeObject object(int n, int budget) {
      int round = n / KINDS;
      return switch (n % KINDS) {
        case 0 -> customer(round, budget);
        case 1 -> product(round, budget);
        case 2 -> price(round, budget);
        case 3 -> subscription(round, budget);
        case 4 -> invoice(round, budget);
        case 5 -> charge(round, budget);
        default -> refund(round, budget);
      };
    }

    private StripeObject customer(int n, int budget) {
      String id = "cus_" + prefix + n;
      List<State> states = new ArrayList<>();
      String[] types =
          n % 4 == 3
              ? new String[] {"customer.created", "customer.updated", "customer.deleted"}
              : new String[] {"customer.created", "customer.updated"};
      for (int s = 0; s < types.length && s < budget; s++) {
        ObjectNode customer = object(id, "customer", s);
        customer.put("email", id + "-" + s + "@load.test");
        customer.put("name", "Load customer " + n + " state " + s);
        customer.put("currency", "usd");
        customer.put("delinquent", false);
        states.add(state(types[s], s, types[s].endsWith(".deleted"), Contribution.NONE, customer));
      }
      return new StripeObject(org, ObjectType.CUSTOMER, id, states);
    }

    private StripeObject product(int n, int budget) {
      String id = "prod_" + prefix + n;
      List<State> states = new ArrayList<>();
      String[] types = {"product.created", "product.updated"};
      for (int s = 0; s < types.length && s < budget; s++) {
        ObjectNode product = object(id, "product", s);
        product.put("active", s == 0 || n % 2 == 0);
        product.put("name", "Load product " + n + " state " + s);
        states.add(state(types[s], s, false, Contribution.NONE, product));
      }
      return new StripeObject(org, ObjectType.PRODUCT, id, states);
    }

    private StripeObject price(int n, int budget) {
      String id = "price_" + prefix + n;
      ObjectNode price = object(id, "price", 0);
      price.put("active", true);
      price.put("currency", "usd");
      price.put("unit_amount", unitAmount(n));
      price.put("product", "prod_" + prefix + n);
      price.put("type", "recurring");
      recurring(price);
      return new StripeObject(
          org,
          ObjectType.PRICE,
          id,
          budget > 0
              ? List.of(state("price.created", 0, false, Contribution.NONE, price))
              : List.of());
    }

    /** Trialing with one seat, then active with two, and every third one cancelled. */
    private StripeObject subscription(int n, int budget) {
      String id = "sub_" + prefix + n;
      List<State> states = new ArrayList<>();
      String[] types =
          n % 3 == 2
              ? new String[] {
                "customer.subscription.created",
                "customer.subscription.updated",
                "customer.subscription.deleted"
              }
              : new String[] {"customer.subscription.created", "customer.subscription.updated"};
      String[] statuses = {"trialing", "active", "canceled"};
      long unitAmount = unitAmount(n);
      for (int s = 0; s < types.length && s < budget; s++) {
        int quantity = s == 0 ? 1 : 2;
        ObjectNode subscription = object(id, "subscription", s);
        subscription.put("customer", "cus_" + prefix + n);
        subscription.put("status", statuses[s]);
        subscription.put("currency", "usd");
        ObjectNode items = subscription.putObject("items");
        items.put("object", "list");
        ObjectNode item = items.putArray("data").addObject();
        item.put("id", "si_" + prefix + n);
        item.put("object", "subscription_item");
        item.put("quantity", quantity);
        ObjectNode price = item.putObject("price");
        price.put("id", "price_" + prefix + n);
        price.put("object", "price");
        price.put("currency", "usd");
        price.put("unit_amount", unitAmount);
        recurring(price);
        Contribution contribution =
            switch (statuses[s]) {
              case "active" -> new Contribution(unitAmount * quantity, 1, 0, 0, 0, 0);
              case "trialing" -> new Contribution(0, 0, 1, 0, 0, 0);
              default -> Contribution.NONE;
            };
        // customer.subscription.deleted: the subscription ended, mirrored as cancelled (no
        // tombstone).
        states.add(state(types[s], s, false, contribution, subscription));
      }
      return new StripeObject(org, ObjectType.SUBSCRIPTION, id, states);
    }

    private StripeObject invoice(int n, int budget) {
      String id = "in_" + prefix + n;
      List<State> states = new ArrayList<>();
      String[] types = {"invoice.finalized", "invoice.paid"};
      String[] statuses = {"open", "paid"};
      for (int s = 0; s < types.length && s < budget; s++) {
        ObjectNode invoice = object(id, "invoice", s);
        invoice.put("customer", "cus_" + prefix + n);
        invoice.put("status", statuses[s]);
        invoice.put("currency", "usd");
        invoice.put("amount_due", chargeAmount(n));
        invoice.put("amount_paid", s == 1 ? chargeAmount(n) : 0);
        states.add(state(types[s], s, false, Contribution.NONE, invoice));
      }
      return new StripeObject(org, ObjectType.INVOICE, id, states);
    }

    /** Succeeded then partly refunded; every fifth one failed instead. */
    private StripeObject charge(int n, int budget) {
      String id = "ch_" + prefix + n;
      long amount = chargeAmount(n);
      List<State> states = new ArrayList<>();
      boolean fails = n % 5 == 4;
      String[] types =
          fails
              ? new String[] {"charge.failed"}
              : new String[] {"charge.succeeded", "charge.refunded"};
      for (int s = 0; s < types.length && s < budget; s++) {
        ObjectNode charge = object(id, "charge", s);
        charge.put("customer", "cus_" + prefix + n);
        charge.put("status", fails ? "failed" : "succeeded");
        charge.put("captured", !fails);
        charge.put("currency", "usd");
        charge.put("amount", amount);
        charge.put("amount_refunded", s == 1 ? refundAmount(n) : 0);
        charge.put("refunded", false);
        Contribution contribution =
            fails ? new Contribution(0, 0, 0, 0, 0, 1) : new Contribution(0, 0, 0, amount, 0, 0);
        states.add(state(types[s], s, false, contribution, charge));
      }
      return new StripeObject(org, ObjectType.CHARGE, id, states);
    }

    private StripeObject refund(int n, int budget) {
      String id = "re_" + prefix + n;
      ObjectNode refund = object(id, "refund", 0);
      refund.put("charge", "ch_" + prefix + n);
      refund.put("status", "succeeded");
      refund.put("currency", "usd");
      refund.put("amount", refundAmount(n));
      return new StripeObject(
          org,
          ObjectType.REFUND,
          id,
          budget > 0
              ? List.of(
                  state(
                      "refund.created",
                      0,
                      false,
                      new Contribution(0, 0, 0, 0, refundAmount(n), 0),
                      refund))
              : List.of());
    }

    private ObjectNode object(String id, String objectName, int state) {
      ObjectNode object = Json.MAPPER.createObjectNode();
      object.put("id", id);
      object.put("object", objectName);
      object.put("created", objectsCreated);
      object.put("livemode", false);
      object.putObject("metadata").put("load_state", Integer.toString(state));
      return object;
    }

    private State state(
        String type, int number, boolean deleted, Contribution contribution, ObjectNode object) {
      String eventId = eventPrefix + events++;
      long created = base + number;
      return new State(
          eventId,
          type,
          created,
          number,
          deleted,
          contribution,
          WebhookRequests.event(eventId, type, created, false, Json.write(object)));
    }

    private static void recurring(ObjectNode price) {
      ObjectNode recurring = price.putObject("recurring");
      recurring.put("interval", "month");
      recurring.put("interval_count", 1);
      recurring.put("usage_type", "licensed");
    }

    private static long unitAmount(int n) {
      return 1000 + 100L * (n % 7);
    }

    private static long chargeAmount(int n) {
      return 2000 + 10L * n;
    }

    private static long refundAmount(int n) {
      return 300 + n;
    }
  }
}
