package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Every index the mirror store queries exists in template.yaml's table, keyed as the code says. */
class MirrorIndexesTemplateTest {

  @Test
  void everyIndexTheMirrorQueriesIsDeclaredWithTheSameStringKeysAndAllAttributes()
      throws IOException {
    CreateTableRequest table = SamTemplate.fromRepository().createTableRequest("mirror");
    Map<String, GlobalSecondaryIndex> declared =
        table.globalSecondaryIndexes().stream()
            .collect(Collectors.toMap(GlobalSecondaryIndex::indexName, Function.identity()));
    Map<String, ScalarAttributeType> attributeTypes =
        table.attributeDefinitions().stream()
            .collect(Collectors.toMap(a -> a.attributeName(), a -> a.attributeType()));

    assertThat(DynamoDbMirrorStore.queriedIndexes()).containsOnlyKeys("gsi1", "gsi2", "gsi3");
    DynamoDbMirrorStore.queriedIndexes()
        .forEach(
            (name, keys) -> {
              assertThat(declared).containsKey(name);
              GlobalSecondaryIndex index = declared.get(name);
              assertThat(index.keySchema())
                  .as(name)
                  .containsExactly(
                      KeySchemaElement.builder()
                          .attributeName(keys.get(0))
                          .keyType(KeyType.HASH)
                          .build(),
                      KeySchemaElement.builder()
                          .attributeName(keys.get(1))
                          .keyType(KeyType.RANGE)
                          .build());
              assertThat(index.projection().projectionType())
                  .as(name)
                  .isEqualTo(ProjectionType.ALL);
              assertThat(List.of(attributeTypes.get(keys.get(0)), attributeTypes.get(keys.get(1))))
                  .as(name)
                  .containsExactly(ScalarAttributeType.S, ScalarAttributeType.S);
            });
  }

  @Test
  void theTableIsKeyedByStringPkAndSkAndExpiresByExpiresAt() throws IOException {
    SamTemplate template = SamTemplate.fromRepository();
    CreateTableRequest table = template.createTableRequest("mirror");

    assertThat(table.keySchema())
        .containsExactly(
            KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build());
    assertThat(template.timeToLive().orElseThrow().attributeName()).isEqualTo("expires_at");
  }
}
