package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.api.actions.ManagerActionRoutes;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.port.IdempotencyStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code POST /orgs/{org}/refunds} end to end: real Cognito tokens through the dev gateway, the api
 * function with DynamoDB (moto), KMS and Secrets Manager, and the local Stripe behind the
 * permission layer. localstripe ignores {@code Idempotency-Key}, so every "exactly once" here is
 * ours: the refunds are counted at Stripe before and after.
 */
@WithLocalStack
class RefundIT {

  private final LocalStack stack;
  private final ActionsFixture fixture;

  RefundIT(LocalStack stack) {
    this.stack = stack;
    this.fixture = new ActionsFixture(stack);
  }

  @Test
  void theSameKeyTwiceRefundsOnceAnswersTheSameAndMirrorsRefundAndCharge() {
    String org = fixture.org("manager", "viewer");
    String charge = fixture.charge(5000);
    ApiClient manager = stack.api().as(LocalStack.MANAGER).withHeader("Idempotency-Key", key());
    Map<String, Object> body = Map.of("charge", charge, "amount", 1200);

    ApiResponse first = manager.post("/orgs/" + org + "/refunds", body);
    ApiResponse second = manager.post("/orgs/" + org + "/refunds", body);

    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(201);
    assertThat(second.json()).isEqualTo(first.json());
    JsonNode refund = first.json().get("refund");
    assertThat(refund.get("amount").asLong()).isEqualTo(1200);
    assertThat(ids(fixture.refundsOf(charge))).containsExactly(refund.get("id").asText());

    ApiResponse mirroredRefund =
        manager.get("/orgs/" + org + "/refunds/" + refund.get("id").asText());
    assertThat(mirroredRefund.status()).as(mirroredRefund.body()).isEqualTo(200);
    ApiResponse mirroredCharge = manager.get("/orgs/" + org + "/charges/" + charge);
    assertThat(mirroredCharge.json().get("amount_refunded").asLong()).isEqualTo(1200);

    List<JsonNode> entries = auditOf(org);
    assertThat(entries.stream().map(e -> e.get("action").asText()))
        .containsSubsequence("refund.created", "refund.requested");
    JsonNode created =
        entries.stream()
            .filter(e -> e.get("action").asText().equals("refund.created"))
            .findFirst()
            .orElseThrow();
    assertThat(created.get("outcome").asText()).isEqualTo("success");
    assertThat(created.get("key_purpose").asText()).isEqualTo("manager");
    assertThat(created.at("/actor/role").asText()).isEqualTo("manager");
    assertThat(entries.stream().filter(e -> e.get("action").asText().equals("refund.created")))
        .hasSize(1);
    assertThat(
            stack
                .api()
                .as(LocalStack.OWNER)
                .get("/orgs/" + org + "/audit/verify")
                .json()
                .get("valid")
                .asBoolean())
        .isTrue();
  }

  @Test
  void theSameKeyTwiceAtOnceRefundsOnceAndBothEndWithTheSameRefund() throws Exception {
    String org = fixture.org("manager");
    String charge = fixture.charge(4000);
    ApiClient manager = stack.api().as(LocalStack.MANAGER).withHeader("Idempotency-Key", key());
    Map<String, Object> body = Map.of("charge", charge, "amount", 300);

    CompletableFuture<List<ApiResponse>> first =
        CompletableFuture.supplyAsync(() -> untilNotInProgress(manager, org, body));
    CompletableFuture<List<ApiResponse>> second =
        CompletableFuture.supplyAsync(() -> untilNotInProgress(manager, org, body));
    List<ApiResponse> firstAnswers = first.get();
    List<ApiResponse> secondAnswers = second.get();

    ApiResponse firstFinal = firstAnswers.getLast();
    ApiResponse secondFinal = secondAnswers.getLast();
    assertThat(firstFinal.status()).as(firstFinal.body()).isEqualTo(201);
    assertThat(secondFinal.status()).as(secondFinal.body()).isEqualTo(201);
    assertThat(secondFinal.json()).isEqualTo(firstFinal.json());
    assertThat(fixture.refundsOf(charge)).hasSize(1);
    List<ApiResponse> all = new ArrayList<>(firstAnswers);
    all.addAll(secondAnswers);
    assertThat(all)
        .allSatisfy(
            response ->
                assertThat(response.status() == 201 || isInProgress(response))
                    .as(response.body())
                    .isTrue());
  }

  @Test
  void theSameKeyWithAnotherBodyIsValidationFailedAndRefundsNothing() {
    String org = fixture.org("manager");
    String charge = fixture.charge(3000);
    ApiClient manager = stack.api().as(LocalStack.MANAGER).withHeader("Idempotency-Key", key());

    ApiResponse first =
        manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge, "amount", 100));
    ApiResponse other =
        manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge, "amount", 200));

    assertThat(first.status()).isEqualTo(201);
    assertThat(other.status()).as(other.body()).isEqualTo(422);
    assertThat(other.json().at("/error/code").asText()).isEqualTo("validation_failed");
    assertThat(other.json().at("/error/fields/Idempotency-Key").isTextual()).isTrue();
    assertThat(fixture.refundsOf(charge)).hasSize(1);
  }

  @Test
  void aCrashBetweenStripesAnswerAndOurRecordIsRecoveredByTheRetry() throws Exception {
    String org = fixture.org("manager");
    String charge = fixture.charge(2500);
    AtomicBoolean completionFails = new AtomicBoolean(true);
    try (DevGateway crashing =
        fixture.gatewayWith(ActionsFixture.apiWith(context -> actions(context, completionFails)))) {
      ApiClient manager =
          fixture.client(crashing).as(LocalStack.MANAGER).withHeader("Idempotency-Key", key());
      Map<String, Object> body = Map.of("charge", charge);

      ApiResponse crashed = manager.post("/orgs/" + org + "/refunds", body);
      assertThat(crashed.status()).as(crashed.body()).isEqualTo(500);
      assertThat(fixture.refundsOf(charge)).hasSize(1);

      ApiResponse retry = manager.post("/orgs/" + org + "/refunds", body);
      ApiResponse again = manager.post("/orgs/" + org + "/refunds", body);

      assertThat(retry.status()).as(retry.body()).isEqualTo(201);
      assertThat(retry.json().at("/refund/id").asText())
          .isEqualTo(fixture.refundsOf(charge).get(0).get("id").asText());
      assertThat(again.json()).isEqualTo(retry.json());
      assertThat(fixture.refundsOf(charge)).hasSize(1);
      assertThat(completionFails.get()).isFalse();
    }
  }

  @Test
  void deletingTheOrgErasesItsIdempotencyRecords() {
    String org = fixture.org("manager");
    String charge = fixture.charge(1500);
    ApiResponse refunded =
        stack
            .api()
            .as(LocalStack.MANAGER)
            .withHeader("Idempotency-Key", key())
            .post("/orgs/" + org + "/refunds", Map.of("charge", charge));
    assertThat(refunded.status()).isEqualTo(201);
    assertThat(idempotencyRecords(org)).isEqualTo(1);

    ApiResponse deleted = stack.api().as(LocalStack.OWNER).delete("/orgs/" + org);

    assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
    assertThat(idempotencyRecords(org)).isZero();
  }

  private int idempotencyRecords(String org) {
    try (DynamoDbClient dynamo =
        DynamoDbClient.builder()
            .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
            .build()) {
      return dynamo
          .query(
              q ->
                  q.tableName(stack.info().table())
                      .keyConditionExpression("pk = :pk")
                      .expressionAttributeValues(
                          Map.of(
                              ":pk",
                              software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                  "ORG#" + org + "#IDEM"))))
          .count();
    }
  }

  @Test
  void withoutAnIdempotencyKeyNothingIsRefunded() {
    String org = fixture.org("manager");
    String charge = fixture.charge(1000);

    ApiResponse response =
        stack
            .api()
            .as(LocalStack.MANAGER)
            .post("/orgs/" + org + "/refunds", Map.of("charge", charge));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("invalid_request");
    assertThat(fixture.refundsOf(charge)).isEmpty();
  }

  @Test
  void withoutAManagerKeyTheRefundIsKeyNotConnected() {
    String org = fixture.org("viewer");
    String charge = fixture.charge(1000);

    ApiResponse response =
        stack
            .api()
            .as(LocalStack.OWNER)
            .withHeader("Idempotency-Key", key())
            .post("/orgs/" + org + "/refunds", Map.of("charge", charge));

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("key_not_connected");
    assertThat(response.json().at("/error/purpose").asText()).isEqualTo("manager");
  }

  @Test
  void aViewerIsForbiddenAndAuditedAndAnOutsiderIsNotFound() {
    String org = fixture.org("manager", "viewer");
    String charge = fixture.charge(1000);
    Map<String, Object> body = Map.of("charge", charge);

    ApiResponse viewer =
        stack
            .api()
            .as(LocalStack.VIEWER)
            .withHeader("Idempotency-Key", key())
            .post("/orgs/" + org + "/refunds", body);
    ApiResponse outsider =
        stack
            .api()
            .as(LocalStack.OUTSIDER)
            .withHeader("Idempotency-Key", key())
            .post("/orgs/" + org + "/refunds", body);

    assertThat(viewer.status()).isEqualTo(403);
    assertThat(viewer.json().at("/error/code").asText()).isEqualTo("forbidden");
    assertThat(outsider.status()).isEqualTo(404);
    assertThat(outsider.json().at("/error/code").asText()).isEqualTo("not_found");
    assertThat(fixture.refundsOf(charge)).isEmpty();
    JsonNode denied = auditOf(org).getFirst();
    assertThat(denied.get("action").asText()).isEqualTo("access.denied");
    assertThat(denied.get("target").asText()).isEqualTo("POST /orgs/{org}/refunds");
    assertThat(denied.at("/actor/role").asText()).isEqualTo("viewer");
  }

  @Test
  void aChargeStripeDoesNotKnowIsStripeResourceMissing() {
    String org = fixture.org("manager");

    ApiResponse response =
        stack
            .api()
            .as(LocalStack.MANAGER)
            .withHeader("Idempotency-Key", key())
            .post("/orgs/" + org + "/refunds", Map.of("charge", "ch_nosuchcharge"));

    assertThat(response.status()).as(response.body()).isEqualTo(404);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("stripe_resource_missing");
  }

  @ParameterizedTest(name = "{0} → {1} {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"charge": 5}                                      | 400 | invalid_request
          {"charge": "ch_x", "amount": -1}                   | 422 | validation_failed
          {"charge": "ch_x", "amount": 0}                    | 422 | validation_failed
          {"charge": "ch_x", "amount": 1e12}                 | 400 | invalid_request
          {"charge": "ch_x", "amount": 100000000}            | 422 | validation_failed
          {"charge": "ch_x", "refund_application_fee": true} | 422 | validation_failed
          {"charge": "ch_x", "reason": "because"}            | 422 | validation_failed
          not json                                           | 400 | invalid_request
          """)
  void badRefundsAreTheContractsErrors(String body, int status, String code) {
    String org = fixture.org("manager");

    ApiResponse response =
        stack
            .api()
            .as(LocalStack.MANAGER)
            .withHeader("Idempotency-Key", key())
            .post("/orgs/" + org + "/refunds", body);

    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.json().at("/error/code").asText()).isEqualTo(code);
  }

  @Test
  void aBodyOver256KiBIsPayloadTooLarge() {
    String org = fixture.org("manager");
    String body = "{\"charge\": \"ch_x\", \"pad\": \"" + "x".repeat(300 * 1024) + "\"}";

    ApiResponse response =
        stack
            .api()
            .as(LocalStack.MANAGER)
            .withHeader("Idempotency-Key", key())
            .post("/orgs/" + org + "/refunds", body);

    assertThat(response.status()).isEqualTo(413);
  }

  /** The real actions wiring, except that completing a record fails the first time. */
  static ManagerActionRoutes actions(
      io.micronaut.context.ApplicationContext context, AtomicBoolean completionFails) {
    IdempotencyStore real = ActionsFixture.records(context);
    IdempotencyStore completionFailsOnce =
        new IdempotencyStore() {
          @Override
          public Claim claim(
              RequestKey request,
              String fingerprint,
              Instant now,
              Duration lease,
              Duration retention) {
            return real.claim(request, fingerprint, now, lease, retention);
          }

          @Override
          public void complete(
              RequestKey request, String fingerprint, int status, String body, boolean audited) {
            if (completionFails.getAndSet(false)) {
              throw new IllegalStateException("simulated crash before the answer was recorded");
            }
            real.complete(request, fingerprint, status, body, audited);
          }

          @Override
          public void abandon(RequestKey request, String fingerprint) {
            real.abandon(request, fingerprint);
          }

          @Override
          public void markAudited(RequestKey request, String fingerprint) {
            real.markAudited(request, fingerprint);
          }
        };
    return ActionsFixture.actions(
        context, completionFailsOnce, context.getBean(RequestAuditor.class));
  }

  /** Sends the request, and again while it is answered 409 request_in_progress. */
  private static List<ApiResponse> untilNotInProgress(
      ApiClient client, String org, Map<String, Object> body) {
    List<ApiResponse> answers = new ArrayList<>();
    for (int attempt = 0; attempt < 50; attempt++) {
      ApiResponse response = client.post("/orgs/" + org + "/refunds", body);
      answers.add(response);
      if (!isInProgress(response)) {
        return answers;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return answers;
  }

  private static boolean isInProgress(ApiResponse response) {
    return response.status() == 409
        && response.json().at("/error/code").asText().equals("request_in_progress");
  }

  private List<JsonNode> auditOf(String org) {
    ApiResponse audit = stack.api().as(LocalStack.OWNER).get("/orgs/" + org + "/audit?limit=100");
    assertThat(audit.status()).as(audit.body()).isEqualTo(200);
    return StreamSupport.stream(audit.json().get("data").spliterator(), false).toList();
  }

  private static List<String> ids(JsonNode list) {
    return StreamSupport.stream(list.spliterator(), false).map(n -> n.get("id").asText()).toList();
  }

  private static String key() {
    return UUID.randomUUID().toString();
  }
}
