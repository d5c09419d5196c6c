package com.agentbilly.api.actions;

import static com.agentbilly.testing.ApiEvents.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.agentbilly.api.TestApiServices;
import com.agentbilly.domain.Caller;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.Route;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.audit.AuditEntry;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.mirror.GuardedMirrorWrite;
import com.agentbilly.port.AuditLog;
import com.agentbilly.port.IdempotencyStore;
import com.agentbilly.port.StripeActions;
import com.agentbilly.port.StripeActions.FailureKind;
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
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManagerActionRoutesTest {

  private static final String CHARGE = "ch_fakeCharge1";
  private static final String REFUND_BODY = "{\"charge\":\"" + CHARGE + "\",\"amount\":700}";

  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final InMemoryKeyVault vault = new InMemoryKeyVault();
  private final FakeStripeActions stripe = new FakeStripeActions();
  private final InMemoryIdempotencyStore records = new InMemoryIdempotencyStore();
  private final FlakyRecords flakyRecords = new FlakyRecords(records);
  private final RecordingAuditLog recording = new RecordingAuditLog();
  private final FlakyAudit audit = new FlakyAudit(recording);
  private final InMemoryMirrorStore mirror = new InMemoryMirrorStore();
  private final InMemoryRefundLimitStore limits = new InMemoryRefundLimitStore();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
  private final OrgId org = OrgId.generate(new SecureRandom());
  private ManagerActionRoutes actions;
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
    vault.put(org, SecretPurpose.VIEWER, FakeStripeActions.VIEWER_KEY);
    stripe.addCharge(CHARGE);
    actions =
        new ManagerActionRoutes(
            vault,
            stripe,
            flakyRecords,
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
  void aRefundIsCreatedWithTheManagerKeyAuditedAndMirrored() throws Exception {
    APIGatewayProxyResponseEvent response = refund("manager", "key-1", REFUND_BODY);

    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
    JsonNode refund = Json.read(response.getBody()).get("refund");
    assertThat(refund.get("charge").asText()).isEqualTo(CHARGE);
    assertThat(refund.get("amount").asLong()).isEqualTo(700);
    assertThat(stripe.writes()).hasSize(1);
    assertThat(stripe.writes().getFirst().key()).isEqualTo(FakeStripeActions.MANAGER_KEY);
    assertThat(stripe.writes().getFirst().idempotencyKey()).startsWith("billy-").hasSize(49);
    assertThat(recording.actions()).containsExactly("refund.requested", "refund.created");
    AuditEvent created = recording.recorded().get(1).event();
    assertThat(created.outcome().wireName()).isEqualTo("success");
    assertThat(created.keyPurpose()).isEqualTo("manager");
    assertThat(created.target()).isEqualTo("refund:" + refund.get("id").asText());
    assertThat(created.details()).containsEntry("charge", CHARGE).containsEntry("adopted", false);
    assertThat(mirror.get(org, ObjectType.REFUND, refund.get("id").asText())).isPresent();
    assertThat(
            Json.read(mirror.get(org, ObjectType.CHARGE, CHARGE).orElseThrow().json())
                .get("amount_refunded")
                .asLong())
        .isEqualTo(700);
  }

  @Test
  void theSameKeyAndBodyReplaysTheFirstResponseAndRefundsOnce() {
    APIGatewayProxyResponseEvent first = refund("manager", "key-1", REFUND_BODY);
    APIGatewayProxyResponseEvent second =
        refund("manager", "key-1", "{ \"amount\": 700, \"charge\": \"" + CHARGE + "\" }");

    assertThat(second.getStatusCode()).isEqualTo(201);
    assertThat(second.getBody()).isEqualTo(first.getBody());
    assertThat(stripe.refunds(CHARGE)).hasSize(1);
  }

  @Test
  void theSameKeyWithAnotherBodyIsValidationFailedAndRefundsNothingMore() throws Exception {
    refund("manager", "key-1", REFUND_BODY);
    APIGatewayProxyResponseEvent other =
        refund("manager", "key-1", "{\"charge\":\"" + CHARGE + "\",\"amount\":800}");

    assertThat(other.getStatusCode()).isEqualTo(422);
    JsonNode error = Json.read(other.getBody()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("validation_failed");
    assertThat(error.at("/fields/Idempotency-Key").asText()).contains("different request");
    assertThat(stripe.refunds(CHARGE)).hasSize(1);
  }

  @Test
  void theSameKeyFromAnotherUserIsAnotherRequest() {
    refund("manager", "key-1", REFUND_BODY);
    APIGatewayProxyResponseEvent owner = refund("owner", "key-1", REFUND_BODY);

    assertThat(owner.getStatusCode()).isEqualTo(201);
    assertThat(stripe.refunds(CHARGE)).hasSize(2);
    assertThat(stripe.writes().get(0).idempotencyKey())
        .isNotEqualTo(stripe.writes().get(1).idempotencyKey());
  }

  @Test
  void aRetryWhileTheFirstIsRunningIsRequestInProgress() throws Exception {
    AtomicReference<APIGatewayProxyResponseEvent> during = new AtomicReference<>();
    stripe.duringWrite(what -> during.set(refund("manager", "key-1", REFUND_BODY)));

    APIGatewayProxyResponseEvent first = refund("manager", "key-1", REFUND_BODY);

    assertThat(first.getStatusCode()).isEqualTo(201);
    assertThat(during.get().getStatusCode()).isEqualTo(409);
    assertThat(Json.read(during.get().getBody()).at("/error/code").asText())
        .isEqualTo("request_in_progress");
    assertThat(stripe.refunds(CHARGE)).hasSize(1);
  }

  @Test
  void whenTheAnswerCannotBeRecordedTheRetryAdoptsTheRefundStripeMade() throws Exception {
    flakyRecords.failNextComplete();

    APIGatewayProxyResponseEvent crashed = refund("manager", "key-1", REFUND_BODY);
    APIGatewayProxyResponseEvent retry = refund("manager", "key-1", REFUND_BODY);
    APIGatewayProxyResponseEvent again = refund("manager", "key-1", REFUND_BODY);

    assertThat(crashed.getStatusCode()).isEqualTo(500);
    assertThat(retry.getStatusCode()).as(retry.getBody()).isEqualTo(201);
    assertThat(stripe.refunds(CHARGE)).hasSize(1);
    assertThat(Json.read(retry.getBody()).at("/refund/id").asText())
        .isEqualTo(stripe.refunds(CHARGE).getFirst().get("id").asText());
    assertThat(again.getBody()).isEqualTo(retry.getBody());
    // The first attempt's outcome entry is in the log already: adopting leaves no second one.
    assertThat(recording.actions()).containsExactly("refund.requested", "refund.created");
    assertThat(recording.recorded().get(1).event().outcome()).isEqualTo(AuditOutcome.SUCCESS);
  }

  @Test
  void aTimeoutAfterStripeMadeTheRefundIsUnknownAndTheRetryReconcilesItWithOneRefundCreated()
      throws Exception {
    AtomicBoolean lost = new AtomicBoolean(true);
    stripe.duringWrite(
        what -> {
          if (lost.getAndSet(false)) {
            throw new StripeActions.Failed(FailureKind.UNAVAILABLE, "Read timed out");
          }
        });

    APIGatewayProxyResponseEvent timedOut = refund("manager", "key-1", REFUND_BODY);
    APIGatewayProxyResponseEvent retry = refund("manager", "key-1", REFUND_BODY);

    assertThat(timedOut.getStatusCode()).isEqualTo(502);
    assertThat(retry.getStatusCode()).as(retry.getBody()).isEqualTo(201);
    assertThat(stripe.refunds(CHARGE)).hasSize(1);
    assertThat(recording.recorded())
        .extracting(r -> r.event().action(), r -> r.event().outcome())
        .containsExactly(
            tuple("refund.requested", AuditOutcome.SUCCESS),
            tuple("refund.created", AuditOutcome.UNKNOWN),
            tuple("refund.reconciled", AuditOutcome.SUCCESS));
    String stripeKey = stripe.writes().getFirst().idempotencyKey();
    assertThat(recording.recorded().get(1).event().details())
        .containsEntry("stripe_idempotency_key", stripeKey)
        .containsEntry("error", "stripe_unavailable");
    assertThat(recording.recorded().get(2).event().details())
        .containsEntry("stripe_idempotency_key", stripeKey)
        .containsEntry("adopted", true);
  }

  @Test
  void aTimeoutBeforeStripeDidAnythingIsUnknownAndTheRetrysRefundClosesIt() throws Exception {
    stripe.failNext(FailureKind.UNAVAILABLE, "Connection refused");

    APIGatewayProxyResponseEvent unreachable = refund("manager", "key-1", REFUND_BODY);
    APIGatewayProxyResponseEvent retry = refund("manager", "key-1", REFUND_BODY);

    assertThat(unreachable.getStatusCode()).isEqualTo(502);
    assertThat(retry.getStatusCode()).isEqualTo(201);
    assertThat(stripe.refunds(CHARGE)).hasSize(1);
    assertThat(recording.actions())
        .filteredOn(action -> action.startsWith("refund.created") || action.endsWith("reconciled"))
        .containsExactly("refund.created", "refund.reconciled");
  }

  @Test
  void anAttemptThatDiedHoldsTheKeyUntilItsLeaseRunsOutThenTheRetryAdoptsItsRefund()
      throws Exception {
    flakyRecords.failNextComplete();
    flakyRecords.failNextAbandon();

    refund("manager", "key-1", REFUND_BODY);
    APIGatewayProxyResponseEvent tooSoon = refund("manager", "key-1", REFUND_BODY);
    clock.advance(IdempotentActions.LEASE.plusSeconds(1));
    APIGatewayProxyResponseEvent later = refund("manager", "key-1", REFUND_BODY);

    assertThat(tooSoon.getStatusCode()).isEqualTo(409);
    assertThat(later.getStatusCode()).as(later.getBody()).isEqualTo(201);
    assertThat(stripe.refunds(CHARGE)).hasSize(1);
    assertThat(stripe.writes()).hasSize(1);
  }

  @Test
  void aRefundStripeMadeIsNeverLostFromTheAuditWhenTheOutcomeEntryFails() throws Exception {
    audit.failNext("refund.created");

    APIGatewayProxyResponseEvent response = refund("manager", "key-1", REFUND_BODY);

    assertThat(response.getStatusCode()).isEqualTo(201);
    String refundId = Json.read(response.getBody()).at("/refund/id").asText();
    assertThat(recording.actions()).containsExactly("refund.requested");
    AuditEvent intent = recording.recorded().getFirst().event();
    assertThat(intent.details())
        .containsEntry("charge", CHARGE)
        .containsEntry("stripe_idempotency_key", stripe.writes().getFirst().idempotencyKey());
    assertThat(stripe.refunds(CHARGE).getFirst().at("/metadata/agent_billy_request").asText())
        .isEqualTo(intent.details().get("stripe_idempotency_key"));

    refund("manager", "key-1", REFUND_BODY);
    refund("manager", "key-1", REFUND_BODY);

    assertThat(recording.actions()).containsExactly("refund.requested", "refund.created");
    assertThat(recording.recorded().get(1).event().details()).containsEntry("replayed", true);
    assertThat(stripe.refunds(CHARGE)).hasSize(1);
    assertThat(refundId).isEqualTo(stripe.refunds(CHARGE).getFirst().get("id").asText());
  }

  @Test
  void whenTheIntentCannotBeAuditedNothingIsSentToStripeAndTheRetryGoesAhead() {
    audit.failNext("refund.requested");

    APIGatewayProxyResponseEvent failed = refund("manager", "key-1", REFUND_BODY);
    APIGatewayProxyResponseEvent retry = refund("manager", "key-1", REFUND_BODY);

    assertThat(failed.getStatusCode()).isEqualTo(500);
    assertThat(retry.getStatusCode()).isEqualTo(201);
    assertThat(stripe.writes()).hasSize(1);
    assertThat(stripe.refunds(CHARGE)).hasSize(1);
  }

  @Test
  void aRefundWithoutIdempotencyKeyIsInvalidRequest() throws Exception {
    APIGatewayProxyResponseEvent response = refund("manager", null, REFUND_BODY);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("invalid_request");
    assertThat(stripe.writes()).isEmpty();
    assertThat(records.size()).isZero();
  }

  @Test
  void withoutAManagerKeyTheActionIsKeyNotConnected() throws Exception {
    vault.delete(org, SecretPurpose.MANAGER);

    APIGatewayProxyResponseEvent response = refund("manager", "key-1", REFUND_BODY);

    assertThat(response.getStatusCode()).isEqualTo(409);
    JsonNode error = Json.read(response.getBody()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("key_not_connected");
    assertThat(error.get("purpose").asText()).isEqualTo("manager");
    assertThat(stripe.writes()).isEmpty();
    assertThat(records.size()).isZero();
  }

  @Test
  void aViewerIsForbiddenByOurCheckAndAudited() throws Exception {
    APIGatewayProxyResponseEvent response = refund("viewer", "key-1", REFUND_BODY);

    assertThat(response.getStatusCode()).isEqualTo(403);
    assertThat(Json.read(response.getBody()).at("/error/code").asText()).isEqualTo("forbidden");
    assertThat(recording.actions()).containsExactly("access.denied");
    assertThat(stripe.keysUsed()).isEmpty();
  }

  @Test
  void aNonMemberIsNotFound() {
    assertThat(refund("stranger", "key-1", REFUND_BODY).getStatusCode()).isEqualTo(404);
    assertThat(stripe.keysUsed()).isEmpty();
  }

  @Test
  void theSecondLockAViewersRequestPastOurCheckCarriesTheViewerKeyAndStripeRefusesIt()
      throws Exception {
    ApiRequest asViewer =
        new ApiRequest(
            Route.of("POST", "/orgs/{org}/refunds"),
            new Caller("viewer", "v@x.test", "v@x.test", true),
            org,
            Role.VIEWER,
            Map.of("org", org.value()),
            Map.of(),
            Map.of("Idempotency-Key", "key-1"),
            REFUND_BODY,
            "req-1");

    ApiResponse response;
    try {
      response = actions.refund(asViewer);
    } catch (com.agentbilly.domain.ApiProblem problem) {
      response = ApiResponse.error(problem);
    }

    assertThat(response.status()).isEqualTo(403);
    assertThat(Json.write(response.body()))
        .contains("stripe_permission_denied", "rak_refund_write");
    assertThat(stripe.keysUsed()).containsOnly(FakeStripeActions.VIEWER_KEY);
    assertThat(stripe.refunds(CHARGE)).isEmpty();
    assertThat(recording.recorded().getLast().event().outcome().wireName()).isEqualTo("failed");
    assertThat(recording.recorded().getLast().event().keyPurpose()).isEqualTo("viewer");
  }

  @ParameterizedTest(name = "{0} → {1} {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          not json                                              | 400 | invalid_request
          []                                                    | 400 | invalid_request
          {}                                                    | 422 | validation_failed
          {"charge": 12}                                        | 400 | invalid_request
          {"charge": "ch_x", "amount": "700"}                   | 400 | invalid_request
          {"charge": "ch_x", "amount": 7.5}                     | 400 | invalid_request
          {"charge": "ch_x", "amount": 0}                       | 422 | validation_failed
          {"charge": "ch_x", "amount": -5}                      | 422 | validation_failed
          {"charge": "ch_x", "amount": 100000000}               | 422 | validation_failed
          {"charge": "ch_x", "amount": 99999999999999999999999} | 400 | invalid_request
          {"charge": "cus_x"}                                   | 422 | validation_failed
          {"charge": "ch_x", "reason": "because"}               | 422 | validation_failed
          {"charge": "ch_x", "reason": true}                    | 400 | invalid_request
          {"charge": "ch_x", "metadata": {}}                    | 422 | validation_failed
          {"charge": "ch_x", "currency": "usd"}                 | 422 | validation_failed
          """)
  void badRefundBodiesAreRefusedBeforeAnythingIsRecorded(String body, int status, String code)
      throws Exception {
    APIGatewayProxyResponseEvent response = refund("manager", "key-bad", body);

    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
    assertThat(Json.read(response.getBody()).at("/error/code").asText()).isEqualTo(code);
    assertThat(stripe.keysUsed()).isEmpty();
    assertThat(records.size()).isZero();
  }

  @Test
  void anOverLongChargeIdOrIdempotencyKeyIsRefused() throws Exception {
    String longCharge = "ch_" + "a".repeat(300);
    assertThat(refund("manager", "k", "{\"charge\":\"" + longCharge + "\"}").getStatusCode())
        .isEqualTo(422);
    assertThat(refund("manager", "k".repeat(256), REFUND_BODY).getStatusCode()).isEqualTo(400);
    assertThat(refund("manager", "a key with spaces", REFUND_BODY).getStatusCode()).isEqualTo(400);
    assertThat(stripe.keysUsed()).isEmpty();
  }

  @ParameterizedTest(name = "{0} → {1} {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          RESOURCE_MISSING  | 404 | stripe_resource_missing  | failed
          INVALID_REQUEST   | 422 | stripe_invalid_request   | failed
          PERMISSION_DENIED | 403 | stripe_permission_denied | failed
          RATE_LIMITED      | 429 | rate_limited             | failed
          UNAVAILABLE       | 502 | stripe_unavailable       | unknown
          """)
  void stripeErrorsMapToTheContract(FailureKind kind, int status, String code, String outcome)
      throws Exception {
    stripe.failNext(kind, "Stripe says no: rk_test_abcdefABCDEF0123456789");

    APIGatewayProxyResponseEvent response = refund("manager", "key-1", REFUND_BODY);

    assertThat(response.getStatusCode()).isEqualTo(status);
    JsonNode error = Json.read(response.getBody()).get("error");
    assertThat(error.get("code").asText()).isEqualTo(code);
    assertThat(response.getBody()).doesNotContain("rk_test_abcdef");
    assertThat(recording.recorded().getLast().event().action()).isEqualTo("refund.created");
    assertThat(recording.recorded().getLast().event().outcome().wireName()).isEqualTo(outcome);
  }

  @Test
  void aRetryAfterStripesRateLimitAuditsTheRefundItMadeAsASuccess() throws Exception {
    stripe.failNext(FailureKind.RATE_LIMITED, "Too many requests");

    APIGatewayProxyResponseEvent limited = refund("manager", "key-1", REFUND_BODY);
    APIGatewayProxyResponseEvent retry = refund("manager", "key-1", REFUND_BODY);

    assertThat(limited.getStatusCode()).isEqualTo(429);
    assertThat(retry.getStatusCode()).isEqualTo(201);
    assertThat(
            recording.recorded().stream()
                .filter(entry -> entry.event().action().equals("refund.created"))
                .map(entry -> entry.event().outcome().wireName()))
        .containsExactly("failed", "success");
  }

  @Test
  void aStripeInvalidRequestPassesStripesMessageOnAndIsReplayed() throws Exception {
    stripe.failNext(FailureKind.INVALID_REQUEST, "Charge ch_x has already been refunded.");

    APIGatewayProxyResponseEvent first = refund("manager", "key-1", REFUND_BODY);
    APIGatewayProxyResponseEvent replay = refund("manager", "key-1", REFUND_BODY);

    assertThat(Json.read(first.getBody()).at("/error/message").asText())
        .isEqualTo("Charge ch_x has already been refunded.");
    assertThat(replay.getStatusCode()).isEqualTo(422);
    assertThat(replay.getBody()).isEqualTo(first.getBody());
    assertThat(stripe.writes()).isEmpty();
  }

  @Test
  void whenStripeCannotBeReachedTheRetryLooksForTheRefundBeforeRefundingAgain() {
    stripe.failNext(FailureKind.UNAVAILABLE, "timeout");

    APIGatewayProxyResponseEvent unreachable = refund("manager", "key-1", REFUND_BODY);
    APIGatewayProxyResponseEvent retry = refund("manager", "key-1", REFUND_BODY);

    assertThat(unreachable.getStatusCode()).isEqualTo(502);
    assertThat(retry.getStatusCode()).isEqualTo(201);
    assertThat(stripe.refunds(CHARGE)).hasSize(1);
    assertThat(flakyRecords.claims).containsExactly(false, true);
  }

  @Test
  void aQuantityChangeAppliesToTheOnlyItemAndIsMirrored() throws Exception {
    stripe.addSubscription("sub_one", "si_only");

    APIGatewayProxyResponseEvent response =
        patch("manager", "sub_one", null, "{\"quantity\": 4, \"proration_behavior\": \"none\"}");

    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
    assertThat(Json.read(response.getBody()).at("/subscription/items/data/0/quantity").asLong())
        .isEqualTo(4);
    assertThat(stripe.writes().getFirst().what()).contains("si_only", "4", "none");
    assertThat(mirror.get(org, ObjectType.SUBSCRIPTION, "sub_one")).isPresent();
    assertThat(recording.actions())
        .containsExactly("subscription.update_requested", "subscription.updated");
  }

  @Test
  void aMultiItemSubscriptionNeedsItsItemNamed() throws Exception {
    stripe.addSubscription("sub_two", "si_a", "si_b");

    APIGatewayProxyResponseEvent unnamed = patch("manager", "sub_two", null, "{\"quantity\": 2}");
    APIGatewayProxyResponseEvent foreign =
        patch("manager", "sub_two", null, "{\"quantity\": 2, \"item\": \"si_other\"}");
    APIGatewayProxyResponseEvent named =
        patch("manager", "sub_two", null, "{\"quantity\": 2, \"item\": \"si_b\"}");

    assertThat(unnamed.getStatusCode()).isEqualTo(422);
    assertThat(Json.read(unnamed.getBody()).at("/error/fields/item").asText()).contains("2 items");
    assertThat(foreign.getStatusCode()).isEqualTo(422);
    assertThat(named.getStatusCode()).isEqualTo(200);
    assertThat(stripe.writes()).hasSize(1);
    assertThat(stripe.subscription("sub_two").at("/items/data/1/quantity").asLong()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {}                                                         | 422
          {"status": "canceled"}                                     | 422
          {"quantity": 2, "metadata": {"a": "b"}}                    | 422
          {"quantity": 0}                                            | 422
          {"quantity": -1}                                           | 422
          {"quantity": 1000001}                                      | 422
          {"quantity": "2"}                                          | 400
          {"item": "si_a"}                                           | 422
          {"quantity": 2, "item": "sub_a"}                           | 422
          {"price": "price with spaces"}                             | 422
          {"price": "prod_TmK2xYz"}                                  | 422
          {"price": "gold"}                                          | 422
          {"price": "price_"}                                        | 422
          {"price": "price_a-b"}                                     | 422
          {"proration_behavior": "sometimes"}                        | 422
          {"pause_collection": "void"}                               | 400
          {"pause_collection": {"behavior": "forever"}}              | 422
          {"pause_collection": {"behavior": "void", "x": 1}}         | 422
          {"pause_collection": {"behavior": "void", "resumes_at": -1}} | 422
          """)
  void badSubscriptionChangesAreRefused(String body, int status) {
    stripe.addSubscription("sub_one", "si_only");

    APIGatewayProxyResponseEvent response = patch("manager", "sub_one", null, body);

    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
    assertThat(stripe.writes()).isEmpty();
  }

  @Test
  void cancelAtPeriodEndAndAtOnce() throws Exception {
    stripe.addSubscription("sub_one", "si_only");

    APIGatewayProxyResponseEvent later = cancel("manager", "sub_one", "{\"at_period_end\": true}");
    APIGatewayProxyResponseEvent now = cancel("owner", "sub_one", "{\"at_period_end\": false}");

    assertThat(later.getStatusCode()).isEqualTo(200);
    assertThat(Json.read(later.getBody()).at("/subscription/cancel_at_period_end").asBoolean())
        .isTrue();
    assertThat(now.getStatusCode()).isEqualTo(200);
    assertThat(Json.read(now.getBody()).at("/subscription/status").asText()).isEqualTo("canceled");
    assertThat(recording.actions())
        .containsExactly(
            "subscription.cancel_requested",
            "subscription.canceled",
            "subscription.cancel_requested",
            "subscription.canceled");
  }

  @Test
  void aCancelWithAnIdempotencyKeyIsSentOnce() {
    stripe.addSubscription("sub_one", "si_only");

    cancel("manager", "sub_one", "{\"at_period_end\": true}", "c-1");
    APIGatewayProxyResponseEvent replay =
        cancel("manager", "sub_one", "{\"at_period_end\": true}", "c-1");

    assertThat(replay.getStatusCode()).isEqualTo(200);
    assertThat(stripe.writes()).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {}                         | 422
          {"at_period_end": "yes"}   | 400
          {"at_period_end": true, "prorate": true} | 422
          """)
  void badCancelBodiesAreRefused(String body, int status) {
    stripe.addSubscription("sub_one", "si_only");
    assertThat(cancel("manager", "sub_one", body).getStatusCode()).isEqualTo(status);
    assertThat(stripe.writes()).isEmpty();
  }

  @Test
  void aSubscriptionIdThatIsNoSubscriptionIdIsNotFound() {
    assertThat(cancel("manager", "cus_123", "{\"at_period_end\": true}").getStatusCode())
        .isEqualTo(404);
    assertThat(
            patch("manager", "sub_" + "x".repeat(300), null, "{\"quantity\": 2}").getStatusCode())
        .isEqualTo(404);
  }

  @Test
  void anUnknownSubscriptionIsStripeResourceMissing() throws Exception {
    APIGatewayProxyResponseEvent response =
        cancel("manager", "sub_nothere", "{\"at_period_end\": true}");
    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("stripe_resource_missing");
  }

  private APIGatewayProxyResponseEvent refund(String user, String key, String body) {
    ApiEvents event =
        request("POST", "/orgs/{org}/refunds").as(user, user + "@x.test").path("org", org.value());
    if (key != null) {
      event.header("Idempotency-Key", key);
    }
    return router.handle(event.body(body).build(), null);
  }

  private APIGatewayProxyResponseEvent patch(String user, String id, String key, String body) {
    ApiEvents event =
        request("PATCH", "/orgs/{org}/subscriptions/{id}")
            .as(user, user + "@x.test")
            .path("org", org.value())
            .path("id", id);
    if (key != null) {
      event.header("Idempotency-Key", key);
    }
    return router.handle(event.body(body).build(), null);
  }

  private APIGatewayProxyResponseEvent cancel(String user, String id, String body) {
    return cancel(user, id, body, null);
  }

  private APIGatewayProxyResponseEvent cancel(String user, String id, String body, String key) {
    ApiEvents event =
        request("POST", "/orgs/{org}/subscriptions/{id}/cancel")
            .as(user, user + "@x.test")
            .path("org", org.value())
            .path("id", id);
    if (key != null) {
      event.header("Idempotency-Key", key);
    }
    return router.handle(event.body(body).build(), null);
  }

  /** Records that fail a chosen step once, as DynamoDB may. */
  static final class FlakyRecords implements IdempotencyStore {
    private final IdempotencyStore delegate;
    private boolean failComplete;
    private boolean failAbandon;
    final java.util.List<Boolean> claims = new java.util.ArrayList<>();

    FlakyRecords(IdempotencyStore delegate) {
      this.delegate = delegate;
    }

    void failNextComplete() {
      failComplete = true;
    }

    void failNextAbandon() {
      failAbandon = true;
    }

    @Override
    public Claim claim(
        RequestKey request, String fingerprint, Instant now, Duration lease, Duration retention) {
      Claim claim = delegate.claim(request, fingerprint, now, lease, retention);
      if (claim instanceof Claimed claimed) {
        claims.add(claimed.recovery());
      }
      return claim;
    }

    @Override
    public Claim claim(
        RequestKey request,
        String fingerprint,
        Instant now,
        Duration lease,
        Duration retention,
        DailyReservation reservation) {
      Claim claim = delegate.claim(request, fingerprint, now, lease, retention, reservation);
      if (claim instanceof Claimed claimed) {
        claims.add(claimed.recovery());
      }
      return claim;
    }

    @Override
    public void completeReleasing(
        RequestKey request, String fingerprint, int status, String body, boolean audited) {
      delegate.completeReleasing(request, fingerprint, status, body, audited);
    }

    @Override
    public void complete(
        RequestKey request, String fingerprint, int status, String body, boolean audited) {
      if (failComplete) {
        failComplete = false;
        throw new IllegalStateException("simulated: the record could not be completed");
      }
      delegate.complete(request, fingerprint, status, body, audited);
    }

    @Override
    public void abandon(RequestKey request, String fingerprint) {
      if (failAbandon) {
        failAbandon = false;
        throw new IllegalStateException("simulated: the attempt could not be abandoned");
      }
      delegate.abandon(request, fingerprint);
    }

    @Override
    public void markAudited(RequestKey request, String fingerprint) {
      delegate.markAudited(request, fingerprint);
    }
  }

  /** An audit log that fails the next entry of a chosen action. */
  static final class FlakyAudit implements AuditLog {
    private final AuditLog delegate;
    private final Set<String> failing = new HashSet<>();

    FlakyAudit(AuditLog delegate) {
      this.delegate = delegate;
    }

    void failNext(String action) {
      failing.add(action);
    }

    @Override
    public AuditEntry append(OrgId org, AuditEvent event) {
      if (failing.remove(event.action())) {
        throw new IllegalStateException("simulated: the audit log is unavailable");
      }
      return delegate.append(org, event);
    }

    @Override
    public Optional<AuditOutcome> appendOnce(OrgId org, AuditEvent event, String onceKey) {
      if (failing.remove(event.action())) {
        throw new IllegalStateException("simulated: the audit log is unavailable");
      }
      return delegate.appendOnce(org, event, onceKey);
    }

    @Override
    public Page page(OrgId org, int limit, String after) {
      return delegate.page(org, limit, after);
    }

    @Override
    public Verification verify(OrgId org, Progress from, int maxEntries) {
      return delegate.verify(org, from, maxEntries);
    }
  }
}
