package com.agentbilly.api.audit;

import static com.agentbilly.testing.ApiEvents.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.agentbilly.api.TestApiServices;
import com.agentbilly.audit.AuditChain;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.audit.AuditActor;
import com.agentbilly.domain.audit.AuditEntry;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.domain.mirror.PageCursors;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.testing.ApiEvents;
import com.agentbilly.testing.InMemoryAuditLog;
import com.agentbilly.testing.InMemoryOrgStore;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /orgs/{org}/audit} and {@code /audit/verify} through the router. */
class AuditRoutesTest {

  private static final Instant NOW = Instant.parse("2026-11-29T10:00:00.123Z");
  private static final byte[] CURSOR_KEY =
      "cursor-key-of-the-audit-routes-test".getBytes(StandardCharsets.UTF_8);
  private static final OrgId ORG = new OrgId("org_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  private static final OrgId OTHER_ORG = new OrgId("org_bbbbbbbbbbbbbbbbbbbbbbbbbb");
  private static final String OWNER = "u-owner";
  private static final String MANAGER = "u-manager";
  private static final String VIEWER = "u-viewer";
  private static final String OUTSIDER = "u-outsider";

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final InMemoryAuditLog log = new InMemoryAuditLog(clock);
  private final ApiRouter router =
      new TestApiServices().orgs(orgs).auditLog(log).clock(clock).cursorKey(CURSOR_KEY).router();

  AuditRoutesTest() {
    member(ORG, OWNER, Role.OWNER);
    member(ORG, MANAGER, Role.MANAGER);
    member(ORG, VIEWER, Role.VIEWER);
    member(OTHER_ORG, OUTSIDER, Role.OWNER);
  }

  @Test
  void ownerPagesThroughEntriesNewestFirstWithTheirHashes() throws Exception {
    AuditEntry first = append(ORG, "org.created");
    AuditEntry second = append(ORG, "key.connected");
    AuditEntry third = append(ORG, "member.joined");

    APIGatewayProxyResponseEvent firstPage = list(ORG, OWNER, Map.of("limit", "2"));

    assertThat(firstPage.getStatusCode()).isEqualTo(200);
    JsonNode page = Json.read(firstPage.getBody());
    assertThat(page.get("data")).isEqualTo(wire(third, second));
    assertThat(page.get("data").get(0).get("hash").asText()).isEqualTo(third.hash());
    assertThat(page.get("data").get(0).get("prev_hash").asText()).isEqualTo(second.hash());
    assertThat(page.get("has_more").asBoolean()).isTrue();
    String cursor = page.get("next_cursor").asText();

    APIGatewayProxyResponseEvent lastPage =
        list(ORG, OWNER, Map.of("limit", "2", "cursor", cursor));

    assertThat(lastPage.getStatusCode()).isEqualTo(200);
    JsonNode last = Json.read(lastPage.getBody());
    assertThat(last.get("data")).isEqualTo(wire(first));
    assertThat(last.get("has_more").asBoolean()).isFalse();
    assertThat(last.get("next_cursor").isNull()).isTrue();
  }

  @Test
  void entryOnTheWireHasEveryContractFieldInOrder() throws Exception {
    append(ORG, "org.created");

    JsonNode entry = Json.read(list(ORG, OWNER, Map.of()).getBody()).at("/data/0");

    List<String> fields = new ArrayList<>();
    entry.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly(
            "id",
            "at",
            "actor",
            "action",
            "target",
            "outcome",
            "key_purpose",
            "request_id",
            "details",
            "prev_hash",
            "hash");
    assertThat(entry.get("id").asText()).isEqualTo("aud_000000000001");
    assertThat(entry.get("at").asText()).isEqualTo("2026-11-29T10:00:00.123Z");
    assertThat(entry.get("actor").toString())
        .isEqualTo("{\"user_id\":\"u-owner\",\"username\":\"u-owner@x.test\",\"role\":\"owner\"}");
    assertThat(entry.get("outcome").asText()).isEqualTo("success");
    assertThat(entry.get("prev_hash").asText()).isEmpty();
    assertThat(entry.get("hash").asText()).matches("[0-9a-f]{64}");
  }

  @Test
  void withoutALimitAPageHoldsTwentyFiveEntries() throws Exception {
    for (int i = 0; i < 26; i++) {
      append(ORG, "sync.requested");
    }

    JsonNode page = Json.read(list(ORG, OWNER, Map.of()).getBody());

    assertThat(page.get("data").size()).isEqualTo(25);
    assertThat(page.at("/data/0/id").asText()).isEqualTo("aud_000000000026");
    assertThat(page.at("/data/24/id").asText()).isEqualTo("aud_000000000002");
    assertThat(page.get("has_more").asBoolean()).isTrue();
  }

  @Test
  void anEmptyLogIsAnEmptyList() {
    APIGatewayProxyResponseEvent response = list(ORG, OWNER, Map.of("limit", "100"));

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getBody())
        .isEqualTo("{\"data\":[],\"has_more\":false,\"next_cursor\":null}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "101", "-1", "1000", "ten", "2.5", ""})
  void aLimitOutsideOneToOneHundredIsInvalidRequest(String limit) throws Exception {
    append(ORG, "org.created");

    APIGatewayProxyResponseEvent response = list(ORG, OWNER, Map.of("limit", limit));

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("invalid_request");
    assertThat(Json.read(response.getBody()).at("/error/message").asText())
        .isEqualTo("'limit' must be an integer from 1 to 100.");
  }

  @Test
  void anUnknownQueryParameterIsInvalidRequest() throws Exception {
    APIGatewayProxyResponseEvent response = list(ORG, OWNER, Map.of("action", "org.created"));

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("invalid_request");
  }

  @Test
  void aCursorOfAnotherOrgsAuditListIsInvalidCursor() throws Exception {
    member(OTHER_ORG, OWNER, Role.OWNER);
    append(ORG, "org.created");
    append(OTHER_ORG, "org.created");
    append(OTHER_ORG, "key.connected");
    String otherCursor =
        Json.read(list(OTHER_ORG, OWNER, Map.of("limit", "1")).getBody())
            .get("next_cursor")
            .asText();

    APIGatewayProxyResponseEvent response =
        list(ORG, OWNER, Map.of("limit", "1", "cursor", otherCursor));

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("invalid_cursor");
  }

  @Test
  void aCursorSealedForAnotherListOfTheSameOrgIsInvalidCursor() throws Exception {
    String mirrorCursor =
        new PageCursors(() -> CURSOR_KEY)
            .seal(PageCursors.binding(ORG, "customers"), List.of("aud_000000000001"));

    APIGatewayProxyResponseEvent response = list(ORG, OWNER, Map.of("cursor", mirrorCursor));

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("invalid_cursor");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not-a-cursor", "AAAA", "aud_000000000001"})
  void aCursorWeDidNotIssueIsInvalidCursor(String cursor) throws Exception {
    append(ORG, "org.created");

    APIGatewayProxyResponseEvent response = list(ORG, OWNER, Map.of("cursor", cursor));

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("invalid_cursor");
  }

  @Test
  void anIntactChainVerifies() {
    append(ORG, "org.created");
    append(ORG, "key.connected");

    APIGatewayProxyResponseEvent response = verify(ORG, OWNER);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getBody())
        .isEqualTo(
            "{\"valid\":true,\"entries\":2,\"first_bad_id\":null,\"complete\":true,"
                + "\"next_cursor\":null}");
  }

  @Test
  void anEditedEntryIsTheFirstBadOne() {
    append(ORG, "org.created");
    AuditEntry second = append(ORG, "refund.created");
    append(ORG, "key.revoked");
    AuditEvent edited =
        new AuditEvent(
            second.event().actor(),
            "sync.requested",
            second.event().target(),
            second.event().outcome(),
            null,
            second.event().requestId(),
            Map.of());
    log.replace(
        ORG, new AuditEntry(second.id(), second.at(), edited, second.prevHash(), second.hash()));

    APIGatewayProxyResponseEvent response = verify(ORG, OWNER);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getBody())
        .isEqualTo(
            "{\"valid\":false,\"entries\":3,\"first_bad_id\":\"aud_000000000002\","
                + "\"complete\":true,\"next_cursor\":null}");
  }

  @Test
  void anOrgWithoutEntriesVerifiesAsEmpty() {
    assertThat(verify(ORG, OWNER).getBody())
        .isEqualTo(
            "{\"valid\":true,\"entries\":0,\"first_bad_id\":null,\"complete\":true,"
                + "\"next_cursor\":null}");
  }

  @Test
  void aLongChainIsVerifiedInBoundedStepsThatCarryOnWhereTheLastStopped() throws Exception {
    ApiRouter bounded =
        new TestApiServices()
            .orgs(orgs)
            .auditLog(log)
            .clock(clock)
            .cursorKey(CURSOR_KEY)
            .auditVerifyBound(2)
            .router();
    for (int i = 0; i < 5; i++) {
      append(ORG, "access.denied");
    }

    List<JsonNode> steps = verifyAll(bounded);

    assertThat(steps)
        .extracting(
            s -> s.get("valid").asBoolean(),
            s -> s.get("entries").asLong(),
            s -> s.get("complete").asBoolean())
        .containsExactly(tuple(true, 2L, false), tuple(true, 4L, false), tuple(true, 5L, true));
    assertThat(steps.getLast().get("next_cursor").isNull()).isTrue();
  }

  @Test
  void aBadEntryFoundInAnEarlierStepIsStillReportedAtTheEnd() throws Exception {
    ApiRouter bounded =
        new TestApiServices()
            .orgs(orgs)
            .auditLog(log)
            .clock(clock)
            .cursorKey(CURSOR_KEY)
            .auditVerifyBound(2)
            .router();
    append(ORG, "org.created");
    AuditEntry second = append(ORG, "refund.created");
    append(ORG, "key.revoked");
    append(ORG, "key.rotated");
    log.replace(
        ORG,
        new AuditEntry(
            second.id(), second.at(), second.event(), second.prevHash(), "0".repeat(64)));

    JsonNode last = verifyAll(bounded).getLast();

    assertThat(last.get("valid").asBoolean()).isFalse();
    assertThat(last.get("first_bad_id").asText()).isEqualTo("aud_000000000002");
    assertThat(last.get("entries").asLong()).isEqualTo(4);
  }

  @Test
  void aVerificationCursorIsRefusedByTheListAndByAnotherOrg() throws Exception {
    ApiRouter bounded =
        new TestApiServices()
            .orgs(orgs)
            .auditLog(log)
            .clock(clock)
            .cursorKey(CURSOR_KEY)
            .auditVerifyBound(1)
            .router();
    append(ORG, "org.created");
    append(ORG, "key.connected");
    append(OTHER_ORG, "org.created");
    append(OTHER_ORG, "key.connected");
    String cursor =
        Json.read(bounded.handle(verifyRequest(ORG, OWNER, null), null).getBody())
            .get("next_cursor")
            .asText();

    APIGatewayProxyResponseEvent asList = list(ORG, OWNER, Map.of("cursor", cursor));
    APIGatewayProxyResponseEvent elsewhere =
        bounded.handle(verifyRequest(OTHER_ORG, OUTSIDER, cursor), null);
    APIGatewayProxyResponseEvent tampered =
        bounded.handle(verifyRequest(ORG, OWNER, cursor.substring(0, cursor.length() - 2)), null);

    for (APIGatewayProxyResponseEvent response : List.of(asList, elsewhere, tampered)) {
      assertThat(response.getStatusCode()).isEqualTo(400);
      assertThat(Json.read(response.getBody()).at("/error/code").asText())
          .isEqualTo("invalid_cursor");
    }
  }

  private List<JsonNode> verifyAll(ApiRouter bounded) throws Exception {
    List<JsonNode> steps = new ArrayList<>();
    String cursor = null;
    do {
      APIGatewayProxyResponseEvent response =
          bounded.handle(verifyRequest(ORG, OWNER, cursor), null);
      assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
      JsonNode step = Json.read(response.getBody());
      steps.add(step);
      cursor = step.get("next_cursor").isNull() ? null : step.get("next_cursor").asText();
      assertThat(steps).hasSizeLessThan(10);
    } while (cursor != null);
    return steps;
  }

  private static APIGatewayProxyRequestEvent verifyRequest(OrgId org, String user, String cursor) {
    ApiEvents event =
        request("GET", "/orgs/{org}/audit/verify")
            .path("org", org.value())
            .as(user, user + "@x.test");
    if (cursor != null) {
      event.query("cursor", cursor);
    }
    return event.build();
  }

  @Test
  void managersAndViewersAreForbiddenAndTheRefusalIsAudited() throws Exception {
    for (String user : List.of(MANAGER, VIEWER)) {
      APIGatewayProxyResponseEvent listed = list(ORG, user, Map.of());
      APIGatewayProxyResponseEvent verified = verify(ORG, user);

      assertThat(listed.getStatusCode()).isEqualTo(403);
      assertThat(Json.read(listed.getBody()).at("/error/code").asText()).isEqualTo("forbidden");
      assertThat(verified.getStatusCode()).isEqualTo(403);
      assertThat(Json.read(verified.getBody()).at("/error/code").asText()).isEqualTo("forbidden");
    }

    JsonNode entries = Json.read(list(ORG, OWNER, Map.of()).getBody()).get("data");
    assertThat(entries.findValuesAsText("action"))
        .containsExactly("access.denied", "access.denied", "access.denied", "access.denied");
    assertThat(entries.findValuesAsText("target"))
        .containsExactly(
            "GET /orgs/{org}/audit/verify",
            "GET /orgs/{org}/audit",
            "GET /orgs/{org}/audit/verify",
            "GET /orgs/{org}/audit");
    assertThat(entries.findValuesAsText("outcome")).containsOnly("denied");
  }

  @Test
  void aNonMemberIsToldTheOrgDoesNotExist() throws Exception {
    append(ORG, "org.created");

    for (APIGatewayProxyResponseEvent response :
        List.of(list(ORG, OUTSIDER, Map.of()), verify(ORG, OUTSIDER))) {
      assertThat(response.getStatusCode()).isEqualTo(404);
      assertThat(Json.read(response.getBody()).at("/error/code").asText()).isEqualTo("not_found");
    }
    assertThat(log.verify(ORG).entries()).isEqualTo(1);
  }

  private APIGatewayProxyResponseEvent list(OrgId org, String user, Map<String, String> query) {
    ApiEvents event =
        request("GET", "/orgs/{org}/audit").path("org", org.value()).as(user, user + "@x.test");
    query.forEach(event::query);
    return router.handle(event.build(), null);
  }

  private APIGatewayProxyResponseEvent verify(OrgId org, String user) {
    return router.handle(
        request("GET", "/orgs/{org}/audit/verify")
            .path("org", org.value())
            .as(user, user + "@x.test")
            .build(),
        null);
  }

  private AuditEntry append(OrgId org, String action) {
    return log.append(
        org,
        new AuditEvent(
            new AuditActor(OWNER, OWNER + "@x.test", "owner"),
            action,
            "org:" + org.value(),
            AuditOutcome.SUCCESS,
            action.startsWith("key.") ? "sync" : null,
            "req-" + action,
            Map.of("count", 1L)));
  }

  /** The entries as the contract puts them on the wire, read back as JSON. */
  private static JsonNode wire(AuditEntry... entries) throws Exception {
    return Json.read(Json.write(Stream.of(entries).map(AuditChain::wire).toList()));
  }

  private void member(OrgId org, String user, Role role) {
    orgs.putMembership(new Membership(org, "Org", user, user + "@x.test", role, NOW));
  }
}
