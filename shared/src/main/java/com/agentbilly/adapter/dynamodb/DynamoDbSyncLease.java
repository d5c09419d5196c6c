package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.s;

import com.agentbilly.domain.OrgId;
import com.agentbilly.port.SyncLease;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link SyncLease} as one item in the org's sync partition ({@code ORG#<org>#SYNC} / {@code
 * LEASE}), changed only by conditional writes: {@code holder} is {@code requested} or a run id,
 * {@code until} the epoch millisecond it lapses at.
 */
public final class DynamoDbSyncLease implements SyncLease {

  static final String SK = "LEASE";
  private static final String REQUESTED = "requested";

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoDbSyncLease(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public boolean request(OrgId org, Instant now, Duration lapseAfter) {
    return put(org, REQUESTED, now, lapseAfter, "attribute_not_exists(pk) OR #until < :now");
  }

  @Override
  public boolean acquire(OrgId org, String runId, Instant now, Duration lapseAfter) {
    return put(
        org,
        runId,
        now,
        lapseAfter,
        "attribute_not_exists(pk) OR #until < :now OR holder = :requested OR holder = :holder");
  }

  @Override
  public void release(OrgId org, String runId) {
    try {
      dynamo.deleteItem(
          delete ->
              delete
                  .tableName(table)
                  .key(key(org))
                  .conditionExpression("holder = :holder")
                  .expressionAttributeValues(Map.of(":holder", s(runId))));
    } catch (ConditionalCheckFailedException lostMeanwhile) {
      // Lapsed and taken by another run: theirs now.
    }
  }

  private boolean put(
      OrgId org, String holder, Instant now, Duration lapseAfter, String condition) {
    Map<String, AttributeValue> item = new java.util.HashMap<>(key(org));
    item.put("holder", s(holder));
    item.put("until", AttributeValue.fromN(Long.toString(now.plus(lapseAfter).toEpochMilli())));
    Map<String, AttributeValue> values = new java.util.HashMap<>();
    values.put(":now", AttributeValue.fromN(Long.toString(now.toEpochMilli())));
    if (condition.contains(":requested")) {
      values.put(":requested", s(REQUESTED));
      values.put(":holder", s(holder));
    }
    try {
      dynamo.putItem(
          put ->
              put.tableName(table)
                  .item(item)
                  .conditionExpression(condition)
                  .expressionAttributeNames(Map.of("#until", "until"))
                  .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException held) {
      return false;
    }
  }

  private static Map<String, AttributeValue> key(OrgId org) {
    return Map.of(TableKeys.PK, s(TableKeys.syncPk(org)), TableKeys.SK, s(SK));
  }
}
