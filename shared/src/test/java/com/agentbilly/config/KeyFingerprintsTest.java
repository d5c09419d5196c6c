package com.agentbilly.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyFingerprintsTest {

  private static final byte[] STACK_KEY =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01"
          .getBytes(StandardCharsets.US_ASCII);

  @Test
  void isTheFirst128BitsOfHmacSha256InHex() {
    // RFC 4231, test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?").
    KeyFingerprints fingerprints =
        new KeyFingerprints(() -> "Jefe".getBytes(StandardCharsets.US_ASCII));

    assertThat(fingerprints.fingerprint("what do ya want for nothing?"))
        .isEqualTo("fp_5bdcc146bf60754e6a042426089575c7");
  }

  @Test
  void sameKeyGivesTheSameFingerprint() {
    KeyFingerprints fingerprints = new KeyFingerprints(() -> STACK_KEY);

    assertThat(fingerprints.fingerprint("rk_test_51abc"))
        .matches("fp_[0-9a-f]{32}")
        .isEqualTo(new KeyFingerprints(STACK_KEY::clone).fingerprint("rk_test_51abc"));
  }

  @Test
  void differentStripeKeysOrStackKeysGiveDifferentFingerprints() {
    KeyFingerprints fingerprints = new KeyFingerprints(() -> STACK_KEY);
    KeyFingerprints otherStack =
        new KeyFingerprints(
            () ->
                "another stack's 64-character fingerprint key, not this one...."
                    .getBytes(StandardCharsets.US_ASCII));

    assertThat(fingerprints.fingerprint("rk_test_51abc"))
        .isNotEqualTo(fingerprints.fingerprint("rk_test_51abd"))
        .isNotEqualTo(otherStack.fingerprint("rk_test_51abc"));
  }

  @Test
  void neverContainsTheKey() {
    String stripeKey = "rk_test_51abc";

    assertThat(new KeyFingerprints(() -> STACK_KEY).fingerprint(stripeKey))
        .doesNotContain(stripeKey)
        .doesNotContain("51abc");
  }
}
