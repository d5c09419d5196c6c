package com.agentbilly.domain;

import java.util.Locale;
import java.util.Optional;

/** A member's role in an org. Each role includes every permission of the roles below it. */
public enum Role {
  VIEWER,
  /** Changes subscriptions (quantity, price, pause); nothing that moves money or ends one. */
  OPERATOR,
  MANAGER,
  OWNER;

  /** True when this role grants at least what {@code minimum} grants. */
  public boolean atLeast(Role minimum) {
    return compareTo(minimum) >= 0;
  }

  /**
   * The role's name on the wire and in storage: {@code owner}, {@code manager}, {@code operator},
   * {@code viewer}.
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; empty for anything else (including different case). */
  public static Optional<Role> fromWireName(String value) {
    for (Role role : values()) {
      if (role.wireName().equals(value)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
