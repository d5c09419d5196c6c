package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Subscription changes and cancellations end to end on localstripe, which supports quantity changes
 * and cancellation of single-item subscriptions (the other fields' request shapes are checked
 * against stripe-mock in {@link ActionsContractIT}).
 */
@WithLocalStack
class SubscriptionActionsIT {

  private final LocalStack stack;
  private final ActionsFixture fixture;

  SubscriptionActionsIT(LocalStack stack) {
    this.stack = stack;
    this.fixture = new ActionsFixture(stack);
  }

  @Test
  void aManagerChangesTheQuantityAtStripeAndInTheMirror() {
    String org = fixture.org("manager", "viewer");
    String subscription = fixture.subscription().get("id").asText();
    ApiClient manager = stack.api().as(LocalStack.MANAGER);

    ApiResponse changed =
        manager.patch("/orgs/" + org + "/subscriptions/" + subscription, Map.of("quantity", 3));

    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    assertThat(changed.json().at("/subscription/items/data/0/quantity").asLong()).isEqualTo(3);
    JsonNode atStripe = fixture.stripeObject("/v1/subscriptions/" + subscription);
    assertThat(atStripe.at("/items/data/0/quantity").asLong()).isEqualTo(3);
    ApiResponse mirrored = manager.get("/orgs/" + org + "/subscriptions/" + subscription);
    assertThat(mirrored.status()).as(mirrored.body()).isEqualTo(200);
    assertThat(mirrored.json().at("/items/data/0/quantity").asLong()).isEqualTo(3);
    assertThat(actions(org)).contains("subscription.update_requested", "subscription.updated");
  }

  @Test
  void anOperatorChangesTheQuantityWithTheOperatorKeyButCannotCancel() {
    String org = fixture.org("manager", "operator", "viewer");
    String subscription = fixture.subscription().get("id").asText();
    ApiClient operator = stack.api().as(LocalStack.OPERATOR);

    ApiResponse changed =
        operator.patch("/orgs/" + org + "/subscriptions/" + subscription, Map.of("quantity", 4));
    ApiResponse cancel =
        operator.post(
            "/orgs/" + org + "/subscriptions/" + subscription + "/cancel",
            Map.of("at_period_end", true));

    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    assertThat(
            fixture
                .stripeObject("/v1/subscriptions/" + subscription)
                .at("/items/data/0/quantity")
                .asLong())
        .isEqualTo(4);
    assertThat(cancel.status()).as(cancel.body()).isEqualTo(403);
    assertThat(cancel.json().at("/error/code").asText()).isEqualTo("forbidden");
    assertThat(
            fixture
                .stripeObject("/v1/subscriptions/" + subscription)
                .get("cancel_at_period_end")
                .asBoolean())
        .isFalse();
    JsonNode updated = auditEntry(org, "subscription.updated");
    assertThat(updated.get("key_purpose").asText()).isEqualTo("operator");
    assertThat(updated.at("/actor/role").asText()).isEqualTo("operator");
  }

  @Test
  void anOperatorWriteNeedsTheOperatorKeyNeverTheManagers() {
    String org = fixture.org("manager", "viewer");
    String subscription = fixture.subscription().get("id").asText();

    ApiResponse changed =
        stack
            .api()
            .as(LocalStack.OPERATOR)
            .patch("/orgs/" + org + "/subscriptions/" + subscription, Map.of("quantity", 5));

    assertThat(changed.status()).as(changed.body()).isEqualTo(409);
    assertThat(changed.json().at("/error/code").asText()).isEqualTo("key_not_connected");
    assertThat(changed.json().at("/error/purpose").asText()).isEqualTo("operator");
    assertThat(
            fixture
                .stripeObject("/v1/subscriptions/" + subscription)
                .at("/items/data/0/quantity")
                .asLong())
        .isEqualTo(1);
  }

  private JsonNode auditEntry(String org, String action) {
    return StreamSupport.stream(
            stack
                .api()
                .as(LocalStack.OWNER)
                .get("/orgs/" + org + "/audit?limit=100")
                .json()
                .get("data")
                .spliterator(),
            false)
        .filter(e -> e.get("action").asText().equals(action))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void cancelAtPeriodEndThenAtOnce() {
    String org = fixture.org("manager");
    String subscription = fixture.subscription().get("id").asText();
    ApiClient owner = stack.api().as(LocalStack.OWNER);
    String path = "/orgs/" + org + "/subscriptions/" + subscription + "/cancel";

    ApiResponse later = owner.post(path, Map.of("at_period_end", true));
    assertThat(later.status()).as(later.body()).isEqualTo(200);
    assertThat(later.json().at("/subscription/cancel_at_period_end").asBoolean()).isTrue();
    assertThat(fixture.stripeObject("/v1/subscriptions/" + subscription).get("status").asText())
        .isEqualTo("active");

    ApiResponse now = owner.post(path, Map.of("at_period_end", false));
    assertThat(now.status()).as(now.body()).isEqualTo(200);
    assertThat(now.json().at("/subscription/status").asText()).isEqualTo("canceled");
    assertThat(fixture.stripeObject("/v1/subscriptions/" + subscription).get("status").asText())
        .isEqualTo("canceled");
    assertThat(
            stack
                .api()
                .as(LocalStack.OWNER)
                .get("/orgs/" + org + "/subscriptions/" + subscription)
                .json()
                .get("status")
                .asText())
        .isEqualTo("canceled");
    List<String> actions = actions(org);
    assertThat(actions.stream().filter("subscription.canceled"::equals)).hasSize(2);
  }

  @Test
  void aRepeatedKeyReplaysTheFirstChange() {
    String org = fixture.org("manager");
    String subscription = fixture.subscription().get("id").asText();
    ApiClient manager =
        stack
            .api()
            .as(LocalStack.MANAGER)
            .withHeader("Idempotency-Key", UUID.randomUUID().toString());
    String path = "/orgs/" + org + "/subscriptions/" + subscription;

    ApiResponse first = manager.patch(path, Map.of("quantity", 2));
    ApiResponse replay = manager.patch(path, Map.of("quantity", 2));
    ApiResponse otherBody = manager.patch(path, Map.of("quantity", 5));

    assertThat(replay.json()).isEqualTo(first.json());
    assertThat(otherBody.status()).isEqualTo(422);
    assertThat(
            fixture
                .stripeObject("/v1/subscriptions/" + subscription)
                .at("/items/data/0/quantity")
                .asLong())
        .isEqualTo(2);
    assertThat(actions(org).stream().filter("subscription.updated"::equals)).hasSize(1);
  }

  @Test
  void aViewerCannotChangeOrCancelAndAnUnknownSubscriptionIsResourceMissing() {
    String org = fixture.org("manager", "viewer");
    String subscription = fixture.subscription().get("id").asText();

    ApiResponse viewer =
        stack
            .api()
            .as(LocalStack.VIEWER)
            .patch("/orgs/" + org + "/subscriptions/" + subscription, Map.of("quantity", 9));
    ApiResponse unknown =
        stack
            .api()
            .as(LocalStack.MANAGER)
            .post(
                "/orgs/" + org + "/subscriptions/sub_nosuchthing/cancel",
                Map.of("at_period_end", true));
    ApiResponse otherField =
        stack
            .api()
            .as(LocalStack.MANAGER)
            .patch(
                "/orgs/" + org + "/subscriptions/" + subscription,
                Map.of("quantity", 2, "cancel_at", 1));

    assertThat(viewer.status()).isEqualTo(403);
    assertThat(viewer.json().at("/error/code").asText()).isEqualTo("forbidden");
    assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
    assertThat(unknown.json().at("/error/code").asText()).isEqualTo("stripe_resource_missing");
    assertThat(otherField.status()).isEqualTo(422);
    assertThat(otherField.json().at("/error/fields/cancel_at").isTextual()).isTrue();
    assertThat(
            fixture
                .stripeObject("/v1/subscriptions/" + subscription)
                .at("/items/data/0/quantity")
                .asLong())
        .isEqualTo(1);
  }

  private List<String> actions(String org) {
    return StreamSupport.stream(
            stack
                .api()
                .as(LocalStack.OWNER)
                .get("/orgs/" + org + "/audit?limit=100")
                .json()
                .get("data")
                .spliterator(),
            false)
        .map(entry -> entry.get("action").asText())
        .toList();
  }
}
