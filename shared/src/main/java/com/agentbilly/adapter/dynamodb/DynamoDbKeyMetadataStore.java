package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.instant;
import static com.agentbilly.adapter.dynamodb.Items.s;
import static com.agentbilly.adapter.dynamodb.Items.string;
import static com.agentbilly.adapter.dynamodb.Items.time;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.keys.KeyMetadata;
import com.agentbilly.port.KeyMetadataStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * {@link KeyMetadataStore} on the single table: item {@code ORG#<org>} / {@code KEY#<purpose>}. A
 * sync key's item also carries {@code sync_pk}, which puts it in the sparse index the scheduled
 * sync reads.
 */
public final class DynamoDbKeyMetadataStore implements KeyMetadataStore {

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoDbKeyMetadataStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public Optional<KeyMetadata> find(OrgId org, SecretPurpose purpose) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(get -> get.tableName(table).key(key(org, purpose)).consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toMetadata(item));
  }

  @Override
  public List<KeyMetadata> list(OrgId org) {
    QueryResponse response =
        dynamo.query(
            query ->
                query
                    .tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(
                        Map.of(
                            ":pk", s(TableKeys.orgPk(org)), ":prefix", s(TableKeys.KEY_SK_PREFIX)))
                    .consistentRead(true));
    List<KeyMetadata> keys = new ArrayList<>();
    response.items().forEach(item -> keys.add(toMetadata(item)));
    keys.sort(Comparator.comparing(KeyMetadata::purpose));
    return keys;
  }

  @Override
  public void put(KeyMetadata metadata) {
    dynamo.putItem(put -> put.tableName(table).item(toItem(metadata)));
  }

  @Override
  public boolean delete(OrgId org, SecretPurpose purpose) {
    Map<String, AttributeValue> old =
        dynamo
            .deleteItem(
                delete ->
                    delete
                        .tableName(table)
                        .key(key(org, purpose))
                        .returnValues(ReturnValue.ALL_OLD))
            .attributes();
    return old != null && !old.isEmpty();
  }

  @Override
  public List<OrgId> orgsWithSyncKey() {
    List<OrgId> orgs = new ArrayList<>();
    Map<String, AttributeValue> startKey = null;
    do {
      Map<String, AttributeValue> start = startKey;
      QueryResponse page =
          dynamo.query(
              query -> {
                query
                    .tableName(table)
                    .indexName(TableKeys.ORGS_WITH_SYNC_KEY_INDEX)
                    .keyConditionExpression("sync_pk = :all")
                    .expressionAttributeValues(Map.of(":all", s(TableKeys.SYNC_PK_VALUE)));
                if (start != null) {
                  query.exclusiveStartKey(start);
                }
              });
      for (Map<String, AttributeValue> item : page.items()) {
        orgs.add(new OrgId(item.get("pk").s().substring("ORG#".length())));
      }
      startKey = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (startKey != null);
    return orgs;
  }

  private static Map<String, AttributeValue> key(OrgId org, SecretPurpose purpose) {
    return Map.of(TableKeys.PK, s(TableKeys.orgPk(org)), TableKeys.SK, s(TableKeys.keySk(purpose)));
  }

  private static Map<String, AttributeValue> toItem(KeyMetadata m) {
    Map<String, AttributeValue> item = new HashMap<>(key(m.org(), m.purpose()));
    item.put("type", s("key"));
    item.put("org_id", s(m.org().value()));
    item.put("purpose", s(m.purpose().wireName()));
    item.put("livemode", AttributeValue.fromBool(m.livemode()));
    item.put("last4", s(m.last4()));
    item.put("fingerprint", s(m.fingerprint()));
    item.put(
        "verified_permissions",
        AttributeValue.fromL(m.verifiedPermissions().stream().map(Items::s).toList()));
    item.put("connected_at", time(m.connectedAt()));
    item.put("connected_by", s(m.connectedBy()));
    if (m.purpose() == SecretPurpose.SYNC) {
      item.put(TableKeys.SYNC_PK, s(TableKeys.SYNC_PK_VALUE));
    }
    return item;
  }

  private static KeyMetadata toMetadata(Map<String, AttributeValue> item) {
    return new KeyMetadata(
        new OrgId(string(item, "org_id")),
        SecretPurpose.keyPurpose(string(item, "purpose")).orElseThrow(),
        Boolean.TRUE.equals(item.get("livemode").bool()),
        string(item, "last4"),
        string(item, "fingerprint"),
        item.get("verified_permissions").l().stream().map(AttributeValue::s).toList(),
        instant(item, "connected_at"),
        string(item, "connected_by"));
  }
}
