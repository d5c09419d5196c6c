package com.agentbilly.domain.invitations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The secret that lets its holder accept an invitation: {@code invite_} and 32 base32 characters
 * carrying 160 random bits. It is shown once and stored only as {@link #hash()}.
 *
 * <p>A plain SHA-256 is enough here (no HMAC key needed): the code is random with 160 bits, so its
 * hash cannot be reversed by guessing, and anyone able to read the table still cannot compute a
 * code from it. A keyed hash only adds something for low-entropy secrets such as passwords or
 * emails.
 *
 * <p>{@link #toString()} never shows the code, so it cannot leak through a log line.
 */
public final class InvitationCode {

  private static final String PREFIX = "invite_";
  private static final int RANDOM_BYTES = 20;

  private final String value;

  private InvitationCode(String value) {
    this.value = value;
  }

  /** A new code with 160 bits from {@code random}. */
  public static InvitationCode generate(SecureRandom random) {
    return new InvitationCode(PREFIX + RandomIds.base32(random, RANDOM_BYTES));
  }

  /** A code as a caller presented it; it may be anything, and is only ever hashed and compared. */
  public static InvitationCode presented(String value) {
    return new InvitationCode(Objects.requireNonNull(value, "value"));
  }

  /** The code itself: for the one response that shows it, nowhere else. */
  public String reveal() {
    return value;
  }

  /** SHA-256 of the code's UTF-8 bytes, lower-case hex: what is stored and looked up. */
  public String hash() {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "InvitationCode[redacted]";
  }
}
