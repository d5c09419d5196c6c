package com.agentbilly.adapter.dynamodb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Deletes every item of one partition: a keys-only Query, page by page, and batch deletes of 25,
 * re-sending whatever DynamoDB reports as unprocessed until nothing is left.
 */
final class PartitionEraser {

  static final int BATCH_SIZE = 25;
  private static final int MAX_UNPROCESSED_ROUNDS = 10;

  private final DynamoDbClient dynamo;
  private final String table;

  PartitionEraser(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** Deletes the partition's items; returns how many were deleted. */
  int erase(String partitionKey) {
    int deleted = 0;
    Map<String, AttributeValue> startKey = null;
    do {
      Map<String, AttributeValue> start = startKey;
      QueryResponse page =
          dynamo.query(
              query -> {
                query
                    .tableName(table)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partitionKey)))
                    .projectionExpression("pk, sk")
                    .consistentRead(true);
                if (start != null) {
                  query.exclusiveStartKey(start);
                }
              });
      List<WriteRequest> deletes = new ArrayList<>();
      for (Map<String, AttributeValue> item : page.items()) {
        deletes.add(
            WriteRequest.builder()
                .deleteRequest(
                    DeleteRequest.builder()
                        .key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))
                        .build())
                .build());
      }
      for (int from = 0; from < deletes.size(); from += BATCH_SIZE) {
        writeAll(deletes.subList(from, Math.min(from + BATCH_SIZE, deletes.size())));
      }
      deleted += deletes.size();
      startKey = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (startKey != null);
    return deleted;
  }

  private void writeAll(List<WriteRequest> batch) {
    List<WriteRequest> pending = batch;
    for (int round = 0; !pending.isEmpty(); round++) {
      if (round == MAX_UNPROCESSED_ROUNDS) {
        throw new IllegalStateException(
            pending.size() + " deletes still unprocessed after " + round + " rounds");
      }
      if (round > 0) {
        sleep(Math.min(1000L, 25L << round));
      }
      List<WriteRequest> sending = pending;
      BatchWriteItemResponse response =
          dynamo.batchWriteItem(write -> write.requestItems(Map.of(table, sending)));
      pending = response.unprocessedItems().getOrDefault(table, List.of());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while deleting", e);
    }
  }
}
