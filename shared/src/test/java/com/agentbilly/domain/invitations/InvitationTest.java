package com.agentbilly.domain.invitations;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.Caller;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InvitationTest {

  private static final Instant CREATED = Instant.parse("2026-11-01T09:00:00Z");
  private final Invitation invitation =
      new Invitation(
          "inv_aaaaaaaaaaaaaaaaaaaaaaaaaa",
          new OrgId("org_aaaaaaaaaaaaaaaaaaaaaaaaaa"),
          "Org",
          "ann@example.test",
          Role.MANAGER,
          "00",
          CREATED,
          CREATED.plus(Invitation.VALIDITY),
          "owner@example.test");

  @Test
  void isOpenForSevenDaysAndNotAtItsExpiry() {
    assertThat(invitation.isOpenAt(CREATED)).isTrue();
    assertThat(invitation.isOpenAt(Instant.parse("2026-11-08T08:59:59Z"))).isTrue();
    assertThat(invitation.isOpenAt(Instant.parse("2026-11-08T09:00:00Z"))).isFalse();
  }

  @Test
  void isAddressedToTheVerifiedEmailWhateverItsCase() {
    assertThat(invitation.isAddressedTo(new Caller("u1", "ann", "Ann@Example.TEST", true)))
        .isTrue();
    assertThat(invitation.isAddressedTo(new Caller("u1", "ann", " ann@example.test ", true)))
        .isTrue();
  }

  @Test
  void isNotAddressedToAnotherOrAnUnverifiedOrAMissingEmail() {
    assertThat(invitation.isAddressedTo(new Caller("u1", "ann", "bob@example.test", true)))
        .isFalse();
    assertThat(invitation.isAddressedTo(new Caller("u1", "ann", "ann@example.test", false)))
        .isFalse();
    assertThat(invitation.isAddressedTo(new Caller("u1", "ann", null, true))).isFalse();
  }

  @Test
  void emailsAreNormalisedAndCheckedForShape() {
    assertThat(InvitationEmail.normalise("  Ann@Example.Test ")).isEqualTo("ann@example.test");
    assertThat(InvitationEmail.isWellFormed("ann@example.test")).isTrue();
    assertThat(InvitationEmail.isWellFormed("Ann.B+tag@sub.example.test")).isTrue();
    for (String bad :
        new String[] {
          "",
          "ann",
          "ann@",
          "@example.test",
          "ann@example",
          "ann@@example.test",
          "an n@example.test",
          "ann@example..test",
          "a".repeat(250) + "@example.test"
        }) {
      assertThat(InvitationEmail.isWellFormed(bad)).as(bad).isFalse();
    }
  }
}
