package com.agentbilly.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.Access.Decision.Outcome;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessTest {

  @ParameterizedTest(name = "{0} as {1} -> {2}")
  @CsvSource({
    "SIGNED_IN, none, ALLOWED",
    "SIGNED_IN, viewer, ALLOWED",
    "VIEWER, none, NOT_FOUND",
    "VIEWER, viewer, ALLOWED",
    "VIEWER, manager, ALLOWED",
    "VIEWER, owner, ALLOWED",
    "MANAGER, none, NOT_FOUND",
    "MANAGER, viewer, FORBIDDEN",
    "MANAGER, manager, ALLOWED",
    "MANAGER, owner, ALLOWED",
    "OWNER, none, NOT_FOUND",
    "OWNER, viewer, FORBIDDEN",
    "OWNER, manager, FORBIDDEN",
    "OWNER, owner, ALLOWED",
  })
  void decidesByMinimumRoleAndHidesOrgsFromNonMembers(
      Access access, String role, Outcome expected) {
    assertThat(access.decide(role(role), "user-1", null).outcome()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} acting on {1} -> {2}")
  @CsvSource({
    "viewer, self, ALLOWED",
    "manager, self, ALLOWED",
    "owner, self, ALLOWED",
    "viewer, other, FORBIDDEN",
    "manager, other, FORBIDDEN",
    "owner, other, ALLOWED",
    "none, self, NOT_FOUND",
  })
  void selfOrOwnerLetsAnyMemberLeaveButOnlyOwnersRemoveOthers(
      String role, String target, Outcome expected) {
    String targetId = target.equals("self") ? "user-1" : "user-2";
    assertThat(Access.SELF_OR_OWNER.decide(role(role), "user-1", targetId).outcome())
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"MANAGER, viewer, MANAGER", "OWNER, manager, OWNER", "OWNER, viewer, OWNER"})
  void forbiddenNamesTheRoleNeeded(Access access, String role, Role needed) {
    assertThat(access.decide(role(role), "user-1", null).needed()).isEqualTo(needed);
  }

  private static Optional<Role> role(String name) {
    return name.equals("none") ? Optional.empty() : Role.fromWireName(name);
  }
}
