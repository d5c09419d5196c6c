package com.agentbilly.awsslim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Every operation operations.properties lists, against the local AWS, as the product calls them.
 * Compiled against the whole SDK, but {@link AwsSlimLinkIT} defines it in a loader that has the
 * slim jar instead of the service jars: each call runs the slim jar's marshallers, unmarshallers
 * and exceptions. Answers what it saw, one line per step.
 */
public final class SlimAwsProbe implements Function<Map<String, String>, List<String>> {

  @Override
  public List<String> apply(Map<String, String> in) {
    List<String> seen = new ArrayList<>();
    String table = in.get("table");
    try (DynamoDbClient db =
        DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
      db.putItem(r -> r.tableName(table).item(item("A", 1)));
      db.updateItem(
          r ->
              r.tableName(table)
                  .key(key("A"))
                  .updateExpression("ADD n :one")
                  .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
      seen.add(
          "get n="
              + db.getItem(r -> r.tableName(table).key(key("A")).consistentRead(true))
                  .item()
                  .get("n")
                  .n());
      db.transactWriteItems(r -> r.transactItems(putIfAbsent(table, item("B", 2))));
      db.batchWriteItem(
          r ->
              r.requestItems(
                  Map.of(
                      table,
                      List.of(
                          WriteRequest.builder()
                              .putRequest(PutRequest.builder().item(item("C", 3)).build())
                              .build()))));
      seen.add(
          "batch get="
              + db.batchGetItem(
                      r ->
                          r.requestItems(
                              Map.of(
                                  table,
                                  KeysAndAttributes.builder()
                                      .keys(List.of(key("A"), key("B"), key("C")))
                                      .consistentRead(true)
                                      .build())))
                  .responses()
                  .get(table)
                  .size());
      db.deleteItem(r -> r.tableName(table).key(key("A")));
      seen.add(
          "query="
              + db.query(
                      r ->
                          r.tableName(table)
                              .keyConditionExpression("pk = :pk")
                              .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("P")))
                              .consistentRead(true))
                  .count());
      try {
        db.putItem(
            r ->
                r.tableName(table)
                    .item(item("B", 9))
                    .conditionExpression("attribute_not_exists(pk)"));
      } catch (ConditionalCheckFailedException e) {
        seen.add("conditional check failed");
      }
      try {
        db.transactWriteItems(r -> r.transactItems(putIfAbsent(table, item("C", 9))));
      } catch (TransactionCanceledException e) {
        seen.add("transaction cancelled: " + e.cancellationReasons().get(0).code());
      }
    }
    try (KmsClient kms = KmsClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
      SdkBytes sealed =
          kms.encrypt(r -> r.keyId(in.get("key")).plaintext(SdkBytes.fromUtf8String("plain")))
              .ciphertextBlob();
      seen.add(
          "decrypted="
              + kms.decrypt(r -> r.ciphertextBlob(sealed))
                  .plaintext()
                  .asString(StandardCharsets.UTF_8));
    }
    try (SecretsManagerClient secrets =
        SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
      String name = in.get("secret");
      secrets.createSecret(r -> r.name(name).secretString("one"));
      secrets.putSecretValue(r -> r.secretId(name).secretString("two"));
      seen.add("secret=" + secrets.getSecretValue(r -> r.secretId(name)).secretString());
      secrets.deleteSecret(r -> r.secretId(name).forceDeleteWithoutRecovery(true));
      try {
        secrets.getSecretValue(r -> r.secretId(name + "-never"));
      } catch (ResourceNotFoundException e) {
        seen.add("secret not found");
      }
    }
    return seen;
  }

  private static TransactWriteItem putIfAbsent(String table, Map<String, AttributeValue> item) {
    return TransactWriteItem.builder()
        .put(
            Put.builder()
                .tableName(table)
                .item(item)
                .conditionExpression("attribute_not_exists(pk)")
                .build())
        .build();
  }

  private static Map<String, AttributeValue> key(String sk) {
    return Map.of("pk", AttributeValue.fromS("P"), "sk", AttributeValue.fromS(sk));
  }

  private static Map<String, AttributeValue> item(String sk, int n) {
    return Map.of(
        "pk", AttributeValue.fromS("P"),
        "sk", AttributeValue.fromS(sk),
        "n", AttributeValue.fromN(Integer.toString(n)));
  }
}
