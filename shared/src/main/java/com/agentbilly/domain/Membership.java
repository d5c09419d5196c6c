package com.agentbilly.domain;

import java.time.Instant;
import java.util.Objects;

/** A user's role in one org. The org's name is carried along so {@code GET /me} is one query. */
public record Membership(
    OrgId orgId, String orgName, String userId, String username, Role role, Instant joinedAt) {

  public Membership {
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(orgName, "orgName");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(joinedAt, "joinedAt");
  }
}
