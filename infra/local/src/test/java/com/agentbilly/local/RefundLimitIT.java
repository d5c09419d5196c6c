package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The refund limits end to end: real Cognito tokens through the dev gateway, the api function with
 * DynamoDB (moto), KMS and Secrets Manager, and the local Stripe behind the permission layer. What
 * reached Stripe is counted at Stripe.
 */
@WithLocalStack
class RefundLimitIT {

  private final LocalStack stack;
  private final ActionsFixture fixture;

  RefundLimitIT(LocalStack stack) {
    this.stack = stack;
    this.fixture = new ActionsFixture(stack);
  }

  @Test
  void theOwnerSetsLimitsAndAManagersRefundOverThePerRefundLimitNeverReachesStripe() {
    String org = fixture.org("manager");
    String charge = fixture.charge(5000);
    Map<String, Object> limits =
        Map.of("per_refund", Map.of("usd", 1000), "per_day", Map.of("usd", 100000));

    ApiResponse set = stack.api().as(LocalStack.OWNER).put(limitsOf(org), limits);
    ApiResponse read = stack.api().as(LocalStack.MANAGER).get(limitsOf(org));
    ApiResponse over = refund(org, LocalStack.MANAGER, key(), charge, 1500L);
    ApiResponse whole = refund(org, LocalStack.MANAGER, key(), charge, null);

    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json()).isEqualTo(set.json());
    assertThat(read.json().at("/per_refund/usd").asLong()).isEqualTo(1000);
    assertThat(over.status()).as(over.body()).isEqualTo(403);
    JsonNode error = over.json().get("error");
    assertThat(error.get("code").asText()).isEqualTo("refund_limit_exceeded");
    assertThat(error.get("limit").asText()).isEqualTo("per_refund");
    assertThat(error.get("currency").asText()).isEqualTo("usd");
    assertThat(error.get("amount").asLong()).isEqualTo(1500);
    // Without an amount the whole charge (5000, read from Stripe: the mirror lacks it) counts.
    assertThat(whole.status()).as(whole.body()).isEqualTo(403);
    assertThat(whole.json().at("/error/amount").asLong()).isEqualTo(5000);
    assertThat(fixture.refundsOf(charge)).isEmpty();
    List<JsonNode> refusals =
        auditOf(org).stream()
            .filter(e -> e.get("action").asText().equals("refund.limit_exceeded"))
            .toList();
    assertThat(refusals).hasSize(2);
    assertThat(refusals)
        .allSatisfy(
            entry -> {
              assertThat(entry.get("outcome").asText()).isEqualTo("denied");
              assertThat(entry.get("target").asText()).isEqualTo("charge:" + charge);
              assertThat(entry.at("/actor/role").asText()).isEqualTo("manager");
              assertThat(entry.at("/details/limit").asText()).isEqualTo("per_refund");
            });
    assertThat(auditOf(org).stream().map(e -> e.get("action").asText()))
        .contains("refund_limits.set")
        .doesNotContain("refund.requested");
  }

  @Test
  void ownersAreNotLimitedAndAManagerWithinTheLimitRefunds() {
    String org = fixture.org("manager");
    String charge = fixture.charge(5000);
    setLimits(org, Map.of("usd", 1000), Map.of("usd", 1000));

    ApiResponse owner = refund(org, LocalStack.OWNER, key(), charge, 3000L);
    ApiResponse manager = refund(org, LocalStack.MANAGER, key(), charge, 1000L);

    assertThat(owner.status()).as(owner.body()).isEqualTo(201);
    assertThat(manager.status()).as(manager.body()).isEqualTo(201);
    assertThat(fixture.refundsOf(charge)).hasSize(2);
  }

  @Test
  void theDailyLimitCountsSeveralRefundsAndARetryWithTheSameKeyOnce() {
    String org = fixture.org("manager");
    String charge = fixture.charge(5000);
    setLimits(org, Map.of(), Map.of("usd", 1000));
    String firstKey = key();

    ApiResponse first = refund(org, LocalStack.MANAGER, firstKey, charge, 400L);
    ApiResponse retry = refund(org, LocalStack.MANAGER, firstKey, charge, 400L);
    ApiResponse second = refund(org, LocalStack.MANAGER, key(), charge, 400L);
    ApiResponse over = refund(org, LocalStack.MANAGER, key(), charge, 300L);
    ApiResponse fits = refund(org, LocalStack.MANAGER, key(), charge, 200L);

    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(retry.status()).isEqualTo(201);
    assertThat(retry.json()).isEqualTo(first.json());
    assertThat(second.status()).as(second.body()).isEqualTo(201);
    assertThat(over.status()).as(over.body()).isEqualTo(403);
    assertThat(over.json().at("/error/code").asText()).isEqualTo("refund_limit_exceeded");
    assertThat(over.json().at("/error/limit").asText()).isEqualTo("per_day");
    assertThat(over.json().at("/error/day_total").asLong()).isEqualTo(800);
    assertThat(fits.status()).as(fits.body()).isEqualTo(201);
    assertThat(amounts(fixture.refundsOf(charge))).containsExactlyInAnyOrder(400L, 400L, 200L);
  }

  @Test
  void aRefundStripeRefusesGivesTheDayItsAmountBack() {
    String org = fixture.org("manager");
    String charge = fixture.charge(5000);
    setLimits(org, Map.of(), Map.of("usd", 1500));
    ApiClient manager = stack.api().as(LocalStack.MANAGER);

    // localstripe refuses any refund with a reason (400): a definite refusal, nothing refunded.
    ApiResponse refused =
        manager
            .withHeader("Idempotency-Key", key())
            .post(
                "/orgs/" + org + "/refunds",
                Map.of("charge", charge, "amount", 1000, "reason", "duplicate"));
    ApiResponse fits = refund(org, LocalStack.MANAGER, key(), charge, 1000L);
    ApiResponse over = refund(org, LocalStack.MANAGER, key(), charge, 600L);

    assertThat(refused.status()).as(refused.body()).isEqualTo(422);
    assertThat(refused.json().at("/error/code").asText()).isEqualTo("stripe_invalid_request");
    // 1000 + 1000 fit the 1500 only because the refused 1000 was given back.
    assertThat(fits.status()).as(fits.body()).isEqualTo(201);
    assertThat(over.status()).as(over.body()).isEqualTo(403);
    assertThat(over.json().at("/error/day_total").asLong()).isEqualTo(1000);
    assertThat(amounts(fixture.refundsOf(charge))).containsExactly(1000L);
  }

  /**
   * N refunds at once, each of its own charge with its own key, whose sum is over the day's limit:
   * exactly as many succeed as fit, and Stripe holds exactly those.
   */
  @Test
  void parallelRefundsOverTheDailyLimitSucceedExactlyAsFarAsTheyFit() throws Exception {
    int parallel = 8;
    long amount = 1000;
    int fit = 3;
    String org = fixture.org("manager");
    setLimits(org, Map.of(), Map.of("usd", fit * amount + amount / 2));
    List<String> charges = new ArrayList<>();
    for (int i = 0; i < parallel; i++) {
      charges.add(fixture.charge(amount));
    }
    ApiClient manager = stack.api().as(LocalStack.MANAGER);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<ApiResponse>> answers = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(parallel)) {
      for (String charge : charges) {
        answers.add(
            threads.submit(
                () -> {
                  start.await();
                  return manager
                      .withHeader("Idempotency-Key", key())
                      .post(
                          "/orgs/" + org + "/refunds", Map.of("charge", charge, "amount", amount));
                }));
      }
      start.countDown();
    }

    List<String> refunded = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < parallel; i++) {
      ApiResponse answer = answers.get(i).get();
      if (answer.status() == 201) {
        refunded.add(charges.get(i));
      } else {
        assertThat(answer.status()).as(answer.body()).isEqualTo(403);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("refund_limit_exceeded");
        refused.add(charges.get(i));
      }
    }
    assertThat(refunded).hasSize(fit);
    assertThat(refused).hasSize(parallel - fit);
    assertThat(refunded).allSatisfy(c -> assertThat(fixture.refundsOf(c)).hasSize(1));
    assertThat(refused).allSatisfy(c -> assertThat(fixture.refundsOf(c)).isEmpty());
  }

  @Test
  void badLimitsAreRefusedAndTheOldOnesKept() {
    String org = fixture.org("manager");
    setLimits(org, Map.of("usd", 1000), Map.of());
    ApiClient owner = stack.api().as(LocalStack.OWNER);

    ApiResponse upper = owner.put(limitsOf(org), Map.of("per_refund", Map.of("USD", 5)));
    ApiResponse zero = owner.put(limitsOf(org), Map.of("per_day", Map.of("usd", 0)));
    ApiResponse unknown = owner.put(limitsOf(org), Map.of("per_week", Map.of("usd", 5)));
    ApiResponse notNumber = owner.put(limitsOf(org), Map.of("per_day", Map.of("usd", "5")));

    assertThat(upper.status()).as(upper.body()).isEqualTo(422);
    assertThat(upper.json().at("/error/code").asText()).isEqualTo("validation_failed");
    assertThat(zero.status()).isEqualTo(422);
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(notNumber.status()).isEqualTo(400);
    assertThat(owner.get(limitsOf(org)).json().at("/per_refund/usd").asLong()).isEqualTo(1000);
  }

  private void setLimits(String org, Map<String, Object> perRefund, Map<String, Object> perDay) {
    ApiResponse set =
        stack
            .api()
            .as(LocalStack.OWNER)
            .put(limitsOf(org), Map.of("per_refund", perRefund, "per_day", perDay));
    assertThat(set.status()).as(set.body()).isEqualTo(200);
  }

  private ApiResponse refund(String org, String user, String key, String charge, Long amount) {
    Map<String, Object> body =
        amount == null ? Map.of("charge", charge) : Map.of("charge", charge, "amount", amount);
    return stack
        .api()
        .as(user)
        .withHeader("Idempotency-Key", key)
        .post("/orgs/" + org + "/refunds", body);
  }

  private List<JsonNode> auditOf(String org) {
    ApiResponse audit = stack.api().as(LocalStack.OWNER).get("/orgs/" + org + "/audit?limit=100");
    assertThat(audit.status()).as(audit.body()).isEqualTo(200);
    return StreamSupport.stream(audit.json().get("data").spliterator(), false).toList();
  }

  private static List<Long> amounts(JsonNode refunds) {
    return StreamSupport.stream(refunds.spliterator(), false)
        .map(r -> r.get("amount").asLong())
        .toList();
  }

  private static String limitsOf(String org) {
    return "/orgs/" + org + "/refund-limits";
  }

  private static String key() {
    return UUID.randomUUID().toString();
  }
}
