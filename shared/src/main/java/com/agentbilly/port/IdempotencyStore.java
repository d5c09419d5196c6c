package com.agentbilly.port;

import com.agentbilly.domain.OrgId;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * Records of requests made with an {@code Idempotency-Key}, one per (org, user, key): claimed with
 * a conditional write before anything is sent to Stripe, completed with the response once it is
 * known. A claim that was never completed is held for a short lease (longer than a request can
 * run); after that a retry takes it over.
 */
public interface IdempotencyStore {

  /**
   * Claims the record of {@code request}, or tells what an earlier request with the same key left.
   *
   * @param lease how long a new or taken-over claim keeps other attempts away
   * @param retention how long the record is kept (its {@code expires_at}); an expired record counts
   *     as absent
   */
  Claim claim(
      RequestKey request, String fingerprint, Instant now, Duration lease, Duration retention);

  /**
   * Claims the record of {@code request} like {@link #claim}, and when the record is new, reserves
   * {@code reservation}'s amount on its day's total in the same atomic write: the record and the
   * reservation exist together or not at all. So a retry (which finds the record) never counts
   * twice, and requests at once can never together pass the limit.
   *
   * @param reservation the amount to add to the day's total, or null to reserve nothing
   * @return {@link OverLimit} when the record is new but the amount does not fit the day's limit
   *     (nothing is written), else what {@link #claim} returns
   */
  default Claim claim(
      RequestKey request,
      String fingerprint,
      Instant now,
      Duration lease,
      Duration retention,
      DailyReservation reservation) {
    if (reservation != null) {
      throw new UnsupportedOperationException("this store keeps no daily totals");
    }
    return claim(request, fingerprint, now, lease, retention);
  }

  /**
   * Records a definite refusal like {@link #complete}, and gives back in the same atomic write what
   * the request reserved on its day's total (once: a second call finds nothing left to give back).
   */
  default void completeReleasing(
      RequestKey request, String fingerprint, int status, String body, boolean audited) {
    complete(request, fingerprint, status, body, audited);
  }

  /**
   * Records the final response of the claimed request: later claims replay it.
   *
   * @param audited whether the request's audit entry is written
   */
  void complete(RequestKey request, String fingerprint, int status, String body, boolean audited);

  /**
   * Ends the current attempt without a response (its outcome is unknown or it failed before doing
   * anything lasting): the next claim takes the record over at once as a recovery attempt.
   */
  void abandon(RequestKey request, String fingerprint);

  /**
   * Notes that the completed request's audit entry is written (a replay that finds it unwritten
   * writes it).
   */
  void markAudited(RequestKey request, String fingerprint);

  /**
   * Who made the request and with which key.
   *
   * @param userId the caller's Cognito {@code sub}
   * @param key the client's {@code Idempotency-Key}
   */
  record RequestKey(OrgId org, String userId, String key) {
    public RequestKey {
      Objects.requireNonNull(org, "org");
      Objects.requireNonNull(userId, "userId");
      Objects.requireNonNull(key, "key");
    }

    /** Leaves the client's key out: it is the client's to log, not ours. */
    @Override
    public String toString() {
      return "RequestKey[" + org + ", user " + userId + ", key …]";
    }
  }

  /**
   * An amount to count on a day's total of refunds, which may not pass {@code limit}.
   *
   * @param currency lowercase ISO 4217
   * @param day the UTC day the request was made on
   * @param amount minor units, at least 1
   * @param limit the day's limit in minor units, at least {@code amount}
   */
  record DailyReservation(String currency, LocalDate day, long amount, long limit) {
    public DailyReservation {
      Objects.requireNonNull(currency, "currency");
      Objects.requireNonNull(day, "day");
      if (amount < 1 || amount > limit) {
        throw new IllegalArgumentException("a reservation is 1 to the limit");
      }
    }
  }

  /** What a claim found. */
  sealed interface Claim permits Claimed, Completed, InProgress, Mismatch, OverLimit {}

  /**
   * The request is new, and its reservation does not fit the day's limit: nothing was written.
   *
   * @param total the day's total when the claim was refused
   */
  record OverLimit(long total) implements Claim {}

  /**
   * This attempt holds the record and must do the work.
   *
   * @param recovery true when an earlier attempt held it and ended without a response: Stripe may
   *     already have done the work
   */
  record Claimed(boolean recovery) implements Claim {}

  /**
   * The request was completed before: answer with its response.
   *
   * @param audited whether its audit entry was written
   */
  record Completed(int status, String body, boolean audited) implements Claim {
    public Completed {
      Objects.requireNonNull(body, "body");
    }
  }

  /** Another attempt holds the record and its lease has not run out. */
  record InProgress() implements Claim {}

  /** The key was used before for a different request (another route or body). */
  record Mismatch() implements Claim {}
}
