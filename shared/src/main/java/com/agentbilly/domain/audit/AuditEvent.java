package com.agentbilly.domain.audit;

import java.util.Map;
import java.util.Objects;

/**
 * Something to append to an org's audit log.
 *
 * @param action e.g. {@code key.connected}, {@code access.denied}
 * @param target what was acted on, e.g. {@code key:viewer} or a route; may be null
 * @param keyPurpose the Stripe key purpose used or affected, or null
 * @param details small JSON-compatible values (strings, integers, booleans, lists, maps); never a
 *     key, secret or token
 */
public record AuditEvent(
    AuditActor actor,
    String action,
    String target,
    AuditOutcome outcome,
    String keyPurpose,
    String requestId,
    Map<String, Object> details) {

  public AuditEvent {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(outcome, "outcome");
    details = details == null ? Map.of() : Map.copyOf(details);
  }
}
