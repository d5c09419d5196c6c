package com.agentbilly.testing;

import com.agentbilly.port.IdempotencyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** An {@link IdempotencyStore} in memory with the same rules as the DynamoDB one. */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

  private static final class Row {
    final String fingerprint;
    final Instant expiresAt;
    Instant leaseUntil;
    boolean done;
    int status;
    String body;
    boolean audited;
    int attempts = 1;
    String reservedTotal;
    long reservedAmount;

    Row(String fingerprint, Instant leaseUntil, Instant expiresAt) {
      this.fingerprint = fingerprint;
      this.leaseUntil = leaseUntil;
      this.expiresAt = expiresAt;
    }
  }

  private final Map<RequestKey, Row> rows = new HashMap<>();
  private final Map<String, Long> totals = new HashMap<>();

  @Override
  public synchronized Claim claim(
      RequestKey request,
      String fingerprint,
      Instant now,
      Duration lease,
      Duration retention,
      DailyReservation reservation) {
    if (reservation == null) {
      return claim(request, fingerprint, now, lease, retention);
    }
    Row row = rows.get(request);
    if (row == null || row.expiresAt.isBefore(now)) {
      String total = totalKey(request, reservation);
      long before = totals.getOrDefault(total, 0L);
      if (before + reservation.amount() > reservation.limit()) {
        return new OverLimit(before);
      }
      totals.put(total, before + reservation.amount());
      Claim claimed = claim(request, fingerprint, now, lease, retention);
      Row fresh = rows.get(request);
      fresh.reservedTotal = total;
      fresh.reservedAmount = reservation.amount();
      return claimed;
    }
    return claim(request, fingerprint, now, lease, retention);
  }

  @Override
  public synchronized void completeReleasing(
      RequestKey request, String fingerprint, int status, String body, boolean audited) {
    Row row = owned(request, fingerprint);
    if (row.reservedTotal != null) {
      totals.merge(row.reservedTotal, -row.reservedAmount, Long::sum);
      row.reservedTotal = null;
    }
    complete(request, fingerprint, status, body, audited);
  }

  /** The day's total of a currency, as reserved (0 when nothing was). */
  public synchronized long dayTotal(RequestKey request, DailyReservation day) {
    return totals.getOrDefault(totalKey(request, day), 0L);
  }

  private static String totalKey(RequestKey request, DailyReservation reservation) {
    return request.org().value() + "#" + reservation.day() + "#" + reservation.currency();
  }

  @Override
  public synchronized Claim claim(
      RequestKey request, String fingerprint, Instant now, Duration lease, Duration retention) {
    Row row = rows.get(request);
    if (row == null || row.expiresAt.isBefore(now)) {
      rows.put(request, new Row(fingerprint, now.plus(lease), now.plus(retention)));
      return new Claimed(false);
    }
    if (!row.fingerprint.equals(fingerprint)) {
      return new Mismatch();
    }
    if (row.done) {
      return new Completed(row.status, row.body, row.audited);
    }
    if (row.leaseUntil.isAfter(now)) {
      return new InProgress();
    }
    row.leaseUntil = now.plus(lease);
    row.attempts++;
    return new Claimed(true);
  }

  @Override
  public synchronized void complete(
      RequestKey request, String fingerprint, int status, String body, boolean audited) {
    Row row = owned(request, fingerprint);
    row.done = true;
    row.status = status;
    row.body = body;
    row.audited = audited;
  }

  @Override
  public synchronized void abandon(RequestKey request, String fingerprint) {
    Row row = rows.get(request);
    if (row != null && row.fingerprint.equals(fingerprint) && !row.done) {
      row.leaseUntil = Instant.EPOCH;
    }
  }

  @Override
  public synchronized void markAudited(RequestKey request, String fingerprint) {
    Row row = rows.get(request);
    if (row != null && row.fingerprint.equals(fingerprint) && row.done) {
      row.audited = true;
    }
  }

  /** How many attempts have held the record (1 when no retry took it over). */
  public synchronized int attempts(RequestKey request) {
    return rows.get(request).attempts;
  }

  public synchronized int size() {
    return rows.size();
  }

  private Row owned(RequestKey request, String fingerprint) {
    Row row = rows.get(request);
    if (row == null || !row.fingerprint.equals(fingerprint)) {
      throw new IllegalStateException("no record of this request to complete");
    }
    return row;
  }
}
