package com.agentbilly.domain.invitations;

import java.util.Locale;
import java.util.regex.Pattern;

/** The email an invitation is bound to: compared case-insensitively, so stored lower-case. */
public final class InvitationEmail {

  /** The longest address SMTP allows. */
  public static final int MAX_LENGTH = 254;

  private static final Pattern SHAPE = Pattern.compile("[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+");

  private InvitationEmail() {}

  /** The address as stored and compared: trimmed, lower-case. */
  public static String normalise(String email) {
    return email.strip().toLowerCase(Locale.ROOT);
  }

  /** True for something shaped like {@code local@domain.tld}, at most {@link #MAX_LENGTH} long. */
  public static boolean isWellFormed(String email) {
    String normalised = normalise(email);
    return normalised.length() <= MAX_LENGTH && SHAPE.matcher(normalised).matches();
  }
}
