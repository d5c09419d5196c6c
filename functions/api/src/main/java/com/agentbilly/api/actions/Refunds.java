package com.agentbilly.api.actions;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.limits.RefundLimits;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.Json;
import com.agentbilly.port.IdempotencyStore.DailyReservation;
import com.agentbilly.port.RefundLimitStore;
import com.agentbilly.port.StripeActions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A refund at Stripe, then the refund and its charge read back into the mirror. A recovery attempt
 * first looks for a refund of the charge that carries this request's marker — the one an earlier
 * attempt created before its answer could be recorded — and adopts it instead of refunding twice
 * (Stripe's idempotency key covers this for 24 hours; the marker does not rely on it).
 */
final class Refunds {

  private final StripeActions stripe;
  private final MirrorWriteBack mirror;
  private final RefundLimitStore limits;
  private final Clock clock;

  Refunds(StripeActions stripe, MirrorWriteBack mirror, RefundLimitStore limits, Clock clock) {
    this.stripe = stripe;
    this.mirror = mirror;
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * @param role the caller's role: a manager's refund meets the org's limits, an owner's does not
   */
  ManagerAction action(OrgId org, Role role, RefundCommand command) {
    return new ManagerAction() {
      @Override
      public Limit limit(String key) {
        return role == Role.MANAGER ? limitFor(org, command, key) : Limit.NONE;
      }

      @Override
      public String auditAction() {
        return "refund.created";
      }

      @Override
      public String intentAction() {
        return "refund.requested";
      }

      @Override
      public String target() {
        return "charge:" + command.charge();
      }

      @Override
      public Map<String, Object> requestDetails() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("charge", command.charge());
        if (command.amount() != null) {
          details.put("amount", command.amount());
        }
        if (command.reason() != null) {
          details.put("reason", command.reason());
        }
        return details;
      }

      @Override
      public Done perform(Attempt attempt) {
        return refund(org, command, attempt);
      }
    };
  }

  /**
   * The org's limits for this refund: its amount (the one asked for, else what is left of the
   * charge — amount less amount_refunded, from the mirror, or from Stripe when the mirror lacks the
   * charge) against the charge currency's limits. The charge is read only when the org has limits.
   */
  private ManagerAction.Limit limitFor(OrgId org, RefundCommand command, String key) {
    RefundLimits orgLimits = limits.get(org);
    if (orgLimits.isEmpty()) {
      return ManagerAction.Limit.NONE;
    }
    JsonNode charge = charge(org, command.charge(), key);
    String currency = charge.path("currency").asText();
    long amount =
        command.amount() != null
            ? command.amount()
            : charge.path("amount").asLong() - charge.path("amount_refunded").asLong();
    if (amount < 1) {
      return ManagerAction.Limit.NONE; // nothing left to refund: Stripe refuses it
    }
    Optional<RefundLimits.Exceeded> exceeded = orgLimits.check(currency, amount);
    if (exceeded.isPresent()) {
      return ManagerAction.Limit.refused(exceeded.get());
    }
    return orgLimits
        .dailyLimit(currency)
        .map(
            daily ->
                ManagerAction.Limit.reserve(
                    new DailyReservation(
                        currency,
                        LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC),
                        amount,
                        daily)))
        .orElse(ManagerAction.Limit.NONE);
  }

  private JsonNode charge(OrgId org, String id, String key) {
    Optional<MirrorItem> stored = mirror.stored(org, ObjectType.CHARGE, id);
    if (stored.isPresent() && !stored.get().deleted()) {
      JsonNode charge = parse(stored.get().json());
      if (charge.path("currency").isTextual() && charge.path("amount").isIntegralNumber()) {
        return charge;
      }
    }
    return parse(stripe.retrieve(key, ObjectType.CHARGE, id));
  }

  private ManagerAction.Done refund(
      OrgId org, RefundCommand command, ManagerAction.Attempt attempt) {
    String marker = attempt.stripeIdempotencyKey();
    Instant startedAt = clock.instant();
    Optional<String> earlier =
        attempt.recovery()
            ? stripe.findRefund(attempt.key(), command.charge(), marker)
            : Optional.empty();
    String json;
    if (earlier.isPresent()) {
      json = earlier.get();
    } else {
      attempt.aboutToWrite();
      json =
          stripe.createRefund(
              attempt.key(),
              new StripeActions.Refund(
                  command.charge(), command.amount(), command.reason(), marker),
              attempt.stripeIdempotencyKey());
    }
    JsonNode refund = parse(json);
    mirror.write(org, ObjectType.REFUND, refund, startedAt);
    mirror.readBack(
        org,
        ObjectType.CHARGE,
        () -> stripe.retrieve(attempt.key(), ObjectType.CHARGE, command.charge()));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("refund", refund.path("id").asText());
    details.put("refunded_amount", refund.path("amount").asLong());
    details.put("currency", refund.path("currency").asText());
    details.put("adopted", earlier.isPresent());
    return new ManagerAction.Done(
        201, Map.of("refund", refund), "refund:" + refund.path("id").asText(), details);
  }

  static JsonNode parse(String json) {
    try {
      return Json.read(json);
    } catch (JsonProcessingException e) {
      throw new StripeActions.Failed(
          StripeActions.FailureKind.UNAVAILABLE, "Stripe answered with a body that is not JSON.");
    }
  }
}
