package com.agentbilly.domain.invitations;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Random lower-case base32 strings, for invitation ids and codes. */
final class RandomIds {

  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private RandomIds() {}

  /** {@code bytes} random bytes from {@code random}, base32 without padding. */
  static String base32(SecureRandom random, int bytes) {
    byte[] raw = new byte[bytes];
    random.nextBytes(raw);
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : raw) {
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
    return out.toString();
  }

  static Pattern shape(String prefix, int length) {
    return Pattern.compile(Pattern.quote(prefix) + "[a-z2-7]{" + length + "}");
  }
}
