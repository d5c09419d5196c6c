package com.agentbilly.domain;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An org's identifier: {@code org_} followed by 26 base32 characters carrying 128 random bits, so
 * an org id (and the webhook URL that contains it) cannot be guessed.
 */
public record OrgId(String value) {

  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final int RANDOM_BYTES = 16;
  private static final Pattern SHAPE = Pattern.compile("org_[a-z2-7]{26}");

  public OrgId {
    Objects.requireNonNull(value, "value");
    if (!isWellFormed(value)) {
      throw new IllegalArgumentException("not an org id");
    }
  }

  /** A new id with 128 bits from {@code random}. */
  public static OrgId generate(SecureRandom random) {
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    StringBuilder out = new StringBuilder("org_");
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32[(buffer << (5 - bits)) & 31]);
    }
    return new OrgId(out.toString());
  }

  public static boolean isWellFormed(String value) {
    return value != null && SHAPE.matcher(value).matches();
  }

  @Override
  public String toString() {
    return value;
  }
}
