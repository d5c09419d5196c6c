package com.agentbilly.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

class PrimingTest {

  /** Answers GetItem with no item; every other call is the interface's default: it throws. */
  private static final class ReadsOnly implements DynamoDbClient {
    final List<GetItemRequest> reads = new ArrayList<>();
    RuntimeException failure;

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
      reads.add(request);
      if (failure != null) {
        throw failure;
      }
      return GetItemResponse.builder().build();
    }

    @Override
    public String serviceName() {
      return "dynamodb";
    }

    @Override
    public void close() {}
  }

  private final ReadsOnly dynamo = new ReadsOnly();

  @AfterEach
  void priming() {
    System.clearProperty("agentbilly.priming");
  }

  @Test
  void primingReadsOneKeyNoItemHasConsistentlyAndCallsNothingElse() {
    Priming.warm(dynamo, "agent-billy-test");

    assertThat(dynamo.reads).hasSize(1);
    GetItemRequest read = dynamo.reads.getFirst();
    assertThat(read.tableName()).isEqualTo("agent-billy-test");
    assertThat(read.key()).isEqualTo(Priming.NO_ITEM);
    assertThat(read.key().get("pk").s()).doesNotStartWith("ORG#");
    assertThat(read.consistentRead()).isTrue();
  }

  @Test
  void aFailedReadLeavesTheSnapshotUnprimedButTakenAnyway() {
    dynamo.failure = new IllegalStateException("DynamoDB is not there");

    assertThatCode(() -> Priming.warm(dynamo, "agent-billy-test")).doesNotThrowAnyException();
    assertThat(dynamo.reads).hasSize(1);
  }

  @Test
  void switchedOffItDoesNothing() {
    System.setProperty("agentbilly.priming", "false");

    Priming.warm(dynamo, "agent-billy-test");

    assertThat(Priming.enabled()).isFalse();
    assertThat(dynamo.reads).isEmpty();
  }
}
