package com.agentbilly.api.actions;

import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.Json;
import com.agentbilly.port.StripeActions;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A Stripe account in memory for the actions: charges with their refunds, subscriptions with their
 * items, a record of every write (which key, which idempotency key), and a switch that makes the
 * next call fail. Like localstripe, it ignores idempotency keys: exactly-once is ours to prove.
 */
final class FakeStripeActions implements StripeActions {

  /** One write sent to Stripe. */
  record Write(String what, String key, String idempotencyKey) {}

  /** The key allowed to write (the manager key); any other key is refused like Stripe does. */
  static final String MANAGER_KEY = "rk_test_fakeManager0000000000000000000001";

  static final String VIEWER_KEY = "rk_test_fakeViewer00000000000000000000002";

  private final Map<String, List<ObjectNode>> refundsByCharge = new LinkedHashMap<>();
  private final Map<String, ObjectNode> subscriptions = new HashMap<>();
  private final List<Write> writes = new ArrayList<>();
  private final List<String> keysUsed = new ArrayList<>();
  private Failed nextFailure;
  private Consumer<String> duringWrite = what -> {};
  private int sequence;

  synchronized void addCharge(String charge) {
    refundsByCharge.put(charge, new ArrayList<>());
  }

  synchronized void addSubscription(String id, String... items) {
    ObjectNode subscription = Json.MAPPER.createObjectNode();
    subscription.put("id", id).put("object", "subscription").put("status", "active");
    subscription.put("created", 1_790_000_000L).put("cancel_at_period_end", false);
    ArrayNode data = subscription.putObject("items").putArray("data");
    for (String item : items) {
      data.addObject().put("id", item).put("object", "subscription_item").put("quantity", 1);
    }
    subscriptions.put(id, subscription);
  }

  /** The next call fails with this. */
  synchronized void failNext(FailureKind kind, String message) {
    nextFailure = new Failed(kind, message);
  }

  /** Runs while a write is being made (after Stripe did it, before it answers). */
  void duringWrite(Consumer<String> action) {
    this.duringWrite = action;
  }

  synchronized List<ObjectNode> refunds(String charge) {
    return List.copyOf(refundsByCharge.get(charge));
  }

  synchronized List<Write> writes() {
    return List.copyOf(writes);
  }

  synchronized List<String> keysUsed() {
    return List.copyOf(keysUsed);
  }

  synchronized ObjectNode subscription(String id) {
    return subscriptions.get(id);
  }

  @Override
  public String createRefund(String key, Refund refund, String idempotencyKey) {
    ObjectNode created;
    synchronized (this) {
      checkWrite(key, "rak_refund_write");
      List<ObjectNode> refunds = refundsByCharge.get(refund.charge());
      if (refunds == null) {
        throw new Failed(FailureKind.RESOURCE_MISSING, "No such charge: '" + refund.charge() + "'");
      }
      created = Json.MAPPER.createObjectNode();
      created.put("id", "re_fake" + (++sequence)).put("object", "refund");
      created
          .put("charge", refund.charge())
          .put("amount", refund.amount() == null ? 5000 : refund.amount());
      created
          .put("currency", "usd")
          .put("created", 1_790_000_000L + sequence)
          .put("status", "succeeded");
      created.putObject("metadata").put(REQUEST_MARKER, refund.marker());
      refunds.add(created);
      writes.add(new Write("refund " + refund.charge(), key, idempotencyKey));
    }
    duringWrite.accept("refund");
    return created.toString();
  }

  @Override
  public synchronized Optional<String> findRefund(String key, String charge, String marker) {
    use(key);
    return refundsByCharge.getOrDefault(charge, List.of()).stream()
        .filter(refund -> marker.equals(refund.path("metadata").path(REQUEST_MARKER).asText()))
        .map(ObjectNode::toString)
        .findFirst();
  }

  @Override
  public synchronized String retrieve(String key, ObjectType type, String id) {
    use(key);
    if (type == ObjectType.CHARGE && refundsByCharge.containsKey(id)) {
      ObjectNode charge = Json.MAPPER.createObjectNode();
      long refunded =
          refundsByCharge.get(id).stream()
              .mapToLong(refund -> refund.path("amount").asLong())
              .sum();
      charge.put("id", id).put("object", "charge").put("amount", 5000).put("currency", "usd");
      charge.put("created", 1_790_000_000L).put("amount_refunded", refunded);
      return charge.toString();
    }
    if (type == ObjectType.SUBSCRIPTION && subscriptions.containsKey(id)) {
      return subscriptions.get(id).toString();
    }
    throw new Failed(
        FailureKind.RESOURCE_MISSING, "No such " + type.objectName() + ": '" + id + "'");
  }

  @Override
  public synchronized String updateSubscription(
      String key, String subscription, SubscriptionChange change, String idempotencyKey) {
    checkWrite(key, "rak_subscription_write");
    ObjectNode current = existing(subscription);
    writes.add(new Write("update " + subscription + " " + change, key, idempotencyKey));
    for (var item : current.path("items").path("data")) {
      if (item.path("id").asText().equals(change.item()) && change.quantity() != null) {
        ((ObjectNode) item).put("quantity", change.quantity());
      }
    }
    return current.toString();
  }

  @Override
  public synchronized String cancelSubscription(
      String key, String subscription, boolean atPeriodEnd, String idempotencyKey) {
    checkWrite(key, "rak_subscription_write");
    ObjectNode current = existing(subscription);
    writes.add(new Write("cancel " + subscription + " " + atPeriodEnd, key, idempotencyKey));
    if (atPeriodEnd) {
      current.put("cancel_at_period_end", true);
    } else {
      current.put("status", "canceled");
    }
    return current.toString();
  }

  private ObjectNode existing(String subscription) {
    ObjectNode current = subscriptions.get(subscription);
    if (current == null) {
      throw new Failed(
          FailureKind.RESOURCE_MISSING, "No such subscription: '" + subscription + "'");
    }
    return current;
  }

  private void checkWrite(String key, String permission) {
    use(key);
    if (!MANAGER_KEY.equals(key)) {
      throw new Failed(
          FailureKind.PERMISSION_DENIED,
          "The provided key 'rk_test_***' does not have the required permissions for this"
              + " endpoint on account 'acct_fake'. Having the '"
              + permission
              + "' permission would allow this request to continue.");
    }
  }

  private void use(String key) {
    keysUsed.add(key);
    if (nextFailure != null) {
      Failed failure = nextFailure;
      nextFailure = null;
      throw failure;
    }
  }
}
