package com.agentbilly.webhook;

import static com.agentbilly.testing.WebhookRequests.event;
import static com.agentbilly.testing.WebhookRequests.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.agentbilly.adapter.aws.SecretAccessException;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.mirror.WriteOutcome;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.testing.InMemoryEventLedger;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.LogLines;
import com.agentbilly.testing.StripeSignatures;
import com.agentbilly.testing.WebhookRequests;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The webhook function through its handler, with the real use case over in-memory stores: every
 * response of API.md "Webhook", each with what it wrote (or that it wrote nothing).
 */
class WebhookHandlerTest {

  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final long CREATED = NOW.getEpochSecond() - 2;
  private static final String SECRET = "whsec_test_handler0000000000000000";
  private static final OrgId ORG = new OrgId("org_testwebhookhandleraaaaaaaa");
  private static final String PATH = "/orgs/" + ORG.value();
  private static final String CUSTOMER =
      "{\"id\":\"cus_test_jenny\",\"object\":\"customer\",\"created\":"
          + CREATED
          + ",\"email\":\"jenny@example.com\",\"livemode\":false}";

  @RegisterExtension final LogLines logs = new LogLines();

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final FakeKeyVault vault = new FakeKeyVault();
  private final FlakyMirrorStore mirror = new FlakyMirrorStore(new InMemoryMirrorStore(clock));
  private final InMemoryEventLedger ledger = new InMemoryEventLedger();
  private final FakeStripe stripe = new FakeStripe();
  private final WebhookHandler handler =
      new WebhookHandler(new ApplyStripeEvent(orgs, vault, mirror, ledger, stripe, clock));

  @BeforeEach
  void anOrgWithAWebhookSecret() {
    createOrg(ORG, Mode.TEST, true);
    vault.put(ORG, SecretPurpose.WEBHOOK, SECRET);
  }

  // ------------------------------------------------------------------ accepted

  @Test
  void appliesAVerifiedEventAndRecordsIt() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);

    APIGatewayV2HTTPResponse response = deliver(body, sign(body));

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(json(response)).isEqualTo(json("{\"received\":true,\"duplicate\":false}"));
    assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
    MirrorItem stored = customer("cus_test_jenny").orElseThrow();
    assertThat(json(stored.json())).isEqualTo(json(CUSTOMER));
    assertThat(stored.snapshot()).isEqualTo(Instant.ofEpochSecond(CREATED));
    assertThat(stored.deleted()).isFalse();
    assertThat(ledger.entry(ORG, "evt_test_1"))
        .contains(
            new InMemoryEventLedger.Entry(
                "customer.created", true, Instant.ofEpochSecond(CREATED)));
  }

  @Test
  void aRedeliveredEventIsAcknowledgedAsDuplicateAndNotWrittenAgain() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    assertThat(deliver(body, sign(body)).getStatusCode()).isEqualTo(200);

    APIGatewayV2HTTPResponse again = deliver(body, sign(body));

    assertThat(again.getStatusCode()).isEqualTo(200);
    assertThat(json(again)).isEqualTo(json("{\"received\":true,\"duplicate\":true}"));
    assertThat(mirror.outcomes()).containsExactly(WriteOutcome.APPLIED);
    assertThat(ledger.size(ORG)).isEqualTo(1);
  }

  @Test
  void acceptsABase64EncodedBody() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    String encoded = Base64.getEncoder().encodeToString(body.getBytes(UTF_8));

    APIGatewayV2HTTPResponse response =
        handler.handle(
            request("POST", PATH, encoded, true, Map.of("Stripe-Signature", sign(body))), null);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(customer("cus_test_jenny")).isPresent();
  }

  @Test
  void anEventTypeWeDoNotMirrorIsRecordedAndAcknowledged() {
    String card = "{\"id\":\"card_test_visa\",\"object\":\"card\",\"customer\":\"cus_test_jenny\"}";
    String body = event("evt_test_2", "customer.source.created", CREATED, false, card);

    APIGatewayV2HTTPResponse response = deliver(body, sign(body));

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(json(response)).isEqualTo(json("{\"received\":true,\"duplicate\":false}"));
    assertThat(mirror.writes()).isEmpty();
    assertThat(ledger.entry(ORG, "evt_test_2"))
        .contains(
            new InMemoryEventLedger.Entry(
                "customer.source.created", false, Instant.ofEpochSecond(CREATED)));
  }

  @Test
  void anUnmirroredObjectWithoutIdIsRecordedToo() {
    String balance = "{\"object\":\"balance\",\"available\":[],\"livemode\":false}";
    String body = event("evt_test_3", "balance.available", CREATED, false, balance);

    APIGatewayV2HTTPResponse response = deliver(body, sign(body));

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(mirror.writes()).isEmpty();
    assertThat(ledger.entry(ORG, "evt_test_3").map(InMemoryEventLedger.Entry::handled))
        .contains(false);
  }

  @Test
  void aDeletionLeavesATombstoneWithTheLastKnownObject() {
    String created = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    String deleted = event("evt_test_2", "customer.deleted", CREATED + 1, false, CUSTOMER);
    assertThat(deliver(created, sign(created)).getStatusCode()).isEqualTo(200);

    APIGatewayV2HTTPResponse response = deliver(deleted, sign(deleted));

    assertThat(response.getStatusCode()).isEqualTo(200);
    MirrorItem tombstone = customer("cus_test_jenny").orElseThrow();
    assertThat(tombstone.deleted()).isTrue();
    assertThat(tombstone.snapshot()).isEqualTo(Instant.ofEpochSecond(CREATED + 1));
    assertThat(json(tombstone.json())).isEqualTo(json(CUSTOMER));
    assertThat(ledger.entry(ORG, "evt_test_2").map(InMemoryEventLedger.Entry::handled))
        .contains(true);
  }

  @Test
  void aDeletionArrivingFirstIsNotUndoneByTheOlderCreation() {
    String created = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    String deleted = event("evt_test_2", "customer.deleted", CREATED + 1, false, CUSTOMER);
    assertThat(deliver(deleted, sign(deleted)).getStatusCode()).isEqualTo(200);

    assertThat(deliver(created, sign(created)).getStatusCode()).isEqualTo(200);

    assertThat(customer("cus_test_jenny").map(MirrorItem::deleted)).contains(true);
    assertThat(mirror.outcomes()).containsExactly(WriteOutcome.APPLIED, WriteOutcome.STALE);
    assertThat(ledger.size(ORG)).isEqualTo(2);
  }

  // ------------------------------------------------------------------ same-second ties

  @Test
  void aSameSecondTieIsResolvedWithTheObjectFetchedFromStripe() {
    String first = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    String updatedCustomer = CUSTOMER.replace("jenny@example.com", "jenny.r@example.com");
    String second = event("evt_test_2", "customer.updated", CREATED, false, updatedCustomer);
    String current = updatedCustomer.replace("\"livemode\"", "\"name\":\"Jenny\",\"livemode\"");
    stripe.answer(
        ObjectType.CUSTOMER,
        "cus_test_jenny",
        new StripeObjectFetcher.Found(current, NOW.plusMillis(5)));
    assertThat(deliver(first, sign(first)).getStatusCode()).isEqualTo(200);

    APIGatewayV2HTTPResponse response = deliver(second, sign(second));

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(stripe.fetches()).containsExactly("customer/cus_test_jenny");
    MirrorItem stored = customer("cus_test_jenny").orElseThrow();
    assertThat(stored.json()).isEqualTo(current);
    assertThat(stored.snapshot()).isEqualTo(NOW.plusMillis(5));
    assertThat(mirror.outcomes())
        .containsExactly(WriteOutcome.APPLIED, WriteOutcome.CONFLICT, WriteOutcome.APPLIED);
    assertThat(ledger.size(ORG)).isEqualTo(2);
  }

  @Test
  void aTieForAnObjectStripeNoLongerHasLeavesATombstone() {
    String first = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    String second =
        event("evt_test_2", "customer.updated", CREATED, false, CUSTOMER.replace("jenny@", "j@"));
    stripe.answer(ObjectType.CUSTOMER, "cus_test_jenny", new StripeObjectFetcher.Gone(NOW));
    deliver(first, sign(first));

    assertThat(deliver(second, sign(second)).getStatusCode()).isEqualTo(200);

    MirrorItem stored = customer("cus_test_jenny").orElseThrow();
    assertThat(stored.deleted()).isTrue();
    assertThat(stored.snapshot()).isEqualTo(NOW);
    assertThat(json(stored.json())).isEqualTo(json(CUSTOMER));
  }

  @Test
  void aTieWithoutASyncKeyKeepsTheStoredStateAndIsStillAcknowledged() {
    String first = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    String second =
        event("evt_test_2", "customer.updated", CREATED, false, CUSTOMER.replace("jenny@", "j@"));
    deliver(first, sign(first));

    APIGatewayV2HTTPResponse response = deliver(second, sign(second));

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(json(customer("cus_test_jenny").orElseThrow().json())).isEqualTo(json(CUSTOMER));
    assertThat(mirror.outcomes()).containsExactly(WriteOutcome.APPLIED, WriteOutcome.CONFLICT);
    assertThat(ledger.entry(ORG, "evt_test_2").map(InMemoryEventLedger.Entry::handled))
        .contains(true);
  }

  @Test
  void aTieWhileStripeIsUnreachableAnswers500AndRecordsNothing() {
    String first = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    String second =
        event("evt_test_2", "customer.updated", CREATED, false, CUSTOMER.replace("jenny@", "j@"));
    deliver(first, sign(first));
    stripe.failWith(new StripeObjectFetcher.Unavailable("GET /v1/customers/… failed: HTTP 503"));

    APIGatewayV2HTTPResponse response = deliver(second, sign(second));

    assertThat(response.getStatusCode()).isEqualTo(500);
    assertThat(errorCode(response)).isEqualTo("internal");
    assertThat(ledger.contains(ORG, "evt_test_2")).isFalse();
  }

  // ------------------------------------------------------------------ the outcome line

  @Test
  void eachDeliveryEndsWithOneLineOfItsOrgEventAndOutcome() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    deliver(body, sign(body));
    deliver(body, sign(body));

    assertThat(logs.withMessage("webhook request"))
        .extracting(
            line -> line.get("Outcome").asText(),
            line -> line.get("status").asInt(),
            line -> line.get("event_type").asText(),
            line -> line.get("org").asText(),
            line -> line.get("route").asText(),
            line -> line.get("ServerErrors").asInt())
        .containsExactly(
            tuple("applied", 200, "customer.created", ORG.value(), "POST /orgs/{org}", 0),
            tuple("duplicate", 200, "customer.created", ORG.value(), "POST /orgs/{org}", 0));
    assertThat(logs.withMessage("webhook request").getFirst().get("Function").asText())
        .isEqualTo("webhook");
  }

  @Test
  void aStorageFailureCountsAsAServerErrorAndARefusalAsItsCode() {
    String first = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    String second =
        event("evt_test_2", "customer.updated", CREATED, false, CUSTOMER.replace("jenny@", "j@"));
    deliver(first, sign(first));
    stripe.failWith(new StripeObjectFetcher.Unavailable("GET /v1/customers/… failed: HTTP 503"));
    deliver(second, sign(second));
    deliver(first, "t=1,v1=00");

    assertThat(logs.withMessage("webhook request"))
        .extracting(line -> line.get("Outcome").asText(), line -> line.get("ServerErrors").asInt())
        .containsExactly(tuple("applied", 0), tuple("internal", 1), tuple("invalid_signature", 0));
  }

  @Test
  void theLinesNeverCarryTheSecretTheSignatureOrTheBody() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    String signature = sign(body);
    deliver(body, signature);
    deliver(body, StripeSignatures.of(body).secret("whsec_test_other").at(NOW).header());

    assertThat(logs.text())
        .doesNotContain(SECRET)
        .doesNotContain(signature)
        .doesNotContain("v1=")
        .doesNotContain("jenny@example.com");
  }

  // ------------------------------------------------------------------ signature

  @Test
  void aDeliveryWithoutSignatureIsRefusedAndNothingWritten() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);

    APIGatewayV2HTTPResponse response =
        handler.handle(request("POST", PATH, body, false, Map.of()), null);

    assertInvalidSignature(response);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "garbage",
        "t=,v1=",
        "t=notanumber,v1=0000",
        "v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
        "t=1795953600",
        " t=1795953600, v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
        "t",
        "t=1795953600,v1",
        "t=1795953600,v1=",
        "t=-5,v1=00",
        "v1=00,t=99999999999999999999"
      })
  void aMalformedSignatureHeaderIsRefusedAndNothingWritten(String header) {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);

    assertInvalidSignature(deliver(body, header));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "garbage", "t=1795953600", "t=1795953299,v1=00"})
  void aForgedHeaderIsRefusedBeforeTheOrgOrItsSecretIsRead(String header) {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    vault.failWith(new SecretAccessException("must not be read"));
    Map<String, String> headers = header.isEmpty() ? Map.of() : Map.of("Stripe-Signature", header);

    APIGatewayV2HTTPResponse known =
        handler.handle(request("POST", PATH, body, false, headers), null);
    APIGatewayV2HTTPResponse unknown =
        handler.handle(
            request("POST", "/orgs/org_testwebhooknosuchorgaaaaaa", body, false, headers), null);

    assertInvalidSignature(known);
    assertThat(unknown.getStatusCode()).isEqualTo(400);
    assertThat(errorCode(unknown)).isEqualTo("invalid_signature");
  }

  @Test
  void aWellFormedFreshHeaderForAnUnknownOrgIsStillNotFound() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);

    APIGatewayV2HTTPResponse response =
        handler.handle(
            request("POST", "/orgs/org_testwebhooknosuchorgaaaaaa", body, false, signature(body)),
            null);

    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("not_found");
  }

  @Test
  void aSignatureWithAnotherSchemeIsRefused() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);

    assertInvalidSignature(
        deliver(body, StripeSignatures.of(body).secret(SECRET).at(NOW).scheme("v0").header()));
  }

  @Test
  void aSignatureMadeWithAnotherSecretIsRefused() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);

    assertInvalidSignature(
        deliver(body, StripeSignatures.of(body).secret("whsec_test_other").at(NOW).header()));
  }

  @Test
  void aTamperedBodyIsRefused() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    String tampered = body.replace("jenny@example.com", "mallory@example.com");

    assertInvalidSignature(deliver(tampered, sign(body)));
  }

  @Test
  void aSignature301SecondsOldIsRefused() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);

    assertInvalidSignature(
        deliver(body, StripeSignatures.of(body).secret(SECRET).at(NOW.minusSeconds(301)).header()));
  }

  @Test
  void aSignature300SecondsOldIsStillAccepted() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);

    APIGatewayV2HTTPResponse response =
        deliver(body, StripeSignatures.of(body).secret(SECRET).at(NOW.minusSeconds(300)).header());

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(customer("cus_test_jenny")).isPresent();
  }

  @Test
  void anyMatchingV1IsAcceptedWhileTheSecretIsRolled() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    String header =
        StripeSignatures.of(body).secret(SECRET).at(NOW).signedAlsoWith("whsec_test_old").header();
    assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}");

    APIGatewayV2HTTPResponse response = deliver(body, header);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(customer("cus_test_jenny")).isPresent();
    assertThat(ledger.size(ORG)).isEqualTo(1);
  }

  // ------------------------------------------------------------------ bad input

  @Test
  void aBodyThatIsNotJsonIsAnInvalidRequestEvenWhenSigned() {
    String body = "customer.created cus_test_jenny";

    APIGatewayV2HTTPResponse response = deliver(body, sign(body));

    assertRefused(response, 400, "invalid_request");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"hello\":\"world\"}",
        "[1,2,3]",
        "\"evt_test_1\"",
        "{\"id\":\"evt_test_1\",\"type\":\"customer.created\",\"created\":1795953598,"
            + "\"livemode\":false,\"data\":{}}",
        "{\"id\":\"evt_test_1\",\"type\":\"customer.created\",\"created\":1795953598,"
            + "\"livemode\":false,\"data\":{\"object\":\"cus_test_jenny\"}}",
        "{\"id\":\"evt_test_1\",\"type\":\"customer.created\",\"created\":\"yesterday\","
            + "\"livemode\":false,\"data\":{\"object\":{\"id\":\"cus_test_jenny\"}}}",
        "{\"id\":\"evt_test_1\",\"type\":\"customer.created\",\"created\":1795953598,"
            + "\"data\":{\"object\":{\"id\":\"cus_test_jenny\"}}}",
        "{\"id\":\"evt_test_1\",\"type\":\"customer.created\",\"created\":1795953598,"
            + "\"livemode\":false,\"data\":{\"object\":{\"object\":\"customer\"}}}",
        "{\"type\":\"customer.created\",\"created\":1795953598,"
            + "\"livemode\":false,\"data\":{\"object\":{\"id\":\"cus_test_jenny\"}}}"
      })
  void signedJsonThatIsNotAUsableEventIsAnInvalidRequest(String body) {
    assertRefused(deliver(body, sign(body)), 400, "invalid_request");
  }

  @ParameterizedTest
  @ValueSource(strings = {"event", "object"})
  void aSignedEventWhoseIdIsTooLongForTheTableIsRejectedNotRetried(String which) {
    String longId = "cus_" + "x".repeat(2000);
    String body =
        which.equals("event")
            ? event("evt_" + "x".repeat(2000), "customer.created", CREATED, false, CUSTOMER)
            : event(
                "evt_test_1",
                "customer.created",
                CREATED,
                false,
                CUSTOMER.replace("cus_test_jenny", longId));

    assertRefused(deliver(body, sign(body)), 400, "invalid_request");
    assertThat(logs.withMessage("webhook request"))
        .extracting(
            line -> line.get("Outcome").asText(),
            line -> line.get("reason").asText(),
            line -> line.get("ServerErrors").asInt())
        .containsExactly(tuple("rejected", "invalid_request", 0));
  }

  @Test
  void aSignedEventHoldingALoneSurrogateIsRejected() {
    String body =
        event(
            "evt_test_1",
            "customer.created",
            CREATED,
            false,
            CUSTOMER.replace("jenny@example.com", "jenny\\ud800@example.com"));

    assertRefused(deliver(body, sign(body)), 400, "invalid_request");
    assertThat(logs.withMessage("webhook request").getFirst().get("Outcome").asText())
        .isEqualTo("rejected");
  }

  @Test
  void anUnsignedBadEventIsAnInvalidSignatureNotARejection() {
    String body = "{}";

    deliver(body, "t=1795953600,v1=00");

    assertThat(logs.withMessage("webhook request"))
        .extracting(line -> line.get("Outcome").asText(), line -> line.has("reason"))
        .containsExactly(tuple("invalid_signature", false));
  }

  @Test
  void aLiveModeEventForATestModeOrgIsRefused() {
    String body = event("evt_test_1", "customer.created", CREATED, true, CUSTOMER);

    assertRefused(deliver(body, sign(body)), 400, "invalid_request");
  }

  @Test
  void aTestModeEventForALiveModeOrgIsRefused() {
    OrgId live = new OrgId("org_testwebhooklivemodeaaaaaaa");
    createOrg(live, Mode.LIVE, true);
    vault.put(live, SecretPurpose.WEBHOOK, SECRET);
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);

    APIGatewayV2HTTPResponse response =
        handler.handle(
            request("POST", "/orgs/" + live.value(), body, false, signature(body)), null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(errorCode(response)).isEqualTo("invalid_request");
    assertThat(mirror.writes()).isEmpty();
    assertThat(ledger.size(live)).isZero();
  }

  @Test
  void aBodyOverOneMebibyteIsRefusedBeforeAnythingElse() {
    String padding = "x".repeat(2 * 1024 * 1024);
    String body =
        event(
            "evt_test_1",
            "customer.created",
            CREATED,
            false,
            CUSTOMER.replace("\"livemode\"", "\"description\":\"" + padding + "\",\"livemode\""));

    assertRefused(deliver(body, sign(body)), 413, "payload_too_large");
  }

  @Test
  void aBodyFlaggedAsBase64ThatIsNotIsAnInvalidRequest() {
    APIGatewayV2HTTPResponse response =
        handler.handle(request("POST", PATH, "not base64 at all!", true, signature("x")), null);

    assertRefused(response, 400, "invalid_request");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/orgs/not-an-org",
        "/orgs/ORG_TESTWEBHOOKHANDLERAAAAAAAA",
        "/orgs/org_aaaaaaaaaaaaaaaaaaaaaaaaaa",
        "/orgs/org_testwebhookhandleraaaaaaaa/extra",
        "/orgs/",
        "/",
        "/webhook"
      })
  void anythingButAKnownOrgsPathIsNotFound(String path) {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);

    APIGatewayV2HTTPResponse response =
        handler.handle(request("POST", path, body, false, signature(body)), null);

    assertRefused(response, 404, "not_found");
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "PUT", "DELETE", "OPTIONS"})
  void onlyPostIsServed(String method) {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);

    APIGatewayV2HTTPResponse response =
        handler.handle(request(method, PATH, body, false, signature(body)), null);

    assertRefused(response, 404, "not_found");
  }

  @Test
  void anOrgWithoutWebhookSecretIsNotFound() {
    OrgId org = new OrgId("org_testwebhooknosecretaaaaaaa");
    createOrg(org, Mode.TEST, false);
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);

    APIGatewayV2HTTPResponse response =
        handler.handle(request("POST", "/orgs/" + org.value(), body, false, signature(body)), null);

    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(errorCode(response)).isEqualTo("not_found");
    assertThat(ledger.size(org)).isZero();
  }

  @Test
  void anOrgMarkedConfiguredWhoseSecretIsGoneIsNotFound() {
    vault.delete(ORG, SecretPurpose.WEBHOOK);
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);

    assertRefused(deliver(body, sign(body)), 404, "not_found");
  }

  // ------------------------------------------------------------------ storage failures

  @Test
  void aMirrorWriteFailureAnswers500AndLeavesNoLedgerRecordSoTheRetryApplies() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    mirror.failWith(SdkClientException.create("Unable to execute HTTP request: Connection reset"));

    APIGatewayV2HTTPResponse failed = deliver(body, sign(body));

    assertThat(failed.getStatusCode()).isEqualTo(500);
    assertThat(errorCode(failed)).isEqualTo("internal");
    assertThat(json(failed).at("/error/message").asText()).contains("req-test");
    assertThat(ledger.contains(ORG, "evt_test_1")).isFalse();
    assertThat(customer("cus_test_jenny")).isEmpty();

    mirror.failWith(null);
    APIGatewayV2HTTPResponse retried = deliver(body, sign(body));

    assertThat(retried.getStatusCode()).isEqualTo(200);
    assertThat(json(retried)).isEqualTo(json("{\"received\":true,\"duplicate\":false}"));
    assertThat(customer("cus_test_jenny")).isPresent();
    assertThat(ledger.contains(ORG, "evt_test_1")).isTrue();
  }

  @Test
  void aSecretsFailureAnswers500AndWritesNothing() {
    String body = event("evt_test_1", "customer.created", CREATED, false, CUSTOMER);
    vault.failWith(new SecretAccessException("Secrets Manager GetSecretValue failed: timeout"));

    APIGatewayV2HTTPResponse response = deliver(body, sign(body));

    assertThat(response.getStatusCode()).isEqualTo(500);
    assertThat(errorCode(response)).isEqualTo("internal");
    assertThat(mirror.writes()).isEmpty();
    assertThat(ledger.size(ORG)).isZero();
  }

  // ------------------------------------------------------------------ helpers

  private void createOrg(OrgId id, Mode mode, boolean webhookConfigured) {
    Org org =
        new Org(id, "Webhook Co", mode, null, webhookConfigured, NOW.minusSeconds(3600), "u-1");
    orgs.createOrg(
        org, new Membership(id, "Webhook Co", "u-1", "owner@demo.test", Role.OWNER, NOW));
  }

  private APIGatewayV2HTTPResponse deliver(String body, String signatureHeader) {
    return handler.handle(
        request("POST", PATH, body, false, Map.of("Stripe-Signature", signatureHeader)), null);
  }

  private static String sign(String body) {
    return StripeSignatures.of(body).secret(SECRET).at(NOW).header();
  }

  private static Map<String, String> signature(String body) {
    return Map.of("Stripe-Signature", sign(body));
  }

  private Optional<MirrorItem> customer(String id) {
    return mirror.get(ORG, ObjectType.CUSTOMER, id);
  }

  private void assertInvalidSignature(APIGatewayV2HTTPResponse response) {
    assertRefused(response, 400, "invalid_signature");
  }

  private void assertRefused(APIGatewayV2HTTPResponse response, int status, String code) {
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
    assertThat(errorCode(response)).isEqualTo(code);
    assertThat(mirror.writes()).isEmpty();
    assertThat(ledger.size(ORG)).isZero();
  }

  private static String errorCode(APIGatewayV2HTTPResponse response) {
    return json(response).at("/error/code").asText();
  }

  private static JsonNode json(APIGatewayV2HTTPResponse response) {
    return json(response.getBody());
  }

  private static JsonNode json(String text) {
    return WebhookRequests.read(text);
  }
}
