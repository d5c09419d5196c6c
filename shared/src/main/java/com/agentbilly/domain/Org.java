package com.agentbilly.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A team that connects one Stripe account.
 *
 * @param stripeAccount the Stripe account recorded with the org's first key; null until then
 * @param webhookConfigured whether a webhook signing secret is stored for the org
 */
public record Org(
    OrgId id,
    String name,
    Mode mode,
    String stripeAccount,
    boolean webhookConfigured,
    Instant createdAt,
    String createdBy) {

  public Org {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(createdBy, "createdBy");
  }

  public Optional<String> stripeAccountIfKnown() {
    return Optional.ofNullable(stripeAccount);
  }
}
