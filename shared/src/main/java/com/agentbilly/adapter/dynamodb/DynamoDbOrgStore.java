package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.instant;
import static com.agentbilly.adapter.dynamodb.Items.nullable;
import static com.agentbilly.adapter.dynamodb.Items.s;
import static com.agentbilly.adapter.dynamodb.Items.string;
import static com.agentbilly.adapter.dynamodb.Items.time;

import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.port.OrgStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/** {@link OrgStore} on the single DynamoDB table. */
public final class DynamoDbOrgStore implements OrgStore {

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoDbOrgStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public void createOrg(Org org, Membership owner) {
    dynamo.transactWriteItems(
        tx ->
            tx.transactItems(
                TransactWriteItem.builder()
                    .put(
                        Put.builder()
                            .tableName(table)
                            .item(orgItem(org))
                            .conditionExpression("attribute_not_exists(pk)")
                            .build())
                    .build(),
                TransactWriteItem.builder()
                    .put(Put.builder().tableName(table).item(membershipItem(owner)).build())
                    .build()));
  }

  @Override
  public Optional<Org> findOrg(OrgId id) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                get ->
                    get.tableName(table)
                        .key(key(TableKeys.orgPk(id), TableKeys.ORG_SK))
                        .consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toOrg(item));
  }

  @Override
  public Optional<Membership> findMembership(OrgId org, String userId) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                get ->
                    get.tableName(table)
                        .key(key(TableKeys.orgPk(org), TableKeys.memberSk(userId)))
                        .consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toMembership(item));
  }

  @Override
  public List<Membership> members(OrgId org) {
    List<Membership> members = new ArrayList<>();
    Map<String, AttributeValue> startKey = null;
    do {
      QueryRequest.Builder query =
          QueryRequest.builder()
              .tableName(table)
              .keyConditionExpression("pk = :org AND begins_with(sk, :member)")
              .expressionAttributeValues(
                  Map.of(":org", s(TableKeys.orgPk(org)), ":member", s(TableKeys.MEMBER_SK_PREFIX)))
              .consistentRead(true);
      if (startKey != null) {
        query.exclusiveStartKey(startKey);
      }
      QueryResponse page = dynamo.query(query.build());
      page.items().forEach(item -> members.add(toMembership(item)));
      startKey = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (startKey != null);
    return members;
  }

  @Override
  public List<Membership> membershipsOf(String userId) {
    List<Membership> memberships = new ArrayList<>();
    Map<String, AttributeValue> startKey = null;
    do {
      QueryRequest.Builder query =
          QueryRequest.builder()
              .tableName(table)
              .indexName(TableKeys.GSI1)
              .keyConditionExpression("gsi1pk = :user")
              .expressionAttributeValues(Map.of(":user", s(TableKeys.userPk(userId))));
      if (startKey != null) {
        query.exclusiveStartKey(startKey);
      }
      QueryResponse page = dynamo.query(query.build());
      page.items().forEach(item -> memberships.add(toMembership(item)));
      startKey = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (startKey != null);
    return memberships;
  }

  @Override
  public void putMembership(Membership membership) {
    dynamo.putItem(put -> put.tableName(table).item(membershipItem(membership)));
  }

  @Override
  public boolean changeRole(OrgId org, String userId, Role expected, Role role, String keptOwner) {
    Update update =
        Update.builder()
            .tableName(table)
            .key(key(TableKeys.orgPk(org), TableKeys.memberSk(userId)))
            .updateExpression("SET #role = :role")
            .conditionExpression("#role = :expected")
            .expressionAttributeNames(Map.of("#role", "role"))
            .expressionAttributeValues(
                Map.of(":role", s(role.wireName()), ":expected", s(expected.wireName())))
            .build();
    return writeKeepingOwner(org, TransactWriteItem.builder().update(update).build(), keptOwner);
  }

  @Override
  public boolean removeMember(OrgId org, String userId, Role expected, String keptOwner) {
    Delete delete =
        Delete.builder()
            .tableName(table)
            .key(key(TableKeys.orgPk(org), TableKeys.memberSk(userId)))
            .conditionExpression("#role = :expected")
            .expressionAttributeNames(Map.of("#role", "role"))
            .expressionAttributeValues(Map.of(":expected", s(expected.wireName())))
            .build();
    return writeKeepingOwner(org, TransactWriteItem.builder().delete(delete).build(), keptOwner);
  }

  /**
   * One transaction: the conditional write, and — when {@code keptOwner} is given — a check that
   * they are still an owner. Transactions are serialisable, so every committed one leaves an owner.
   */
  private boolean writeKeepingOwner(OrgId org, TransactWriteItem write, String keptOwner) {
    List<TransactWriteItem> items = new ArrayList<>();
    items.add(write);
    if (keptOwner != null) {
      items.add(
          TransactWriteItem.builder()
              .conditionCheck(
                  ConditionCheck.builder()
                      .tableName(table)
                      .key(key(TableKeys.orgPk(org), TableKeys.memberSk(keptOwner)))
                      .conditionExpression("#role = :owner")
                      .expressionAttributeNames(Map.of("#role", "role"))
                      .expressionAttributeValues(Map.of(":owner", s(Role.OWNER.wireName())))
                      .build())
              .build());
    }
    try {
      dynamo.transactWriteItems(tx -> tx.transactItems(items));
      return true;
    } catch (TransactionCanceledException e) {
      return false;
    }
  }

  @Override
  public String recordStripeAccount(OrgId org, String account) {
    try {
      dynamo.updateItem(
          update ->
              update
                  .tableName(table)
                  .key(key(TableKeys.orgPk(org), TableKeys.ORG_SK))
                  .updateExpression("SET stripe_account = :account")
                  .conditionExpression(
                      "attribute_exists(pk) AND (attribute_not_exists(stripe_account)"
                          + " OR attribute_type(stripe_account, :null) OR stripe_account = :account)")
                  .expressionAttributeValues(Map.of(":account", s(account), ":null", s("NULL"))));
      return account;
    } catch (ConditionalCheckFailedException e) {
      return findOrg(org)
          .map(Org::stripeAccount)
          .orElseThrow(() -> new IllegalStateException("org vanished: " + org));
    }
  }

  @Override
  public void setWebhookConfigured(OrgId org, boolean configured) {
    dynamo.updateItem(
        update ->
            update
                .tableName(table)
                .key(key(TableKeys.orgPk(org), TableKeys.ORG_SK))
                .updateExpression("SET webhook_configured = :configured")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(
                    Map.of(":configured", AttributeValue.fromBool(configured))));
  }

  @Override
  public void deleteOrgData(OrgId org) {
    for (String partition : TableKeys.orgPartitions(org)) {
      new PartitionEraser(dynamo, table).erase(partition);
    }
  }

  static Map<String, AttributeValue> key(String pk, String sk) {
    return Map.of(TableKeys.PK, s(pk), TableKeys.SK, s(sk));
  }

  private static Map<String, AttributeValue> orgItem(Org org) {
    Map<String, AttributeValue> item =
        new HashMap<>(key(TableKeys.orgPk(org.id()), TableKeys.ORG_SK));
    item.put("type", s("org"));
    item.put("org_id", s(org.id().value()));
    item.put("name", s(org.name()));
    item.put("mode", s(org.mode().wireName()));
    item.put("stripe_account", nullable(org.stripeAccount()));
    item.put("webhook_configured", AttributeValue.fromBool(org.webhookConfigured()));
    item.put("created_at", time(org.createdAt()));
    item.put("created_by", s(org.createdBy()));
    return item;
  }

  /** The item of a membership; also written by the invitation store when one is accepted. */
  static Map<String, AttributeValue> membershipItem(Membership m) {
    Map<String, AttributeValue> item =
        new HashMap<>(key(TableKeys.orgPk(m.orgId()), TableKeys.memberSk(m.userId())));
    item.put("type", s("membership"));
    item.put("org_id", s(m.orgId().value()));
    item.put("org_name", s(m.orgName()));
    item.put("user_id", s(m.userId()));
    item.put("username", s(m.username()));
    item.put("role", s(m.role().wireName()));
    item.put("joined_at", time(m.joinedAt()));
    item.put(TableKeys.GSI1_PK, s(TableKeys.userPk(m.userId())));
    item.put(TableKeys.GSI1_SK, s(TableKeys.orgPk(m.orgId())));
    return item;
  }

  private static Org toOrg(Map<String, AttributeValue> item) {
    return new Org(
        new OrgId(string(item, "org_id")),
        string(item, "name"),
        Mode.fromWireName(string(item, "mode")).orElseThrow(),
        string(item, "stripe_account"),
        Boolean.TRUE.equals(
            item.getOrDefault("webhook_configured", AttributeValue.fromBool(false)).bool()),
        instant(item, "created_at"),
        string(item, "created_by"));
  }

  private static Membership toMembership(Map<String, AttributeValue> item) {
    return new Membership(
        new OrgId(string(item, "org_id")),
        string(item, "org_name"),
        string(item, "user_id"),
        string(item, "username"),
        Role.fromWireName(string(item, "role")).orElseThrow(),
        instant(item, "joined_at"));
  }
}
