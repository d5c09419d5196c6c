package com.agentbilly.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class OrgIdTest {

  @Test
  void generatedIdsCarry128RandomBitsInBase32() {
    OrgId id = OrgId.generate(new SecureRandom());
    // 26 base32 characters = 130 bits of room for the 128 random bits.
    assertThat(id.value()).matches("org_[a-z2-7]{26}");
  }

  @Test
  void generatedIdsDoNotRepeat() {
    SecureRandom random = new SecureRandom();
    Set<String> ids = new HashSet<>();
    IntStream.range(0, 10_000).forEach(i -> ids.add(OrgId.generate(random).value()));
    assertThat(ids).hasSize(10_000);
  }

  @Test
  void encodesEveryBitOfTheRandomBytes() {
    // All-zero and all-one inputs pin the encoding at both ends.
    assertThat(OrgId.generate(fixed((byte) 0)).value()).isEqualTo("org_" + "a".repeat(26));
    assertThat(OrgId.generate(fixed((byte) 0xff)).value()).isEqualTo("org_" + "7".repeat(25) + "4");
  }

  @Property
  void anythingThatIsNotAnOrgIdIsRefused(@ForAll String candidate) {
    if (!candidate.matches("org_[a-z2-7]{26}")) {
      assertThat(OrgId.isWellFormed(candidate)).isFalse();
      assertThatThrownBy(() -> new OrgId(candidate)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static SecureRandom fixed(byte value) {
    return new SecureRandom() {
      private static final long serialVersionUID = 1L;

      @Override
      public void nextBytes(byte[] bytes) {
        java.util.Arrays.fill(bytes, value);
      }
    };
  }
}
