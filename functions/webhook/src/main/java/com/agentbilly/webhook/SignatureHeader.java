package com.agentbilly.webhook;

import java.time.Clock;

/**
 * The checks of a {@code Stripe-Signature} header that need no secret: present, a positive {@code
 * t=} timestamp no older than the tolerance, and at least one non-empty {@code v1=} signature. It
 * refuses a strict subset of what stripe-java's {@code Webhook.Signature.verifyHeader} refuses (it
 * reads the header the same way: items split on {@code ,}, the first {@code t} wins), so running it
 * first changes no answer — it only spares the reads of the org and its secret for a forged header.
 * stripe-java still does the real verification.
 */
final class SignatureHeader {

  private static final String SCHEME = "v1";

  private SignatureHeader() {}

  /**
   * @throws com.agentbilly.domain.ApiProblem {@code invalid_signature} naming what is wrong, never
   *     echoing the header
   */
  static void check(String header, Clock clock, long toleranceSeconds) {
    if (header == null || header.isBlank()) {
      throw ApplyStripeEvent.invalidSignature("The Stripe-Signature header is missing.");
    }
    Long timestamp = null;
    boolean signed = false;
    for (String item : header.split(",", -1)) {
      int equals = item.indexOf('=');
      String name = equals < 0 ? item : item.substring(0, equals);
      String value = equals < 0 ? null : item.substring(equals + 1);
      if (name.equals("t") && timestamp == null) {
        timestamp = parse(value);
      } else if (name.equals(SCHEME) && value != null && !value.isEmpty()) {
        signed = true;
      }
    }
    if (timestamp == null || timestamp <= 0 || !signed) {
      throw ApplyStripeEvent.invalidSignature(
          "The Stripe-Signature header does not verify: it needs a t= timestamp and a v1="
              + " signature.");
    }
    if (timestamp < clock.instant().getEpochSecond() - toleranceSeconds) {
      throw ApplyStripeEvent.invalidSignature(
          "The Stripe-Signature header does not verify: its timestamp is older than "
              + toleranceSeconds
              + " seconds.");
    }
  }

  private static long parse(String value) {
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
