package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.stripe.StripeApiActions;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.port.StripeActions;
import com.agentbilly.port.StripeActions.PauseCollection;
import com.agentbilly.port.StripeActions.SubscriptionChange;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every Stripe call the manager actions make is valid for Stripe's API: stripe-mock checks each
 * request against Stripe's OpenAPI spec (a 400 would surface as {@link StripeActions.Failed}) and
 * answers with the object the call is about. This covers what localstripe cannot take: a refund
 * {@code reason}, {@code pause_collection}, {@code proration_behavior}, and an item named on a
 * multi-item subscription.
 */
class ActionsContractIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "rk_test_billyActionsContract000000000000";
  private static final String MARKER = "billy-contractMarker";

  private static StripeActions stripe;

  @BeforeAll
  static void findStripeMock() {
    String url = System.getenv("STRIPE_MOCK_URL");
    assertThat(url)
        .as(
            "STRIPE_MOCK_URL is not set: run `make test`, which starts stripe-mock (or"
                + " infra/bin/stack-up test and eval \"$(infra/bin/stack-env test)\")")
        .isNotBlank();
    stripe = new StripeApiActions(StripeClients.interactive(url));
  }

  @Test
  void aRefundWithAmountReasonAndMarker() throws Exception {
    JsonNode refund =
        JSON.readTree(
            stripe.createRefund(
                KEY,
                new StripeActions.Refund("ch_123", 500L, "requested_by_customer", MARKER),
                "billy-contract-1"));
    assertThat(refund.get("object").asText()).isEqualTo("refund");
  }

  @Test
  void aWholeRefundWithoutAmountOrReason() throws Exception {
    JsonNode refund =
        JSON.readTree(
            stripe.createRefund(
                KEY, new StripeActions.Refund("ch_123", null, null, MARKER), "billy-contract-2"));
    assertThat(refund.get("object").asText()).isEqualTo("refund");
  }

  @Test
  void theLookupOfAnEarlierRefundIsAValidListRequest() {
    // stripe-mock's fixture refund does not carry our marker: a valid request that finds nothing.
    assertThat(stripe.findRefund(KEY, "ch_123", MARKER)).isEmpty();
  }

  @Test
  void theReadBacksAreValid() throws Exception {
    assertThat(
            JSON.readTree(stripe.retrieve(KEY, ObjectType.CHARGE, "ch_123")).get("object").asText())
        .isEqualTo("charge");
    assertThat(
            JSON.readTree(stripe.retrieve(KEY, ObjectType.SUBSCRIPTION, "sub_123"))
                .get("object")
                .asText())
        .isEqualTo("subscription");
  }

  @Test
  void aChangeOfANamedItemsQuantityAndPriceWithProrationAndPause() throws Exception {
    JsonNode subscription =
        JSON.readTree(
            stripe.updateSubscription(
                KEY,
                "sub_123",
                new SubscriptionChange(
                    "si_123",
                    4L,
                    "price_123",
                    new PauseCollection("keep_as_draft", 1_900_000_000L),
                    "always_invoice"),
                "billy-contract-3"));
    assertThat(subscription.get("object").asText()).isEqualTo("subscription");
  }

  @Test
  void resumingCollectionAndEachProrationBehavior() throws Exception {
    for (String proration : new String[] {"create_prorations", "none", "always_invoice"}) {
      JsonNode subscription =
          JSON.readTree(
              stripe.updateSubscription(
                  KEY,
                  "sub_123",
                  new SubscriptionChange(null, null, null, PauseCollection.RESUME, proration),
                  "billy-contract-4-" + proration));
      assertThat(subscription.get("object").asText()).isEqualTo("subscription");
    }
    for (String behavior : new String[] {"keep_as_draft", "mark_uncollectible", "void"}) {
      assertThat(
              stripe.updateSubscription(
                  KEY,
                  "sub_123",
                  new SubscriptionChange(
                      null, null, null, new PauseCollection(behavior, null), null),
                  "billy-contract-5-" + behavior))
          .contains("\"subscription\"");
    }
  }

  @Test
  void cancellingAtPeriodEndAndAtOnce() throws Exception {
    assertThat(
            JSON.readTree(stripe.cancelSubscription(KEY, "sub_123", true, "billy-contract-6"))
                .get("object")
                .asText())
        .isEqualTo("subscription");
    assertThat(
            JSON.readTree(stripe.cancelSubscription(KEY, "sub_123", false, "billy-contract-7"))
                .get("object")
                .asText())
        .isEqualTo("subscription");
  }
}
