package com.agentbilly.domain.invitations;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InvitationCodeTest {

  private final SecureRandom random = new SecureRandom();

  @Test
  void aCodeCarries160RandomBitsAsBase32() {
    Set<String> codes = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String code = InvitationCode.generate(random).reveal();
      assertThat(code).matches("invite_[a-z2-7]{32}");
      codes.add(code);
    }
    assertThat(codes).hasSize(1000);
  }

  @Test
  void theHashIsTheSha256OfTheCodeInHex() {
    // sha256("abc"), the FIPS 180-2 test vector
    assertThat(InvitationCode.presented("abc").hash())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void theSameCodeAlwaysHashesTheSameAndAnotherCodeDifferently() {
    InvitationCode code = InvitationCode.generate(random);
    assertThat(InvitationCode.presented(code.reveal()).hash()).isEqualTo(code.hash());
    assertThat(InvitationCode.presented(code.reveal() + "x").hash()).isNotEqualTo(code.hash());
    assertThat(code.hash()).doesNotContain(code.reveal().substring("invite_".length()));
  }

  @Test
  void printingACodeNeverShowsIt() {
    InvitationCode code = InvitationCode.generate(random);
    assertThat(code.toString()).isEqualTo("InvitationCode[redacted]");
    assertThat(String.valueOf(code)).doesNotContain(code.reveal());
  }

  @Test
  void invitationIdsAreWellFormedAndTellApartFromOtherStrings() {
    String id = InvitationIds.generate(random);
    assertThat(id).matches("inv_[a-z2-7]{26}");
    assertThat(InvitationIds.isWellFormed(id)).isTrue();
    assertThat(InvitationIds.isWellFormed("inv_" + "A".repeat(26))).isFalse();
    assertThat(InvitationIds.isWellFormed(id + "a")).isFalse();
    assertThat(InvitationIds.isWellFormed(null)).isFalse();
  }
}
