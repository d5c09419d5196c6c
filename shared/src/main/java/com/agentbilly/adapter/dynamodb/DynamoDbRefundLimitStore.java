package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.s;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.limits.RefundLimits;
import com.agentbilly.port.RefundLimitStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link RefundLimitStore} on the single table: one item {@code refund} in the org's {@code
 * ORG#<org>#LIMITS} partition, the two limits as maps of currency to number. The daily totals the
 * limits are checked on live in the same partition ({@link DynamoDbIdempotencyStore}).
 */
public final class DynamoDbRefundLimitStore implements RefundLimitStore {

  static final String LIMITS_SK = "refund";

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoDbRefundLimitStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public RefundLimits get(OrgId org) {
    Map<String, AttributeValue> item =
        dynamo.getItem(get -> get.tableName(table).key(key(org)).consistentRead(true)).item();
    if (item == null || item.isEmpty()) {
      return RefundLimits.NONE;
    }
    return new RefundLimits(amounts(item.get("per_refund")), amounts(item.get("per_day")));
  }

  @Override
  public void put(OrgId org, RefundLimits limits, String setBy, Instant at) {
    Map<String, AttributeValue> item = new HashMap<>(key(org));
    item.put("per_refund", map(limits.perRefund()));
    item.put("per_day", map(limits.perDay()));
    item.put("set_by", s(setBy));
    item.put("set_at", Items.time(at));
    dynamo.putItem(put -> put.tableName(table).item(item));
  }

  private static Map<String, AttributeValue> key(OrgId org) {
    return Map.of(TableKeys.PK, s(TableKeys.limitsPk(org)), TableKeys.SK, s(LIMITS_SK));
  }

  private static AttributeValue map(Map<String, Long> amounts) {
    Map<String, AttributeValue> values = new LinkedHashMap<>();
    amounts.forEach((currency, amount) -> values.put(currency, Items.n(amount)));
    return AttributeValue.fromM(values);
  }

  private static Map<String, Long> amounts(AttributeValue value) {
    Map<String, Long> amounts = new LinkedHashMap<>();
    if (value != null && value.hasM()) {
      value.m().forEach((currency, amount) -> amounts.put(currency, Long.parseLong(amount.n())));
    }
    return amounts;
  }
}
