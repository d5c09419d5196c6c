package com.agentbilly.domain;

import java.util.Optional;

/** Who may call a route: any signed-in user, or a member of the route's org with a minimum role. */
public enum Access {
  /** Any signed-in user; the route is not under an org. */
  SIGNED_IN(null),
  VIEWER(Role.VIEWER),
  OPERATOR(Role.OPERATOR),
  MANAGER(Role.MANAGER),
  OWNER(Role.OWNER),
  /** Any member acting on their own {@code user_id} (leaving), otherwise an owner. */
  SELF_OR_OWNER(Role.VIEWER);

  private final Role minimum;

  Access(Role minimum) {
    this.minimum = minimum;
  }

  /** The smallest role that can ever pass; empty for {@link #SIGNED_IN}. */
  public Optional<Role> minimum() {
    return Optional.ofNullable(minimum);
  }

  /**
   * Decides a request. A non-member is told the org does not exist (no existence leak); a member
   * whose role is too low is told which role is needed.
   *
   * @param callerRole the caller's role in the route's org, empty when not a member
   * @param callerId the caller's user id
   * @param targetUserId the {@code user_id} path parameter, or null when the route has none
   */
  public Decision decide(Optional<Role> callerRole, String callerId, String targetUserId) {
    if (this == SIGNED_IN) {
      return Decision.allowed();
    }
    if (callerRole.isEmpty()) {
      return Decision.notFound();
    }
    Role role = callerRole.get();
    Role needed = this == SELF_OR_OWNER && !callerId.equals(targetUserId) ? Role.OWNER : minimum;
    return role.atLeast(needed) ? Decision.allowed() : Decision.forbidden(needed);
  }

  /** The outcome of {@link #decide}. {@code needed} is set only when forbidden. */
  public record Decision(Outcome outcome, Role needed) {

    public enum Outcome {
      ALLOWED,
      NOT_FOUND,
      FORBIDDEN
    }

    static Decision allowed() {
      return new Decision(Outcome.ALLOWED, null);
    }

    static Decision notFound() {
      return new Decision(Outcome.NOT_FOUND, null);
    }

    static Decision forbidden(Role needed) {
      return new Decision(Outcome.FORBIDDEN, needed);
    }

    public boolean isAllowed() {
      return outcome == Outcome.ALLOWED;
    }
  }
}
