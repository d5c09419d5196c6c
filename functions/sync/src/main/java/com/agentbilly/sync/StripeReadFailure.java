package com.agentbilly.sync;

/**
 * A Stripe read that failed for good in this run; {@link #code()} is what the org's {@code
 * last_error} says: {@code stripe_unavailable} (5xx or unreachable after retries), {@code
 * rate_limited} (429 after retries), {@code key_rejected} (401 or 403), {@code stripe_error}
 * (another 4xx).
 */
public final class StripeReadFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String code;

  /** {@code message} must not contain a key. */
  public StripeReadFailure(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
