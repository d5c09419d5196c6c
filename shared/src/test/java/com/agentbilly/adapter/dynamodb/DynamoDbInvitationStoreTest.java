package com.agentbilly.adapter.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.invitations.Invitation;
import com.agentbilly.port.InvitationStore.Acceptance;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * What accepting does with each way DynamoDB can cancel its transaction. Local moto takes requests
 * one at a time and never reports a {@code TransactionConflict}, so that path is shown here.
 */
class DynamoDbInvitationStoreTest {

  private static final Instant NOW = Instant.parse("2026-11-02T09:00:00Z");
  private static final OrgId ORG = new OrgId("org_" + "a".repeat(26));
  private static final Invitation INVITATION =
      new Invitation(
          "inv_" + "b".repeat(26),
          ORG,
          "Org",
          "ann@example.test",
          Role.VIEWER,
          "ab".repeat(32),
          NOW.minusSeconds(60),
          NOW.plus(Invitation.VALIDITY),
          "owner@example.test");
  private static final Membership ANN =
      new Membership(ORG, "Org", "u-ann", "ann@example.test", Role.VIEWER, NOW);

  private final ScriptedTable table = new ScriptedTable();
  private final DynamoDbInvitationStore store = new DynamoDbInvitationStore(table, "t");

  @Test
  void aConflictingConcurrentTransactionIsTriedAgain() {
    table.outcomes.add(cancelled("None", "TransactionConflict", "None"));

    assertThat(store.accept(INVITATION, ANN, NOW)).isEqualTo(Acceptance.JOINED);
    assertThat(table.transactions).hasSize(2);
    assertThat(table.transactions.getLast().transactItems()).hasSize(3);
  }

  @Test
  void aFailedConditionIsFinalAndNotTriedAgain() {
    table.outcomes.add(cancelled("ConditionalCheckFailed", "None", "None"));

    assertThat(store.accept(INVITATION, ANN, NOW)).isEqualTo(Acceptance.NOT_OPEN);
    assertThat(table.transactions).hasSize(1);
  }

  @Test
  void conflictsThatDoNotStopEndAsNotOpenAfterThreeTries() {
    for (int i = 0; i < 3; i++) {
      table.outcomes.add(cancelled("TransactionConflict", "None", "None"));
    }

    assertThat(store.accept(INVITATION, ANN, NOW)).isEqualTo(Acceptance.NOT_OPEN);
    assertThat(table.transactions).hasSize(3);
  }

  @Test
  void aMemberAlreadyUsesTheInvitationUpAndKeepsTheirMembership() {
    table.outcomes.add(cancelled("None", "ConditionalCheckFailed", "None"));
    table.member = true;

    assertThat(store.accept(INVITATION, ANN, NOW)).isEqualTo(Acceptance.ALREADY_MEMBER);
    assertThat(table.transactions).hasSize(2);
    TransactWriteItemsRequest useUp = table.transactions.getLast();
    assertThat(useUp.transactItems()).hasSize(2);
    assertThat(useUp.transactItems().get(0).delete().key().get("sk").s())
        .isEqualTo("INVITE#" + INVITATION.id());
    assertThat(useUp.transactItems().get(1).conditionCheck().key().get("sk").s())
        .isEqualTo("MEMBER#u-ann");
  }

  private static TransactionCanceledException cancelled(String... codes) {
    List<CancellationReason> reasons = new ArrayList<>();
    for (String code : codes) {
      reasons.add(CancellationReason.builder().code(code).build());
    }
    return TransactionCanceledException.builder()
        .message("Transaction cancelled")
        .cancellationReasons(reasons)
        .build();
  }

  /** Answers each transaction with the next scripted cancellation, then with success. */
  private static final class ScriptedTable implements DynamoDbClient {
    final Deque<TransactionCanceledException> outcomes = new ArrayDeque<>();
    final List<TransactWriteItemsRequest> transactions = new ArrayList<>();
    boolean member;

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
      transactions.add(request);
      TransactionCanceledException next = outcomes.poll();
      if (next != null) {
        throw next;
      }
      return TransactWriteItemsResponse.builder().build();
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
      return GetItemResponse.builder()
          .item(member ? Map.of("pk", AttributeValue.fromS("ORG#" + ORG.value())) : Map.of())
          .build();
    }

    @Override
    public String serviceName() {
      return "dynamodb";
    }

    @Override
    public void close() {}
  }
}
