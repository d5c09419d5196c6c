package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.instant;
import static com.agentbilly.adapter.dynamodb.Items.s;
import static com.agentbilly.adapter.dynamodb.Items.string;
import static com.agentbilly.adapter.dynamodb.Items.time;

import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.invitations.Invitation;
import com.agentbilly.port.InvitationStore;
import java.time.Instant;
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
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * {@link InvitationStore} on the single table. An invitation is an item of the org's own partition
 * ({@code ORG#<org>}, {@code INVITE#<id>}), so deleting the org's partition deletes it and its
 * index entry; its code hash is the {@code gsi2} key that finds it from outside the org. {@code
 * expires_at} (epoch seconds) is the table's TTL attribute, so expired invitations also go away.
 */
public final class DynamoDbInvitationStore implements InvitationStore {

  private static final String INVITATION_GSI_SK = "INVITE";
  private static final String OPEN = "attribute_exists(pk) AND expires_at > :now";

  /** How often an accept is tried when DynamoDB reports a conflicting concurrent transaction. */
  private static final int CONFLICT_ATTEMPTS = 3;

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoDbInvitationStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public void create(Invitation invitation) {
    dynamo.putItem(
        put ->
            put.tableName(table)
                .item(item(invitation))
                .conditionExpression("attribute_not_exists(pk)"));
  }

  @Override
  public Optional<Invitation> findByCodeHash(String codeHash) {
    QueryResponse found =
        dynamo.query(
            query ->
                query
                    .tableName(table)
                    .indexName(TableKeys.GSI2)
                    .keyConditionExpression("gsi2pk = :code AND gsi2sk = :invite")
                    .expressionAttributeValues(
                        Map.of(
                            ":code",
                            s(TableKeys.invitationCodePk(codeHash)),
                            ":invite",
                            s(INVITATION_GSI_SK)))
                    .limit(1));
    return found.items().stream().findFirst().map(DynamoDbInvitationStore::toInvitation);
  }

  @Override
  public List<Invitation> list(OrgId org) {
    List<Invitation> invitations = new ArrayList<>();
    Map<String, AttributeValue> startKey = null;
    do {
      QueryRequest.Builder query =
          QueryRequest.builder()
              .tableName(table)
              .keyConditionExpression("pk = :org AND begins_with(sk, :invite)")
              .expressionAttributeValues(
                  Map.of(
                      ":org",
                      s(TableKeys.orgPk(org)),
                      ":invite",
                      s(TableKeys.INVITATION_SK_PREFIX)))
              .consistentRead(true);
      if (startKey != null) {
        query.exclusiveStartKey(startKey);
      }
      QueryResponse page = dynamo.query(query.build());
      page.items().forEach(item -> invitations.add(toInvitation(item)));
      startKey = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (startKey != null);
    return invitations;
  }

  @Override
  public Optional<Invitation> revoke(OrgId org, String invitationId, Instant now) {
    try {
      Map<String, AttributeValue> old =
          dynamo
              .deleteItem(
                  delete ->
                      delete
                          .tableName(table)
                          .key(
                              DynamoDbOrgStore.key(
                                  TableKeys.orgPk(org), TableKeys.invitationSk(invitationId)))
                          .conditionExpression(OPEN)
                          .expressionAttributeValues(Map.of(":now", epochSeconds(now)))
                          .returnValues(ReturnValue.ALL_OLD))
              .attributes();
      return Optional.of(toInvitation(old));
    } catch (ConditionalCheckFailedException e) {
      return Optional.empty();
    }
  }

  @Override
  public Acceptance accept(Invitation invitation, Membership member, Instant now) {
    for (int attempt = 1; ; attempt++) {
      try {
        join(invitation, member, now);
        return Acceptance.JOINED;
      } catch (TransactionCanceledException e) {
        if (attempt < CONFLICT_ATTEMPTS && isConflict(e)) {
          continue;
        }
        return isMember(member) ? useUpForMember(invitation, member, now) : Acceptance.NOT_OPEN;
      }
    }
  }

  /**
   * True when DynamoDB cancelled the transaction because another one was writing the same items at
   * that moment (not because a condition failed): trying again then decides.
   */
  private static boolean isConflict(TransactionCanceledException e) {
    return e.hasCancellationReasons()
        && e.cancellationReasons().stream()
            .anyMatch(reason -> "TransactionConflict".equals(reason.code()));
  }

  /** Uses the invitation up and adds the member, in one transaction, while the org exists. */
  private void join(Invitation invitation, Membership member, Instant now) {
    Map<String, AttributeValue> memberItem = DynamoDbOrgStore.membershipItem(member);
    dynamo.transactWriteItems(
        tx ->
            tx.transactItems(
                useUp(invitation, now),
                TransactWriteItem.builder()
                    .put(
                        Put.builder()
                            .tableName(table)
                            .item(memberItem)
                            .conditionExpression("attribute_not_exists(pk)")
                            .build())
                    .build(),
                TransactWriteItem.builder()
                    .conditionCheck(
                        ConditionCheck.builder()
                            .tableName(table)
                            .key(
                                DynamoDbOrgStore.key(
                                    TableKeys.orgPk(invitation.orgId()), TableKeys.ORG_SK))
                            .conditionExpression("attribute_exists(pk)")
                            .build())
                    .build()));
  }

  /** A member already: the invitation is used up only while they are still a member. */
  private Acceptance useUpForMember(Invitation invitation, Membership member, Instant now) {
    try {
      dynamo.transactWriteItems(
          tx ->
              tx.transactItems(
                  useUp(invitation, now),
                  TransactWriteItem.builder()
                      .conditionCheck(
                          ConditionCheck.builder()
                              .tableName(table)
                              .key(
                                  DynamoDbOrgStore.key(
                                      TableKeys.orgPk(member.orgId()),
                                      TableKeys.memberSk(member.userId())))
                              .conditionExpression("attribute_exists(pk)")
                              .build())
                      .build()));
      return Acceptance.ALREADY_MEMBER;
    } catch (TransactionCanceledException e) {
      return Acceptance.NOT_OPEN;
    }
  }

  private TransactWriteItem useUp(Invitation invitation, Instant now) {
    return TransactWriteItem.builder()
        .delete(
            Delete.builder()
                .tableName(table)
                .key(
                    DynamoDbOrgStore.key(
                        TableKeys.orgPk(invitation.orgId()),
                        TableKeys.invitationSk(invitation.id())))
                .conditionExpression(OPEN)
                .expressionAttributeValues(Map.of(":now", epochSeconds(now)))
                .build())
        .build();
  }

  private boolean isMember(Membership member) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                get ->
                    get.tableName(table)
                        .key(
                            DynamoDbOrgStore.key(
                                TableKeys.orgPk(member.orgId()),
                                TableKeys.memberSk(member.userId())))
                        .consistentRead(true))
            .item();
    return item != null && !item.isEmpty();
  }

  private static AttributeValue epochSeconds(Instant instant) {
    return AttributeValue.fromN(Long.toString(instant.getEpochSecond()));
  }

  private static Map<String, AttributeValue> item(Invitation invitation) {
    Map<String, AttributeValue> item =
        new HashMap<>(
            DynamoDbOrgStore.key(
                TableKeys.orgPk(invitation.orgId()), TableKeys.invitationSk(invitation.id())));
    item.put("type", s("invitation"));
    item.put("invitation_id", s(invitation.id()));
    item.put("org_id", s(invitation.orgId().value()));
    item.put("org_name", s(invitation.orgName()));
    item.put("email", s(invitation.email()));
    item.put("role", s(invitation.role().wireName()));
    item.put("created_at", time(invitation.createdAt()));
    item.put("expires_at", epochSeconds(invitation.expiresAt()));
    item.put("invited_by", s(invitation.invitedBy()));
    item.put(TableKeys.GSI2_PK, s(TableKeys.invitationCodePk(invitation.codeHash())));
    item.put(TableKeys.GSI2_SK, s(INVITATION_GSI_SK));
    return item;
  }

  private static Invitation toInvitation(Map<String, AttributeValue> item) {
    String codePk = string(item, TableKeys.GSI2_PK);
    return new Invitation(
        string(item, "invitation_id"),
        new OrgId(string(item, "org_id")),
        string(item, "org_name"),
        string(item, "email"),
        Role.fromWireName(string(item, "role")).orElseThrow(),
        codePk.substring(TableKeys.invitationCodePk("").length()),
        instant(item, "created_at"),
        Instant.ofEpochSecond(Long.parseLong(item.get("expires_at").n())),
        string(item, "invited_by"));
  }
}
