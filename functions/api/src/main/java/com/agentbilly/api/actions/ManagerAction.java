package com.agentbilly.api.actions;

import com.agentbilly.domain.limits.RefundLimits;
import com.agentbilly.port.IdempotencyStore.DailyReservation;
import java.util.Map;

/**
 * One manager action at Stripe, run by {@link IdempotentActions}: what it is called in the audit
 * log, what it is about, and the work itself.
 */
interface ManagerAction {

  /** The audit action of the outcome, e.g. {@code refund.created}. */
  String auditAction();

  /**
   * The audit action of the intent entry written just before the write, e.g. {@code
   * refund.requested}.
   */
  String intentAction();

  /**
   * The audit action that closes an outcome first recorded as {@code unknown}, once a later attempt
   * of the same request learns what Stripe did: {@code refund.reconciled}, {@code
   * subscription.update_reconciled}, {@code subscription.cancel_reconciled}.
   */
  default String reconciledAction() {
    return intentAction().replace("requested", "reconciled");
  }

  /** What the action is about, e.g. {@code charge:ch_…} (the audit target before the outcome). */
  String target();

  /** Small values that describe the request (for the audit entries); never a key. */
  Map<String, Object> requestDetails();

  /**
   * The org's limits applied to this request, before its record is claimed and before anything is
   * sent to Stripe. Only refunds by managers are limited.
   *
   * @param key the Stripe key the caller's role allows (to read what the request is about)
   * @throws com.agentbilly.port.StripeActions.Failed when that read fails at Stripe
   */
  default Limit limit(String key) {
    return Limit.NONE;
  }

  /**
   * Does the work. Reads may come first; {@link Attempt#aboutToWrite()} must be called just before
   * the write at Stripe.
   *
   * @throws com.agentbilly.port.StripeActions.Failed when Stripe refuses or cannot be reached
   * @throws com.agentbilly.domain.ApiProblem when the request turns out unacceptable before any
   *     write
   */
  Done perform(Attempt attempt);

  /**
   * What the action did.
   *
   * @param status the HTTP status to answer
   * @param body the response body (serialised as JSON)
   * @param target the audit target of the outcome, e.g. {@code refund:re_…}
   * @param details extra audit details of the outcome
   */
  record Done(int status, Object body, String target, Map<String, Object> details) {}

  /**
   * What the limits say about a request: refused at once ({@code exceeded}), or to be counted on
   * the day's total together with the claim of its record ({@code reservation}), or neither.
   */
  record Limit(RefundLimits.Exceeded exceeded, DailyReservation reservation) {
    static final Limit NONE = new Limit(null, null);

    static Limit refused(RefundLimits.Exceeded exceeded) {
      return new Limit(exceeded, null);
    }

    static Limit reserve(DailyReservation reservation) {
      return new Limit(null, reservation);
    }
  }

  /**
   * The attempt an action runs in.
   *
   * @param key the Stripe key the caller's role allows
   * @param stripeIdempotencyKey sent with the write; the same for every retry of one request
   * @param recovery true when an earlier attempt of this request ended without recording Stripe's
   *     answer: the write may already have happened
   */
  record Attempt(String key, String stripeIdempotencyKey, boolean recovery, Runnable intent) {
    /** Writes the intent entry to the audit log; throws when it cannot be written. */
    void aboutToWrite() {
      intent.run();
    }

    /** Never prints the Stripe key. */
    @Override
    public String toString() {
      return "Attempt[key …, " + stripeIdempotencyKey + (recovery ? ", recovery" : "") + "]";
    }
  }
}
