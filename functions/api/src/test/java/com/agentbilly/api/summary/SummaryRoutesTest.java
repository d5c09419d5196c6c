package com.agentbilly.api.summary;

import static com.agentbilly.testing.ApiEvents.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.api.TestApiServices;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.testing.ApiEvents;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.InMemoryOrgStore;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** {@code GET /orgs/{org}/summary} through the router, over the in-memory mirror's aggregates. */
class SummaryRoutesTest {

  private static final Instant NOW = Instant.parse("2026-11-29T10:00:00.123Z");
  private static final long TODAY = NOW.getEpochSecond() - 3_600;
  private static final long DAY = 86_400;
  private static final OrgId ORG = new OrgId("org_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  private static final OrgId OTHER_ORG = new OrgId("org_bbbbbbbbbbbbbbbbbbbbbbbbbb");
  private static final String MEMBER = "u-viewer";

  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final InMemoryMirrorStore mirror =
      new InMemoryMirrorStore(Clock.fixed(NOW, ZoneOffset.UTC));
  private final ApiRouter router =
      new TestApiServices()
          .orgs(orgs)
          .mirror(mirror)
          .clock(Clock.fixed(NOW, ZoneOffset.UTC))
          .router();
  private long snapshot = NOW.toEpochMilli();

  SummaryRoutesTest() {
    addOrg(ORG, MEMBER);
    addOrg(OTHER_ORG, "u-other");
  }

  @Test
  void aViewerSeesMrrCountsAndThirtyDayFiguresByCurrency() throws Exception {
    write(ORG, ObjectType.SUBSCRIPTION, subscription("sub_1", "active", "usd", 2000, "month"));
    write(ORG, ObjectType.SUBSCRIPTION, subscription("sub_2", "past_due", "usd", 12000, "year"));
    write(ORG, ObjectType.SUBSCRIPTION, subscription("sub_3", "trialing", "eur", 5000, "month"));
    write(ORG, ObjectType.SUBSCRIPTION, subscription("sub_4", "canceled", "usd", 9000, "month"));
    write(ORG, ObjectType.CHARGE, charge("ch_1", "succeeded", "usd", 1500, TODAY));
    write(ORG, ObjectType.CHARGE, charge("ch_2", "succeeded", "usd", 700, TODAY - 29 * DAY));
    write(ORG, ObjectType.CHARGE, charge("ch_old", "succeeded", "usd", 999, TODAY - 30 * DAY));
    write(ORG, ObjectType.CHARGE, charge("ch_3", "failed", "eur", 400, TODAY - 2 * DAY));
    write(ORG, ObjectType.REFUND, refund("re_1", "succeeded", "usd", 300, TODAY));
    write(OTHER_ORG, ObjectType.CHARGE, charge("ch_x", "succeeded", "gbp", 100_000, TODAY));

    APIGatewayProxyResponseEvent response = summary(ORG, MEMBER);

    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
    // usd MRR: 2000 + 12000 / 12; revenue: 1500 + 700 (the 999 is 30 days old)
    assertThat(Json.read(response.getBody()))
        .isEqualTo(
            Json.read(
                """
                {"as_of": "2026-11-29T10:00:00Z", "by_currency": [
                  {"currency": "eur", "mrr": 0, "active_subscriptions": 0,
                   "past_due_subscriptions": 0, "trialing_subscriptions": 1, "revenue_30d": 0,
                   "refunded_30d": 0, "failed_charges_30d": 1},
                  {"currency": "usd", "mrr": 3000, "active_subscriptions": 1,
                   "past_due_subscriptions": 1, "trialing_subscriptions": 0, "revenue_30d": 2200,
                   "refunded_30d": 300, "failed_charges_30d": 0}]}
                """));
  }

  @Test
  void laterWritesMoveTheFiguresAndTombstonesRemoveThem() throws Exception {
    write(ORG, ObjectType.SUBSCRIPTION, subscription("sub_1", "active", "usd", 2000, "month"));
    write(ORG, ObjectType.CHARGE, charge("ch_1", "succeeded", "usd", 1500, TODAY));
    write(ORG, ObjectType.SUBSCRIPTION, subscription("sub_1", "past_due", "usd", 3000, "month"));
    write(ORG, ObjectType.CHARGE, charge("ch_1", "failed", "usd", 1500, TODAY));

    assertThat(Json.read(summary(ORG, MEMBER).getBody()).at("/by_currency/0"))
        .isEqualTo(
            Json.read(
                """
                {"currency": "usd", "mrr": 3000, "active_subscriptions": 0,
                 "past_due_subscriptions": 1, "trialing_subscriptions": 0, "revenue_30d": 0,
                 "refunded_30d": 0, "failed_charges_30d": 1}
                """));

    mirror.write(
        ORG,
        new MirrorDocument(
            ObjectType.SUBSCRIPTION,
            "sub_1",
            "{\"id\":\"sub_1\",\"object\":\"subscription\",\"deleted\":true}",
            Instant.ofEpochMilli(++snapshot),
            true));
    mirror.write(
        ORG,
        new MirrorDocument(
            ObjectType.CHARGE,
            "ch_1",
            charge("ch_1", "failed", "usd", 1500, TODAY),
            Instant.ofEpochMilli(++snapshot),
            true));

    assertThat(summary(ORG, MEMBER).getBody())
        .isEqualTo("{\"as_of\":\"2026-11-29T10:00:00Z\",\"by_currency\":[]}");
  }

  @Test
  void anEmptyMirrorHasNoLines() {
    APIGatewayProxyResponseEvent response = summary(ORG, MEMBER);
    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getBody())
        .isEqualTo("{\"as_of\":\"2026-11-29T10:00:00Z\",\"by_currency\":[]}");
  }

  @Test
  void aNonMemberGetsNotFound() throws Exception {
    write(ORG, ObjectType.CHARGE, charge("ch_1", "succeeded", "usd", 1500, TODAY));
    APIGatewayProxyResponseEvent response = summary(ORG, "u-other");
    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(Json.read(response.getBody()).at("/error/code").asText()).isEqualTo("not_found");
  }

  @Test
  void aQueryParameterIsAnInvalidRequest() throws Exception {
    APIGatewayProxyResponseEvent response =
        router.handle(summaryRequest(ORG, MEMBER).query("currency", "usd").build(), null);
    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("invalid_request");
  }

  private APIGatewayProxyResponseEvent summary(OrgId org, String user) {
    return router.handle(summaryRequest(org, user).build(), null);
  }

  private static ApiEvents summaryRequest(OrgId org, String user) {
    return request("GET", "/orgs/{org}/summary")
        .path("org", org.value())
        .as(user, user + "@x.test");
  }

  private void write(OrgId org, ObjectType type, String json) throws Exception {
    String id = Json.read(json).get("id").asText();
    mirror.write(org, new MirrorDocument(type, id, json, Instant.ofEpochMilli(++snapshot), false));
  }

  private static String subscription(
      String id, String status, String currency, long amount, String interval) {
    return """
        {"id": "%s", "object": "subscription", "created": %d, "status": "%s", "currency": "%s",
         "items": {"data": [{"id": "si_%s", "quantity": 1, "price": {"unit_amount": %d,
           "currency": "%s", "recurring": {"interval": "%s", "interval_count": 1,
           "usage_type": "licensed"}}}]}}
        """
        .formatted(id, TODAY, status, currency, id, amount, currency, interval);
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

  private void addOrg(OrgId id, String userId) {
    orgs.createOrg(
        new Org(id, "Org " + id.value(), Mode.TEST, null, false, NOW, userId),
        new Membership(id, "Org " + id.value(), userId, userId + "@x.test", Role.VIEWER, NOW));
  }
}
