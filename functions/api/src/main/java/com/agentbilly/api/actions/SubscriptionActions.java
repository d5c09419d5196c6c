package com.agentbilly.api.actions;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.port.StripeActions;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Subscription changes and cancellations at Stripe; the subscription Stripe answers with is its
 * state after the change, written to the mirror at once. Both are safe to repeat with the same
 * values, so a recovery attempt simply sends the same request again (with the same Stripe
 * idempotency key).
 */
final class SubscriptionActions {

  private final StripeActions stripe;
  private final MirrorWriteBack mirror;
  private final Clock clock;

  SubscriptionActions(StripeActions stripe, MirrorWriteBack mirror, Clock clock) {
    this.stripe = stripe;
    this.mirror = mirror;
    this.clock = clock;
  }

  ManagerAction update(OrgId org, String subscription, SubscriptionChangeCommand change) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("subscription", subscription);
    if (change.item() != null) {
      details.put("item", change.item());
    }
    if (change.quantity() != null) {
      details.put("quantity", change.quantity());
    }
    if (change.price() != null) {
      details.put("price", change.price());
    }
    if (change.pauseCollection() != null) {
      details.put(
          "pause_collection",
          change.pauseCollection().behavior() == null
              ? "resume"
              : change.pauseCollection().behavior());
    }
    if (change.prorationBehavior() != null) {
      details.put("proration_behavior", change.prorationBehavior());
    }
    return action(
        "subscription.updated",
        "subscription.update_requested",
        subscription,
        details,
        attempt -> {
          String item =
              change.changesItem() ? itemOf(attempt.key(), subscription, change.item()) : null;
          attempt.aboutToWrite();
          return stripe.updateSubscription(
              attempt.key(),
              subscription,
              new StripeActions.SubscriptionChange(
                  item,
                  change.quantity(),
                  change.price(),
                  change.pauseCollection(),
                  change.prorationBehavior()),
              attempt.stripeIdempotencyKey());
        },
        org);
  }

  ManagerAction cancel(OrgId org, String subscription, CancelCommand cancel) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("subscription", subscription);
    details.put("at_period_end", cancel.atPeriodEnd());
    return action(
        "subscription.canceled",
        "subscription.cancel_requested",
        subscription,
        details,
        attempt -> {
          attempt.aboutToWrite();
          return stripe.cancelSubscription(
              attempt.key(), subscription, cancel.atPeriodEnd(), attempt.stripeIdempotencyKey());
        },
        org);
  }

  /**
   * The item a quantity or price change applies to: the one named (it must be the subscription's),
   * or the only one.
   */
  private String itemOf(String key, String subscription, String named) {
    JsonNode current = Refunds.parse(stripe.retrieve(key, ObjectType.SUBSCRIPTION, subscription));
    List<String> items = new ArrayList<>();
    for (JsonNode item : current.path("items").path("data")) {
      items.add(item.path("id").asText());
    }
    if (named != null) {
      if (!items.contains(named)) {
        throw ApiProblem.validationFailed(Map.of("item", "is not an item of this subscription"));
      }
      return named;
    }
    if (items.size() != 1) {
      throw ApiProblem.validationFailed(
          Map.of(
              "item",
              "is required: the subscription has "
                  + items.size()
                  + " items; name the si_… item to change"));
    }
    return items.getFirst();
  }

  @FunctionalInterface
  private interface StripeWrite {
    String send(ManagerAction.Attempt attempt);
  }

  private ManagerAction action(
      String auditAction,
      String intentAction,
      String subscription,
      Map<String, Object> details,
      StripeWrite write,
      OrgId org) {
    return new ManagerAction() {
      @Override
      public String auditAction() {
        return auditAction;
      }

      @Override
      public String intentAction() {
        return intentAction;
      }

      @Override
      public String target() {
        return "subscription:" + subscription;
      }

      @Override
      public Map<String, Object> requestDetails() {
        return details;
      }

      @Override
      public Done perform(Attempt attempt) {
        Instant startedAt = clock.instant();
        JsonNode after = Refunds.parse(write.send(attempt));
        mirror.write(org, ObjectType.SUBSCRIPTION, after, startedAt);
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("status", after.path("status").asText());
        outcome.put("cancel_at_period_end", after.path("cancel_at_period_end").asBoolean(false));
        return new Done(200, Map.of("subscription", after), target(), outcome);
      }
    };
  }
}
