package com.agentbilly.domain.audit;

import java.util.Objects;

/**
 * Who did an audited action.
 *
 * @param role the actor's role in the org at the time, or null when they had none (e.g. creating
 *     the org)
 */
public record AuditActor(String userId, String username, String role) {

  public AuditActor {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(username, "username");
  }
}
