package com.agentbilly.config;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Fingerprints of connected Stripe keys: an HMAC-SHA256 under the stack's fingerprint key, so the
 * table can tell whether the same key is connected twice (or was connected before) without holding
 * anything that would help to guess the key. Deterministic for one stack, unrelated across stacks.
 */
public final class KeyFingerprints {

  private static final String ALGORITHM = "HmacSHA256";
  private static final int HEX_CHARS = 32;

  private final Supplier<byte[]> key;

  /**
   * @param key supplies the HMAC key, e.g. {@code stackSecrets::fingerprintKey}; asked on every
   *     fingerprint, so a reloaded key takes effect at once
   */
  public KeyFingerprints(Supplier<byte[]> key) {
    this.key = Objects.requireNonNull(key, "key");
  }

  /**
   * {@code "fp_"} followed by the first 32 hex characters (128 bits) of HMAC-SHA256(fingerprint
   * key, {@code stripeKey}).
   */
  public String fingerprint(String stripeKey) {
    Objects.requireNonNull(stripeKey, "stripeKey");
    byte[] digest;
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key.get(), ALGORITHM));
      digest = mac.doFinal(stripeKey.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
    return "fp_" + HexFormat.of().formatHex(digest, 0, HEX_CHARS / 2);
  }
}
