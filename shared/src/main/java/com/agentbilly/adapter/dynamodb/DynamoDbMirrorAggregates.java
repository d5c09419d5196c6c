package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.s;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.summary.Buckets;
import com.agentbilly.port.MirrorAggregates;
import java.time.LocalDate;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Reads the summary aggregates that {@link DynamoDbMirrorStore} maintains: one Query on the org's
 * summary partition (a few dozen small items), whatever the size of the mirror.
 */
public final class DynamoDbMirrorAggregates implements MirrorAggregates {

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoDbMirrorAggregates(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public Buckets read(OrgId org, LocalDate firstDay) {
    Buckets buckets = Buckets.NONE;
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> exclusiveStart = start;
      QueryResponse response =
          dynamo.query(
              query -> {
                query
                    .tableName(table)
                    .keyConditionExpression("#pk = :pk AND #sk >= :first")
                    .expressionAttributeNames(Map.of("#pk", TableKeys.PK, "#sk", TableKeys.SK))
                    .expressionAttributeValues(
                        Map.of(
                            ":pk",
                            s(SummaryItems.partition(org)),
                            ":first",
                            s(SummaryItems.firstDayKey(firstDay))))
                    .consistentRead(true);
                if (exclusiveStart != null) {
                  query.exclusiveStartKey(exclusiveStart);
                }
              });
      for (Map<String, AttributeValue> item : response.items()) {
        buckets = buckets.plus(SummaryItems.parse(item));
      }
      start = response.hasLastEvaluatedKey() ? response.lastEvaluatedKey() : null;
    } while (start != null && !start.isEmpty());
    return buckets;
  }
}
