package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.ObjectType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code GET /orgs/{org}/summary} end to end: a mirror written with the real DynamoDB store (as
 * sync and webhooks write it), read through the dev gateway with Cognito tokens.
 */
@WithLocalStack
class SummaryIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long DAY = 86_400;

  private final LocalStack stack;
  private final DynamoDbClient dynamo = DynamoDbClient.builder().build();
  private final DynamoDbMirrorStore mirror;
  private final long now = Instant.now().getEpochSecond();
  private long snapshot = System.currentTimeMillis();

  SummaryIT(LocalStack stack) {
    this.stack = stack;
    this.mirror =
        new DynamoDbMirrorStore(dynamo, stack.info().table(), new byte[32], Clock.systemUTC());
  }

  @Test
  void aViewerSeesTheSummaryOfTheMirrorByCurrency() throws Exception {
    String org = newOrgWithViewer();
    OrgId id = new OrgId(org);
    // usd: sub_1 (3000 a month, once its later state is written); sub_2: 12000 a year → 1000;
    // sub_3: 250 × 2 every 2 weeks → 500 × 52 / 24 = 1083.33, 10 % off forever → 975;
    // a trial in eur, a canceled one: 3000 + 1000 + 975 = 4975
    write(
        id, ObjectType.SUBSCRIPTION, subscription("sub_1", "active", "usd", 2000, "month", 1, ""));
    write(
        id,
        ObjectType.SUBSCRIPTION,
        subscription("sub_2", "past_due", "usd", 12000, "year", 1, ""));
    write(
        id,
        ObjectType.SUBSCRIPTION,
        subscription(
            "sub_3",
            "active",
            "usd",
            250,
            "week",
            2,
            ",\"discount\":{\"coupon\":{\"duration\":\"forever\",\"percent_off\":10}}"));
    write(
        id, ObjectType.SUBSCRIPTION, subscription("sub_4", "trialing", "eur", 900, "month", 1, ""));
    write(
        id, ObjectType.SUBSCRIPTION, subscription("sub_5", "canceled", "usd", 900, "month", 1, ""));
    write(id, ObjectType.CHARGE, charge("ch_1", "succeeded", "usd", 5000, now - 60));
    write(id, ObjectType.CHARGE, charge("ch_2", "succeeded", "usd", 700, now - 28 * DAY));
    write(id, ObjectType.CHARGE, charge("ch_3", "succeeded", "usd", 999, now - 32 * DAY));
    write(id, ObjectType.CHARGE, charge("ch_4", "failed", "eur", 400, now - 2 * DAY));
    write(id, ObjectType.REFUND, refund("re_1", "succeeded", "usd", 1200, now - 60));
    // a later state of sub_1: now past due at 3000 a month
    write(
        id,
        ObjectType.SUBSCRIPTION,
        subscription("sub_1", "past_due", "usd", 3000, "month", 1, ""));

    ApiResponse response = stack.api().as(LocalStack.VIEWER).get("/orgs/" + org + "/summary");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode body = response.json();
    Instant asOf = Instant.parse(body.get("as_of").asText());
    assertThat(Duration.between(asOf, Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
    assertThat(asOf.truncatedTo(ChronoUnit.SECONDS)).isEqualTo(asOf);
    assertThat(body.get("by_currency"))
        .isEqualTo(
            JSON.readTree(
                """
                [{"currency": "eur", "mrr": 0, "active_subscriptions": 0,
                  "past_due_subscriptions": 0, "trialing_subscriptions": 1, "revenue_30d": 0,
                  "refunded_30d": 0, "failed_charges_30d": 1},
                 {"currency": "usd", "mrr": 4975, "active_subscriptions": 1,
                  "past_due_subscriptions": 2, "trialing_subscriptions": 0, "revenue_30d": 5700,
                  "refunded_30d": 1200, "failed_charges_30d": 0}]
                """));
  }

  @Test
  void anOutsiderGetsNotFoundAndNoTokenGetsUnauthorized() {
    String org = newOrgWithViewer();
    write(new OrgId(org), ObjectType.CHARGE, charge("ch_1", "succeeded", "usd", 5000, now));

    ApiResponse outsider = stack.api().as(LocalStack.OUTSIDER).get("/orgs/" + org + "/summary");
    assertThat(outsider.status()).isEqualTo(404);
    assertThat(outsider.json().at("/error/code").asText()).isEqualTo("not_found");
    assertThat(stack.api().get("/orgs/" + org + "/summary").status()).isEqualTo(401);
  }

  @Test
  void aQueryParameterIsAnInvalidRequest() {
    String org = newOrgWithViewer();
    ApiResponse response =
        stack.api().as(LocalStack.VIEWER).get("/orgs/" + org + "/summary?currency=usd");
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("invalid_request");
  }

  /** A new test-mode org of the demo owner, with the demo viewer added as a viewer. */
  private String newOrgWithViewer() {
    ApiResponse created =
        stack
            .api()
            .as(LocalStack.OWNER)
            .post("/orgs", Map.of("name", "Summary IT", "mode", "test"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String org = created.json().get("org_id").asText();
    new DynamoDbOrgStore(dynamo, stack.info().table())
        .putMembership(
            new Membership(
                new OrgId(org),
                "Summary IT",
                stack.info().user(LocalStack.VIEWER).sub(),
                LocalStack.VIEWER,
                Role.VIEWER,
                Instant.now().plusSeconds(1)));
    return org;
  }

  private void write(OrgId org, ObjectType type, String json) {
    String id;
    try {
      id = JSON.readTree(json).get("id").asText();
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
    mirror.write(org, new MirrorDocument(type, id, json, Instant.ofEpochMilli(++snapshot), false));
  }

  private String subscription(
      String id,
      String status,
      String currency,
      long amount,
      String interval,
      int intervalCount,
      String extra) {
    return """
        {"id": "%s", "object": "subscription", "created": %d, "status": "%s", "currency": "%s",
         "items": {"data": [{"id": "si_%s", "quantity": %d, "price": {"unit_amount": %d,
           "currency": "%s", "recurring": {"interval": "%s", "interval_count": %d,
           "usage_type": "licensed"}}}]}%s}
        """
        .formatted(
            id,
            now,
            status,
            currency,
            id,
            "week".equals(interval) ? 2 : 1,
            amount,
            currency,
            interval,
            intervalCount,
            extra);
  }

  private static String charge(String id, String status, String currency, long amount, long at) {
    return """
        {"id": "%s", "object": "charge", "created": %d, "status": "%s", "captured": true,
         "amount": %d, "currency": "%s"}
        """
        .formatted(id, at, status, amount, currency);
  }

  private static String refund(String id, String status, String currency, long amount, long at) {
    return """
        {"id": "%s", "object": "refund", "created": %d, "status": "%s", "amount": %d,
         "currency": "%s", "charge": "ch_1"}
        """
        .formatted(id, at, status, amount, currency);
  }
}
