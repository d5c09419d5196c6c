package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.s;

import com.agentbilly.port.IdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * {@link IdempotencyStore} on the single table: one item per request in {@code ORG#<org>#IDEM},
 * sort key {@code <user id>#<SHA-256 of the key>} (a key of any length makes a short, fixed sort
 * key), expiring with DynamoDB TTL ({@code expires_at}, epoch seconds). Every change is a
 * conditional write, so two attempts at once never both hold the record. A refund under a daily
 * limit is claimed together with its reservation on the day's total ({@code ORG#<org>#LIMITS}, sort
 * key {@code refund_day#<day>#<currency>}) in one transaction; the record notes what it reserved
 * ({@code reserved_sk}, {@code reserved_amount}) so a refusal gives back exactly that, once.
 */
public final class DynamoDbIdempotencyStore implements IdempotencyStore {

  private static final String IN_PROGRESS = "in_progress";
  private static final String DONE = "done";

  /** A claim that keeps meeting changes gives up as "in progress" rather than spinning. */
  private static final int MAX_CLAIM_ROUNDS = 3;

  /**
   * A reserving claim also retries transactions that met another one on the day's total (DynamoDB
   * cancels one of two transactions on the same item at once), with a short wait.
   */
  private static final int MAX_RESERVING_ROUNDS = 20;

  private static final int DAY_TOTAL_KEPT_DAYS = 3;

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoDbIdempotencyStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public Claim claim(
      RequestKey request, String fingerprint, Instant now, Duration lease, Duration retention) {
    for (int round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      if (putNew(request, fingerprint, now, lease, retention)) {
        return new Claimed(false);
      }
      Map<String, AttributeValue> item = read(request);
      if (item == null || item.isEmpty()) {
        continue; // removed meanwhile: try the fresh claim again
      }
      Claim found = existing(request, fingerprint, item, now, lease);
      if (found != null) {
        return found;
      }
    }
    return new InProgress();
  }

  /**
   * The record and the reservation in one {@code TransactWriteItems}: a {@code Put} of the record
   * (condition: absent or expired) with the reservation noted on it, and an {@code Update} of the
   * day's total in {@code ORG#<org>#LIMITS} (condition: {@code total + amount <= limit}).
   */
  @Override
  public Claim claim(
      RequestKey request,
      String fingerprint,
      Instant now,
      Duration lease,
      Duration retention,
      DailyReservation reservation) {
    if (reservation == null) {
      return claim(request, fingerprint, now, lease, retention);
    }
    for (int round = 0; round < MAX_RESERVING_ROUNDS; round++) {
      Written written = putNewReserving(request, fingerprint, now, lease, retention, reservation);
      if (written == Written.YES) {
        return new Claimed(false);
      }
      if (written == Written.CONFLICT) {
        pause(round);
        continue;
      }
      Map<String, AttributeValue> item = read(request);
      if (item != null && !item.isEmpty() && !expired(item, now)) {
        Claim found = existing(request, fingerprint, item, now, lease);
        if (found != null) {
          return found;
        }
        continue;
      }
      long total = dayTotal(request, reservation);
      if (total + reservation.amount() > reservation.limit()) {
        return new OverLimit(total);
      }
      // A reservation was given back meanwhile: the amount may fit now.
    }
    return new InProgress();
  }

  private enum Written {
    YES,
    REFUSED,
    CONFLICT
  }

  private Written putNewReserving(
      RequestKey request,
      String fingerprint,
      Instant now,
      Duration lease,
      Duration retention,
      DailyReservation reservation) {
    Map<String, AttributeValue> item = newItem(request, fingerprint, now, lease, retention);
    String totalSk = dayTotalSk(reservation);
    item.put("reserved_sk", s(totalSk));
    item.put("reserved_amount", n(reservation.amount()));
    try {
      dynamo.transactWriteItems(
          transaction ->
              transaction.transactItems(
                  TransactWriteItem.builder()
                      .put(
                          put ->
                              put.tableName(table)
                                  .item(item)
                                  .conditionExpression(
                                      "attribute_not_exists(pk) OR expires_at < :now")
                                  .expressionAttributeValues(
                                      Map.of(":now", n(now.getEpochSecond()))))
                      .build(),
                  TransactWriteItem.builder()
                      .update(
                          update ->
                              update
                                  .tableName(table)
                                  .key(totalKey(request, totalSk))
                                  .updateExpression(
                                      "ADD #total :amount SET currency = :currency, #day = :day,"
                                          + " expires_at = :expires")
                                  .conditionExpression(
                                      "attribute_not_exists(#total) OR #total <= :room")
                                  .expressionAttributeNames(
                                      Map.of("#total", "total", "#day", "day"))
                                  .expressionAttributeValues(
                                      Map.of(
                                          ":amount", n(reservation.amount()),
                                          ":room", n(reservation.limit() - reservation.amount()),
                                          ":currency", s(reservation.currency()),
                                          ":day", s(reservation.day().toString()),
                                          ":expires", n(dayTotalExpiry(reservation)))))
                      .build()));
      return Written.YES;
    } catch (TransactionCanceledException cancelled) {
      return conflicted(cancelled) ? Written.CONFLICT : Written.REFUSED;
    }
  }

  /**
   * What an existing, unexpired record means for a new claim; null when another attempt took it
   * over meanwhile (claim again).
   */
  private Claim existing(
      RequestKey request,
      String fingerprint,
      Map<String, AttributeValue> item,
      Instant now,
      Duration lease) {
    if (!fingerprint.equals(Items.string(item, "fingerprint"))) {
      return new Mismatch();
    }
    if (DONE.equals(Items.string(item, "state"))) {
      return new Completed(
          Integer.parseInt(item.get("status").n()),
          Items.string(item, "response"),
          Boolean.TRUE.equals(item.get("audited").bool()));
    }
    String leaseUntil = item.get("lease_until").n();
    if (Long.parseLong(leaseUntil) > now.toEpochMilli()) {
      return new InProgress();
    }
    if (takeOver(request, fingerprint, leaseUntil, now.plus(lease))) {
      return new Claimed(true);
    }
    return null;
  }

  private Map<String, AttributeValue> read(RequestKey request) {
    return dynamo
        .getItem(get -> get.tableName(table).key(key(request)).consistentRead(true))
        .item();
  }

  private static boolean expired(Map<String, AttributeValue> item, Instant now) {
    AttributeValue expiresAt = item.get("expires_at");
    return expiresAt != null && Long.parseLong(expiresAt.n()) < now.getEpochSecond();
  }

  private long dayTotal(RequestKey request, DailyReservation reservation) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                get ->
                    get.tableName(table)
                        .key(totalKey(request, dayTotalSk(reservation)))
                        .consistentRead(true))
            .item();
    AttributeValue total = item == null ? null : item.get("total");
    return total == null ? 0 : Long.parseLong(total.n());
  }

  /** The day's total of one currency: {@code refund_day#<yyyy-mm-dd>#<currency>}. */
  static String dayTotalSk(DailyReservation reservation) {
    return "refund_day#" + reservation.day() + "#" + reservation.currency();
  }

  private static Map<String, AttributeValue> totalKey(RequestKey request, String totalSk) {
    return Map.of(TableKeys.PK, s(TableKeys.limitsPk(request.org())), TableKeys.SK, s(totalSk));
  }

  /** A day's total is kept a few days past its day (DynamoDB TTL), for a look at yesterday. */
  private static long dayTotalExpiry(DailyReservation reservation) {
    return reservation
        .day()
        .plusDays(DAY_TOTAL_KEPT_DAYS)
        .atStartOfDay(ZoneOffset.UTC)
        .toEpochSecond();
  }

  private static boolean conflicted(TransactionCanceledException cancelled) {
    return cancelled.hasCancellationReasons()
        && cancelled.cancellationReasons().stream()
            .anyMatch(reason -> "TransactionConflict".equals(reason.code()));
  }

  /** A short, growing, jittered wait before a transaction that met another one tries again. */
  private static void pause(int round) {
    try {
      Thread.sleep(5L * (round + 1) + ThreadLocalRandom.current().nextLong(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while claiming", e);
    }
  }

  private Map<String, AttributeValue> newItem(
      RequestKey request, String fingerprint, Instant now, Duration lease, Duration retention) {
    Map<String, AttributeValue> item = new HashMap<>(key(request));
    item.put("fingerprint", s(fingerprint));
    item.put("state", s(IN_PROGRESS));
    item.put("lease_until", n(now.plus(lease).toEpochMilli()));
    item.put("attempts", n(1));
    item.put("created_at", Items.time(now));
    item.put("expires_at", n(now.plus(retention).getEpochSecond()));
    return item;
  }

  private boolean putNew(
      RequestKey request, String fingerprint, Instant now, Duration lease, Duration retention) {
    Map<String, AttributeValue> item = newItem(request, fingerprint, now, lease, retention);
    try {
      dynamo.putItem(
          put ->
              put.tableName(table)
                  .item(item)
                  .conditionExpression("attribute_not_exists(pk) OR expires_at < :now")
                  .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()))));
      return true;
    } catch (ConditionalCheckFailedException exists) {
      return false;
    }
  }

  private boolean takeOver(
      RequestKey request, String fingerprint, String leaseUntil, Instant newLeaseUntil) {
    try {
      dynamo.updateItem(
          update ->
              update
                  .tableName(table)
                  .key(key(request))
                  .updateExpression("SET lease_until = :new ADD attempts :one")
                  .conditionExpression(
                      "fingerprint = :fp AND #state = :in_progress AND lease_until = :old")
                  .expressionAttributeNames(Map.of("#state", "state"))
                  .expressionAttributeValues(
                      Map.of(
                          ":new", n(newLeaseUntil.toEpochMilli()),
                          ":one", n(1),
                          ":fp", s(fingerprint),
                          ":in_progress", s(IN_PROGRESS),
                          ":old", AttributeValue.fromN(leaseUntil))));
      return true;
    } catch (ConditionalCheckFailedException takenMeanwhile) {
      return false;
    }
  }

  @Override
  public void complete(
      RequestKey request, String fingerprint, int status, String body, boolean audited) {
    dynamo.updateItem(
        update ->
            update
                .tableName(table)
                .key(key(request))
                .updateExpression(
                    "SET #state = :done, #status = :status, #response = :body, audited = :audited")
                .conditionExpression("fingerprint = :fp")
                .expressionAttributeNames(
                    Map.of("#state", "state", "#status", "status", "#response", "response"))
                .expressionAttributeValues(
                    Map.of(
                        ":done", s(DONE),
                        ":status", n(status),
                        ":body", s(body),
                        ":audited", AttributeValue.fromBool(audited),
                        ":fp", s(fingerprint))));
  }

  /**
   * Gives the reservation back in the same {@code TransactWriteItems} that records the response:
   * the record loses its {@code reserved_sk} (condition: it still has it), the day's total goes
   * down by the amount. A record without a reservation is only completed.
   */
  @Override
  public void completeReleasing(
      RequestKey request, String fingerprint, int status, String body, boolean audited) {
    for (int round = 0; round < MAX_RESERVING_ROUNDS; round++) {
      Map<String, AttributeValue> item = read(request);
      if (item == null
          || !item.containsKey("reserved_sk")
          || !fingerprint.equals(Items.string(item, "fingerprint"))) {
        complete(request, fingerprint, status, body, audited);
        return;
      }
      String totalSk = Items.string(item, "reserved_sk");
      long amount = Long.parseLong(item.get("reserved_amount").n());
      try {
        dynamo.transactWriteItems(
            transaction ->
                transaction.transactItems(
                    TransactWriteItem.builder()
                        .update(
                            update ->
                                update
                                    .tableName(table)
                                    .key(key(request))
                                    .updateExpression(
                                        "SET #state = :done, #status = :status, #response = :body,"
                                            + " audited = :audited REMOVE reserved_sk,"
                                            + " reserved_amount")
                                    .conditionExpression("fingerprint = :fp AND reserved_sk = :sk")
                                    .expressionAttributeNames(
                                        Map.of(
                                            "#state", "state",
                                            "#status", "status",
                                            "#response", "response"))
                                    .expressionAttributeValues(
                                        Map.of(
                                            ":done", s(DONE),
                                            ":status", n(status),
                                            ":body", s(body),
                                            ":audited", AttributeValue.fromBool(audited),
                                            ":fp", s(fingerprint),
                                            ":sk", s(totalSk))))
                        .build(),
                    TransactWriteItem.builder()
                        .update(
                            update ->
                                update
                                    .tableName(table)
                                    .key(totalKey(request, totalSk))
                                    .updateExpression("ADD #total :minus")
                                    .conditionExpression("attribute_exists(#total)")
                                    .expressionAttributeNames(Map.of("#total", "total"))
                                    .expressionAttributeValues(Map.of(":minus", n(-amount))))
                        .build()));
        return;
      } catch (TransactionCanceledException cancelled) {
        if (conflicted(cancelled)) {
          pause(round);
        }
        // else given back meanwhile (or the total expired): look again
      }
    }
    complete(request, fingerprint, status, body, audited);
  }

  @Override
  public void abandon(RequestKey request, String fingerprint) {
    try {
      dynamo.updateItem(
          update ->
              update
                  .tableName(table)
                  .key(key(request))
                  .updateExpression("SET lease_until = :lapsed")
                  .conditionExpression("fingerprint = :fp AND #state = :in_progress")
                  .expressionAttributeNames(Map.of("#state", "state"))
                  .expressionAttributeValues(
                      Map.of(
                          ":lapsed", n(0),
                          ":fp", s(fingerprint),
                          ":in_progress", s(IN_PROGRESS))));
    } catch (ConditionalCheckFailedException completedMeanwhile) {
      // Nothing to give up: the record is complete (or gone).
    }
  }

  @Override
  public void markAudited(RequestKey request, String fingerprint) {
    try {
      dynamo.updateItem(
          update ->
              update
                  .tableName(table)
                  .key(key(request))
                  .updateExpression("SET audited = :yes")
                  .conditionExpression("fingerprint = :fp AND #state = :done")
                  .expressionAttributeNames(Map.of("#state", "state"))
                  .expressionAttributeValues(
                      Map.of(
                          ":yes", AttributeValue.fromBool(true),
                          ":fp", s(fingerprint),
                          ":done", s(DONE))));
    } catch (ConditionalCheckFailedException gone) {
      // Expired and removed meanwhile: nothing left to mark.
    }
  }

  private static Map<String, AttributeValue> key(RequestKey request) {
    return Map.of(
        TableKeys.PK,
        s(TableKeys.idempotencyPk(request.org())),
        TableKeys.SK,
        s(request.userId() + "#" + sha256(request.key())));
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
