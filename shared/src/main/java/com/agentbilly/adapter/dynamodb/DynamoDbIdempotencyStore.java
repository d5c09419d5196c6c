package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.s;

import com.agentbilly.port.IdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link IdempotencyStore} on the single table: one item per request in {@code ORG#<org>#IDEM},
 * sort key {@code <user id>#<SHA-256 of the key>} (a key of any length makes a short, fixed sort
 * key), expiring with DynamoDB TTL ({@code expires_at}, epoch seconds). Every change is a
 * conditional write, so two attempts at once never both hold the record.
 */
public final class DynamoDbIdempotencyStore implements IdempotencyStore {

  private static final String IN_PROGRESS = "in_progress";
  private static final String DONE = "done";

  /** A claim that keeps meeting changes gives up as "in progress" rather than spinning. */
  private static final int MAX_CLAIM_ROUNDS = 3;

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
      Map<String, AttributeValue> item =
          dynamo.getItem(get -> get.tableName(table).key(key(request)).consistentRead(true)).item();
      if (item == null || item.isEmpty()) {
        continue; // removed meanwhile: try the fresh claim again
      }
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
    }
    return new InProgress();
  }

  private boolean putNew(
      RequestKey request, String fingerprint, Instant now, Duration lease, Duration retention) {
    Map<String, AttributeValue> item = new HashMap<>(key(request));
    item.put("fingerprint", s(fingerprint));
    item.put("state", s(IN_PROGRESS));
    item.put("lease_until", n(now.plus(lease).toEpochMilli()));
    item.put("attempts", n(1));
    item.put("created_at", Items.time(now));
    item.put("expires_at", n(now.plus(retention).getEpochSecond()));
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
