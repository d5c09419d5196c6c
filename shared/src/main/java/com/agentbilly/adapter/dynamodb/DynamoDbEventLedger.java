package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.s;

import com.agentbilly.domain.OrgId;
import com.agentbilly.port.EventLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link EventLedger} on the single table: one item per event in {@code ORG#<org>#EVT} with the
 * event id as sort key, expiring ({@code expires_at}, DynamoDB TTL) 30 days after the event was
 * created, which is longer than Stripe retries a delivery.
 */
public final class DynamoDbEventLedger implements EventLedger {

  /** How long an event id is remembered after the event's creation. */
  public static final Duration RETENTION = Duration.ofDays(30);

  private final DynamoDbClient dynamo;
  private final String table;

  /** The ledger in {@code table}. */
  public DynamoDbEventLedger(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public boolean contains(OrgId org, String eventId) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                get ->
                    get.tableName(table)
                        .key(key(org, eventId))
                        .projectionExpression("pk")
                        .consistentRead(true))
            .item();
    return item != null && !item.isEmpty();
  }

  /** A conditional put on the event id: false, and nothing changed, when it was recorded before. */
  @Override
  public boolean record(OrgId org, String eventId, String type, boolean handled, Instant created) {
    Map<String, AttributeValue> item = new HashMap<>(key(org, eventId));
    item.put("type", s(type));
    item.put("handled", AttributeValue.fromBool(handled));
    item.put("created", AttributeValue.fromN(Long.toString(created.getEpochSecond())));
    item.put(
        "expires_at",
        AttributeValue.fromN(Long.toString(created.plus(RETENTION).getEpochSecond())));
    try {
      dynamo.putItem(
          put -> put.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
      return true;
    } catch (ConditionalCheckFailedException alreadyRecorded) {
      return false;
    }
  }

  private static Map<String, AttributeValue> key(OrgId org, String eventId) {
    return Map.of(TableKeys.PK, s(TableKeys.eventLedgerPk(org)), TableKeys.SK, s(eventId));
  }
}
