package com.agentbilly.api.actions;

import static com.agentbilly.testing.ApiEvents.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.api.TestApiServices;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.limits.RefundLimits;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.mirror.GuardedMirrorWrite;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.testing.ApiEvents;
import com.agentbilly.testing.InMemoryIdempotencyStore;
import com.agentbilly.testing.InMemoryKeyVault;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.InMemoryRefundLimitStore;
import com.agentbilly.testing.MutableClock;
import com.agentbilly.testing.RecordingAuditLog;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The refund limits through the api router, with Stripe, the records and the stores in memory:
 * which refunds they refuse, what a refusal leaves, and how the day's total is counted.
 */
class RefundLimitsTest {

  private static final String CHARGE = "ch_fakeCharge1";

  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final InMemoryKeyVault vault = new InMemoryKeyVault();
  private final FakeStripeActions stripe = new FakeStripeActions();
  private final InMemoryIdempotencyStore records = new InMemoryIdempotencyStore();
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final InMemoryMirrorStore mirror = new InMemoryMirrorStore();
  private final InMemoryRefundLimitStore limits = new InMemoryRefundLimitStore();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T23:00:00Z"));
  private final OrgId org = OrgId.generate(new SecureRandom());
  private ApiRouter router;

  @BeforeEach
  void setUp() {
    Instant now = clock.instant();
    orgs.createOrg(
        new Org(org, "Acme", Mode.TEST, null, false, now, "owner"),
        new Membership(org, "Acme", "owner", "owner@x.test", Role.OWNER, now));
    orgs.putMembership(new Membership(org, "Acme", "manager", "m@x.test", Role.MANAGER, now));
    orgs.putMembership(new Membership(org, "Acme", "viewer", "v@x.test", Role.VIEWER, now));
    vault.put(org, SecretPurpose.MANAGER, FakeStripeActions.MANAGER_KEY);
    stripe.addCharge(CHARGE);
    ManagerActionRoutes actions =
        new ManagerActionRoutes(
            vault,
            stripe,
            records,
            new GuardedMirrorWrite(
                mirror, (o, type, id) -> new StripeObjectFetcher.Unresolvable("not in this test")),
            new RequestAuditor(audit),
            clock,
            limits);
    router =
        new TestApiServices()
            .orgs(orgs)
            .auditLog(audit)
            .managerActions(actions)
            .clock(clock)
            .router();
  }

  @Test
  void anOrgWithoutLimitsAnswersEmptyMaps() throws Exception {
    APIGatewayProxyResponseEvent response = send("GET", "manager", null);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(Json.read(response.getBody()))
        .isEqualTo(Json.read("{\"per_refund\": {}, \"per_day\": {}}"));
  }

  @Test
  void theOwnerSetsLimitsManagersReadThemAndTheChangeIsAudited() throws Exception {
    String body = "{\"per_refund\": {\"usd\": 50000}, \"per_day\": {\"usd\": 200000, \"eur\": 9}}";
    APIGatewayProxyResponseEvent put = send("PUT", "owner", body);
    APIGatewayProxyResponseEvent get = send("GET", "manager", null);

    assertThat(put.getStatusCode()).as(put.getBody()).isEqualTo(200);
    assertThat(Json.read(get.getBody())).isEqualTo(Json.read(body));
    assertThat(limits.get(org).perDay()).isEqualTo(Map.of("eur", 9L, "usd", 200000L));
    assertThat(audit.actions()).containsExactly("refund_limits.set");
    assertThat(audit.recorded().getFirst().event().details())
        .containsEntry("per_refund", Map.of("usd", 50000L));
  }

  @Test
  void aManagerCannotSetLimits() throws Exception {
    APIGatewayProxyResponseEvent put = send("PUT", "manager", "{\"per_day\": {\"usd\": 1}}");

    assertThat(put.getStatusCode()).isEqualTo(403);
    assertThat(Json.read(put.getBody()).at("/error/code").asText()).isEqualTo("forbidden");
    assertThat(limits.get(org)).isEqualTo(RefundLimits.NONE);
  }

  @Test
  void badLimitsAreRefusedAndNothingIsStored() throws Exception {
    assertThat(send("PUT", "owner", "{\"per_day\": {\"USD\": 100}}").getStatusCode())
        .isEqualTo(422);
    assertThat(send("PUT", "owner", "{\"per_day\": {\"usd\": 0}}").getStatusCode()).isEqualTo(422);
    assertThat(send("PUT", "owner", "{\"per_week\": {}}").getStatusCode()).isEqualTo(422);
    assertThat(send("PUT", "owner", "{\"per_day\": {\"usd\": 1.5}}").getStatusCode())
        .isEqualTo(400);
    assertThat(send("PUT", "owner", "{\"per_day\": {\"usd\": 1, \"usd\": 2}}").getStatusCode())
        .isEqualTo(400);
    assertThat(limits.get(org)).isEqualTo(RefundLimits.NONE);
    assertThat(audit.actions()).isEmpty();
  }

  @Test
  void aManagersRefundOverThePerRefundLimitIsRefusedAuditedAndNeverSent() throws Exception {
    setLimits(Map.of("usd", 500L), Map.of());

    APIGatewayProxyResponseEvent response = refund("manager", "k1", 700L);

    assertThat(response.getStatusCode()).isEqualTo(403);
    JsonNode error = Json.read(response.getBody()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("refund_limit_exceeded");
    assertThat(error.get("limit").asText()).isEqualTo("per_refund");
    assertThat(error.get("limit_amount").asLong()).isEqualTo(500);
    assertThat(error.get("amount").asLong()).isEqualTo(700);
    assertThat(stripe.writes()).isEmpty();
    assertThat(records.size()).isZero();
    assertThat(audit.actions()).containsExactly("refund.limit_exceeded");
    AuditEvent refused = audit.recorded().getFirst().event();
    assertThat(refused.outcome().wireName()).isEqualTo("denied");
    assertThat(refused.target()).isEqualTo("charge:" + CHARGE);
    assertThat(refused.details())
        .containsEntry("limit", "per_refund")
        .containsEntry("amount", 700L);
  }

  @Test
  void ownersAreNotLimited() {
    setLimits(Map.of("usd", 500L), Map.of("usd", 600L));

    assertThat(refund("owner", "k1", 700L).getStatusCode()).isEqualTo(201);
    assertThat(refund("owner", "k2", 700L).getStatusCode()).isEqualTo(201);
    assertThat(stripe.refunds(CHARGE)).hasSize(2);
  }

  @Test
  void otherCurrenciesAreNotLimited() {
    setLimits(Map.of("eur", 1L), Map.of("eur", 1L));

    assertThat(refund("manager", "k1", 700L).getStatusCode()).isEqualTo(201);
  }

  @Test
  void aRefundWithoutAmountCountsWhatIsLeftOfTheCharge() throws Exception {
    setLimits(Map.of("usd", 4000L), Map.of());

    APIGatewayProxyResponseEvent whole = refund("manager", "k1", null);
    // An owner refunds 2000 of the 5000; the charge is read back into the mirror with it.
    assertThat(refund("owner", "k2", 2000L).getStatusCode()).isEqualTo(201);
    APIGatewayProxyResponseEvent rest = refund("manager", "k3", null);

    assertThat(whole.getStatusCode()).isEqualTo(403);
    assertThat(Json.read(whole.getBody()).at("/error/amount").asLong()).isEqualTo(5000);
    // 3000 left, within the 4000 per refund (the fake Stripe itself ignores what is left).
    assertThat(rest.getStatusCode()).as(rest.getBody()).isEqualTo(201);
  }

  @Test
  void theDailyLimitCountsEveryRefundOfTheDayAndARetryOnce() throws Exception {
    setLimits(Map.of(), Map.of("usd", 1500L));

    APIGatewayProxyResponseEvent first = refund("manager", "k1", 700L);
    APIGatewayProxyResponseEvent retry = refund("manager", "k1", 700L);
    APIGatewayProxyResponseEvent second = refund("manager", "k2", 700L);
    APIGatewayProxyResponseEvent third = refund("manager", "k3", 200L);
    APIGatewayProxyResponseEvent fits = refund("manager", "k4", 100L);

    assertThat(first.getStatusCode()).isEqualTo(201);
    assertThat(retry.getBody()).isEqualTo(first.getBody());
    assertThat(second.getStatusCode()).isEqualTo(201);
    assertThat(third.getStatusCode()).isEqualTo(403);
    JsonNode error = Json.read(third.getBody()).get("error");
    assertThat(error.get("limit").asText()).isEqualTo("per_day");
    assertThat(error.get("day").asText()).isEqualTo("2026-11-29");
    assertThat(error.get("day_total").asLong()).isEqualTo(1400);
    assertThat(fits.getStatusCode()).isEqualTo(201);
    assertThat(stripe.refunds(CHARGE)).hasSize(3);
  }

  @Test
  void aRefundAboveTheDailyLimitOnItsOwnIsRefusedBeforeAnyRecord() throws Exception {
    setLimits(Map.of(), Map.of("usd", 600L));

    APIGatewayProxyResponseEvent response = refund("manager", "k1", 700L);

    assertThat(response.getStatusCode()).isEqualTo(403);
    assertThat(Json.read(response.getBody()).at("/error/limit").asText()).isEqualTo("per_day");
    assertThat(records.size()).isZero();
  }

  @Test
  void theNextUtcDayStartsFromNothing() {
    setLimits(Map.of(), Map.of("usd", 700L));

    assertThat(refund("manager", "k1", 700L).getStatusCode()).isEqualTo(201);
    assertThat(refund("manager", "k2", 700L).getStatusCode()).isEqualTo(403);
    clock.advance(Duration.ofHours(1)); // 2026-11-30T00:00Z
    assertThat(refund("manager", "k3", 700L).getStatusCode()).isEqualTo(201);
  }

  @Test
  void aRefundStripeRefusesGivesItsReservationBack() throws Exception {
    setLimits(Map.of(), Map.of("usd", 1000L));
    // A charge the mirror knows and Stripe does not: Stripe refuses the refund for good.
    String gone = "ch_goneAtStripe";
    mirror.write(
        org,
        new MirrorDocument(
            ObjectType.CHARGE,
            gone,
            "{\"id\":\""
                + gone
                + "\",\"object\":\"charge\",\"amount\":5000,\"currency\":\"usd\","
                + "\"amount_refunded\":0}",
            clock.instant(),
            false));

    APIGatewayProxyResponseEvent refused =
        send(refundEvent("manager", "k1", "{\"charge\":\"" + gone + "\",\"amount\":1000}"));
    APIGatewayProxyResponseEvent next = refund("manager", "k2", 1000L);

    assertThat(refused.getStatusCode()).isEqualTo(404);
    assertThat(Json.read(refused.getBody()).at("/error/code").asText())
        .isEqualTo("stripe_resource_missing");
    assertThat(next.getStatusCode()).as(next.getBody()).isEqualTo(201);
  }

  private void setLimits(Map<String, Long> perRefund, Map<String, Long> perDay) {
    limits.put(org, new RefundLimits(perRefund, perDay), "owner", clock.instant());
  }

  private APIGatewayProxyResponseEvent refund(String user, String key, Long amount) {
    String body =
        "{\"charge\":\"" + CHARGE + "\"" + (amount == null ? "" : ",\"amount\":" + amount) + "}";
    return send(refundEvent(user, key, body));
  }

  private ApiEvents refundEvent(String user, String key, String body) {
    return request("POST", "/orgs/{org}/refunds")
        .as(user, user + "@x.test")
        .path("org", org.value())
        .header("Idempotency-Key", key)
        .body(body);
  }

  private APIGatewayProxyResponseEvent send(String method, String user, String body) {
    ApiEvents event =
        request(method, "/orgs/{org}/refund-limits")
            .as(user, user + "@x.test")
            .path("org", org.value());
    return send(body == null ? event : event.body(body));
  }

  private APIGatewayProxyResponseEvent send(ApiEvents event) {
    return router.handle(event.build(), null);
  }
}
