package com.agentbilly.logging;

import java.util.regex.Pattern;

/**
 * Blanks out anything shaped like a secret: a Stripe key ({@code sk_}, {@code rk_}, and {@code pk_}
 * too, which is public but has no business in a log), test or live, with every character a key may
 * hold, {@code *} of Stripe's own redacted echoes included), a webhook signing secret ({@code
 * whsec_}), or a JWT (three base64url parts, the first starting {@code eyJ}; Cognito's refresh
 * tokens, five parts, too). Every log line goes through it ({@link JsonLineEncoder}), so even an
 * exception whose message carries a key — ours or a library's — cannot put it in the logs.
 */
public final class SecretMask {

  /** What a masked secret becomes. */
  public static final String REDACTED = "[redacted]";

  private static final Pattern SECRET =
      Pattern.compile(
          "(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9_*]*"
              + "|whsec_[A-Za-z0-9_*]*"
              + "|eyJ[A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]+){2,4}");

  private SecretMask() {}

  /** {@code text} with every secret-shaped part replaced by {@value #REDACTED}; null stays null. */
  public static String mask(String text) {
    if (text == null || !mightHoldSecret(text)) {
      return text;
    }
    return SECRET.matcher(text).replaceAll(REDACTED);
  }

  /** A cheap pre-check, so the common line without any secret costs no regex. */
  private static boolean mightHoldSecret(String text) {
    return text.contains("k_live_")
        || text.contains("k_test_")
        || text.contains("whsec_")
        || text.contains("eyJ");
  }
}
