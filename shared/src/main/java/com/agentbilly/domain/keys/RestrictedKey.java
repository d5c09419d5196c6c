package com.agentbilly.domain.keys;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.Mode;
import java.util.regex.Pattern;

/**
 * A Stripe restricted key that passed the format check. Its {@link #toString()} never shows the
 * key; only {@link #value()} does, for the one call that sends it to Stripe or the vault.
 */
public final class RestrictedKey {

  private static final Pattern SHAPE = Pattern.compile("rk_(live|test)_[A-Za-z0-9_]{8,247}");

  private final String value;
  private final Mode mode;

  private RestrictedKey(String value, Mode mode) {
    this.value = value;
    this.mode = mode;
  }

  /**
   * Accepts {@code rk_live_…} and {@code rk_test_…} (surrounding whitespace, as pasted, is
   * ignored). A secret key is refused with {@code secret_key_rejected}, anything else with {@code
   * invalid_key_format}; neither message repeats what was sent.
   */
  public static RestrictedKey parse(String raw) {
    String key = raw == null ? "" : raw.strip();
    if (key.startsWith("sk_live_") || key.startsWith("sk_test_")) {
      throw new ApiProblem(
          ErrorCode.SECRET_KEY_REJECTED,
          "Agent Billy never accepts a secret key. In the Stripe Dashboard, open Developers → API"
              + " keys → Create restricted key, tick exactly the permissions GET /key-requirements"
              + " lists for this purpose, and connect that rk_ key instead. Consider rolling the"
              + " secret key you pasted.");
    }
    if (!SHAPE.matcher(key).matches()) {
      throw new ApiProblem(
          ErrorCode.INVALID_KEY_FORMAT,
          "This is not a Stripe restricted key. Restricted keys start with rk_live_ or rk_test_.");
    }
    return new RestrictedKey(key, key.startsWith("rk_live_") ? Mode.LIVE : Mode.TEST);
  }

  public String value() {
    return value;
  }

  public Mode mode() {
    return mode;
  }

  /** The last four characters, the only part of a key ever shown or stored in the clear. */
  public String last4() {
    return value.substring(value.length() - 4);
  }

  /** Refuses a key whose mode differs from the org's ({@code key_mode_mismatch}). */
  public void requireMode(Mode orgMode) {
    if (mode != orgMode) {
      throw new ApiProblem(
          ErrorCode.KEY_MODE_MISMATCH,
          "This org works with "
              + orgMode.wireName()
              + "-mode data; connect an rk_"
              + orgMode.wireName()
              + "_ key.");
    }
  }

  @Override
  public String toString() {
    return "RestrictedKey[" + mode.wireName() + ", …" + last4() + "]";
  }
}
