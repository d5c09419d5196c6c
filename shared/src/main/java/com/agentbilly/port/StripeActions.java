package com.agentbilly.port;

import com.agentbilly.domain.mirror.ObjectType;
import java.util.Objects;
import java.util.Optional;

/**
 * The writes a manager's action makes at Stripe, and the reads that follow them, each with the
 * restricted key the caller's role allows (the caller passes it in: which key is used is decided by
 * the use case, never here). Every write carries a Stripe {@code Idempotency-Key}.
 *
 * <p>Every method throws {@link Failed} when Stripe refuses or cannot be reached.
 */
public interface StripeActions {

  /** The metadata field of a refund that names the request which created it. */
  String REQUEST_MARKER = "agent_billy_request";

  /** {@code POST /v1/refunds}: the refund's JSON as Stripe returned it. */
  String createRefund(String key, Refund refund, String idempotencyKey);

  /**
   * The refund of {@code charge} whose {@link #REQUEST_MARKER} metadata is {@code marker}: how a
   * retry finds the refund an earlier attempt created before it could record Stripe's answer.
   */
  Optional<String> findRefund(String key, String charge, String marker);

  /** {@code GET <type's path>/<id>}: the object's JSON. */
  String retrieve(String key, ObjectType type, String id);

  /** {@code POST /v1/subscriptions/<id>}: the subscription's JSON after the change. */
  String updateSubscription(
      String key, String subscription, SubscriptionChange change, String idempotencyKey);

  /**
   * Cancels at once ({@code DELETE /v1/subscriptions/<id>}) or at the end of the period ({@code
   * POST /v1/subscriptions/<id> cancel_at_period_end=true}): the subscription's JSON.
   */
  String cancelSubscription(
      String key, String subscription, boolean atPeriodEnd, String idempotencyKey);

  /**
   * A refund to create.
   *
   * @param amount minor units, or null for the whole remaining amount
   * @param reason one of Stripe's reasons, or null
   * @param marker written to the refund's {@link #REQUEST_MARKER} metadata
   */
  record Refund(String charge, Long amount, String reason, String marker) {
    public Refund {
      Objects.requireNonNull(charge, "charge");
      Objects.requireNonNull(marker, "marker");
    }
  }

  /**
   * A change of a subscription; null fields stay as they are.
   *
   * @param item the {@code si_…} item that {@code quantity} and {@code price} apply to; null when
   *     neither is changed
   * @param pauseCollection the new {@code pause_collection}, or {@link PauseCollection#RESUME}
   */
  record SubscriptionChange(
      String item,
      Long quantity,
      String price,
      PauseCollection pauseCollection,
      String prorationBehavior) {}

  /**
   * Stripe's {@code pause_collection}: {@code behavior} and an optional {@code resumes_at} (epoch
   * seconds). {@link #RESUME} clears it.
   */
  record PauseCollection(String behavior, Long resumesAt) {
    public static final PauseCollection RESUME = new PauseCollection(null, null);
  }

  /** Why Stripe did not do what was asked. */
  enum FailureKind {
    /** 404 / {@code resource_missing}. */
    RESOURCE_MISSING,
    /** Stripe refused the request as invalid; its message says why. */
    INVALID_REQUEST,
    /** The key lacks the permission (403), or Stripe no longer knows it (401). */
    PERMISSION_DENIED,
    /** Stripe kept answering 429. */
    RATE_LIMITED,
    /** Stripe could not be reached or answered 5xx: the write may or may not have happened. */
    UNAVAILABLE
  }

  /** Stripe refused, or could not be reached. The message never contains a key. */
  final class Failed extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final FailureKind kind;

    public Failed(FailureKind kind, String message) {
      super(message, null, false, false);
      this.kind = Objects.requireNonNull(kind, "kind");
    }

    public FailureKind kind() {
      return kind;
    }
  }
}
