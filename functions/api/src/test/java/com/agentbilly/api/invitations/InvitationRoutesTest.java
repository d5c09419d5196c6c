package com.agentbilly.api.invitations;

import static com.agentbilly.testing.ApiEvents.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.api.TestApiServices;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.invitations.Invitation;
import com.agentbilly.domain.invitations.InvitationCode;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.testing.ApiEvents;
import com.agentbilly.testing.InMemoryInvitationStore;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.RecordingAuditLog;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The invitation routes through the router, against in-memory stores and a clock we move. */
class InvitationRoutesTest {

  private static final OrgId ORG = new OrgId("org_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  private static final OrgId OTHER_ORG = new OrgId("org_bbbbbbbbbbbbbbbbbbbbbbbbbb");
  private static final Instant START = Instant.parse("2026-11-01T09:00:00.250Z");
  private static final String ANN = "ann@example.test";

  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final InMemoryInvitationStore invitations = new InMemoryInvitationStore(orgs);
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final MovableClock clock = new MovableClock(START);
  private final ApiRouter router =
      new TestApiServices()
          .orgs(orgs)
          .invitations(invitations)
          .auditLog(audit)
          .clock(clock)
          .router();

  InvitationRoutesTest() {
    org(ORG, "u-owner");
    org(OTHER_ORG, "u-other-owner");
    orgs.putMembership(
        new Membership(ORG, "Org", "u-manager", "manager@x.test", Role.MANAGER, START));
  }

  // ---------------------------------------------------------------- inviting

  @Test
  void anOwnerGetsTheCodeOnceAndOnlyItsHashIsStored() throws Exception {
    APIGatewayProxyResponseEvent response = invite(ORG, "u-owner", "Ann@Example.TEST", "manager");

    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
    JsonNode body = Json.read(response.getBody());
    List<String> fields = fieldNames(body);
    assertThat(fields).containsExactly("invitation_id", "code", "email", "role", "expires_at");
    String code = body.get("code").asText();
    assertThat(code).matches("invite_[a-z2-7]{32}");
    assertThat(body.get("invitation_id").asText()).matches("inv_[a-z2-7]{26}");
    assertThat(body.get("email").asText()).isEqualTo(ANN);
    assertThat(body.get("role").asText()).isEqualTo("manager");
    assertThat(body.get("expires_at").asText()).isEqualTo("2026-11-08T09:00:00Z");

    Invitation stored = invitations.stored().getFirst();
    assertThat(stored.codeHash()).isEqualTo(InvitationCode.presented(code).hash());
    assertThat(stored.toString()).doesNotContain(code);
    assertThat(stored.email()).isEqualTo(ANN);
    assertThat(stored.invitedBy()).isEqualTo("u-owner@x.test");

    AuditEvent invited = audit.recorded().getFirst().event();
    assertThat(audit.recorded().getFirst().org()).isEqualTo(ORG);
    assertThat(invited.action()).isEqualTo("member.invited");
    assertThat(invited.target()).isEqualTo("invitation:" + stored.id());
    assertThat(invited.details())
        .isEqualTo(Map.of("email", ANN, "role", "manager", "expires_at", "2026-11-08T09:00:00Z"));
    assertThat(invited.toString()).doesNotContain(code);
  }

  @Test
  void badEmailsAndRolesAreRefusedAndNothingIsStored() throws Exception {
    assertValidation(invite(ORG, "u-owner", "not-an-email", "viewer"), "email");
    assertValidation(invite(ORG, "u-owner", ANN, "admin"), "role");
    assertValidation(send("POST", "/orgs/{org}/invitations", ORG, "u-owner", "{}"), "email");
    assertValidation(
        send("POST", "/orgs/{org}/invitations", ORG, "u-owner", "{\"email\":\"" + ANN + "\"}"),
        "role");
    APIGatewayProxyResponseEvent unknownField =
        send(
            "POST",
            "/orgs/{org}/invitations",
            ORG,
            "u-owner",
            "{\"email\":\"" + ANN + "\",\"role\":\"viewer\",\"code\":\"mine\"}");
    assertValidation(unknownField, "code");
    APIGatewayProxyResponseEvent wrongType =
        send(
            "POST",
            "/orgs/{org}/invitations",
            ORG,
            "u-owner",
            "{\"email\":12,\"role\":\"viewer\"}");
    assertThat(wrongType.getStatusCode()).isEqualTo(400);
    assertThat(code(wrongType)).isEqualTo("invalid_request");

    assertThat(invitations.stored()).isEmpty();
    assertThat(audit.recorded()).isEmpty();
  }

  @Test
  void onlyOwnersInviteAndListAndOutsidersAreToldTheOrgDoesNotExist() throws Exception {
    APIGatewayProxyResponseEvent byManager = invite(ORG, "u-manager", ANN, "viewer");
    assertThat(byManager.getStatusCode()).isEqualTo(403);
    assertThat(code(byManager)).isEqualTo("forbidden");
    APIGatewayProxyResponseEvent byOutsider = invite(ORG, "u-other-owner", ANN, "viewer");
    assertThat(byOutsider.getStatusCode()).isEqualTo(404);
    assertThat(list(ORG, "u-manager").getStatusCode()).isEqualTo(403);
    assertThat(invitations.stored()).isEmpty();
    assertThat(audit.actions()).containsExactly("access.denied", "access.denied");
  }

  // ---------------------------------------------------------------- listing

  @Test
  void theListShowsOpenInvitationsNewestFirstAndNeverACode() throws Exception {
    String first = body(invite(ORG, "u-owner", "first@example.test", "viewer"));
    clock.advance(Duration.ofDays(1));
    String second = body(invite(ORG, "u-owner", "second@example.test", "owner"));
    invite(OTHER_ORG, "u-other-owner", "elsewhere@example.test", "viewer");

    APIGatewayProxyResponseEvent response = list(ORG, "u-owner");

    assertThat(response.getStatusCode()).isEqualTo(200);
    JsonNode data = Json.read(response.getBody()).get("data");
    assertThat(data.findValuesAsText("email"))
        .containsExactly("second@example.test", "first@example.test");
    assertThat(data.findValuesAsText("invitation_id")).containsExactly(id(second), id(first));
    assertThat(data.findValuesAsText("invited_by")).containsOnly("u-owner@x.test");
    assertThat(data.findValuesAsText("expires_at"))
        .containsExactly("2026-11-09T09:00:00Z", "2026-11-08T09:00:00Z");
    assertThat(fieldNames(data.get(0)))
        .containsExactly("invitation_id", "email", "role", "expires_at", "invited_by");
    assertThat(response.getBody()).doesNotContain(code(first)).doesNotContain(code(second));

    clock.advance(Duration.ofDays(6));
    assertThat(Json.read(list(ORG, "u-owner").getBody()).get("data").findValuesAsText("email"))
        .containsExactly("second@example.test");
  }

  // ---------------------------------------------------------------- accepting

  @Test
  void theInviteeJoinsWithTheInvitedRoleAndTheCodeIsUsedUp() throws Exception {
    String created = body(invite(ORG, "u-owner", "Ann@Example.test", "manager"));
    clock.advance(Duration.ofHours(1));

    APIGatewayProxyResponseEvent accepted = accept("u-ann", "ANN@example.TEST", code(created));

    assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(200);
    assertThat(Json.read(accepted.getBody()))
        .isEqualTo(Json.read("{\"org_id\":\"" + ORG.value() + "\",\"role\":\"manager\"}"));
    Membership joined = orgs.findMembership(ORG, "u-ann").orElseThrow();
    assertThat(joined.role()).isEqualTo(Role.MANAGER);
    assertThat(joined.username()).isEqualTo("u-ann-name");
    assertThat(joined.joinedAt()).isEqualTo(START.plus(Duration.ofHours(1)));
    assertThat(invitations.stored()).isEmpty();

    RecordingAuditLog.Recorded entry = audit.recorded().getLast();
    assertThat(entry.org()).isEqualTo(ORG);
    assertThat(entry.event().action()).isEqualTo("member.joined");
    assertThat(entry.event().target()).isEqualTo("user:u-ann");
    assertThat(entry.event().actor().userId()).isEqualTo("u-ann");
    assertThat(entry.event().actor().role()).isEqualTo("manager");
    assertThat(entry.event().details())
        .isEqualTo(Map.of("invitation_id", id(created), "role", "manager"));

    APIGatewayProxyResponseEvent reused = accept("u-ann", ANN, code(created));
    assertNotFound(reused);
    APIGatewayProxyResponseEvent reusedByAnother = accept("u-ann-2", ANN, code(created));
    assertNotFound(reusedByAnother);
    assertThat(orgs.findMembership(ORG, "u-ann-2")).isEmpty();
  }

  @Test
  void anotherEmailOrAnUnverifiedOneGetsNotFoundAndTheInvitationStaysOpen() throws Exception {
    String created = body(invite(ORG, "u-owner", ANN, "viewer"));

    assertNotFound(accept("u-bob", "bob@example.test", code(created)));
    assertNotFound(
        router.handle(
            acceptEvent(code(created))
                .as("u-ann", "u-ann-name")
                .claim("email", ANN)
                .claim("email_verified", "false")
                .build(),
            null));
    assertNotFound(
        router.handle(
            acceptEvent(code(created)).as("u-ann", "u-ann-name").claim("email", null).build(),
            null));

    assertThat(orgs.findMembership(ORG, "u-bob")).isEmpty();
    assertThat(orgs.findMembership(ORG, "u-ann")).isEmpty();
    assertThat(invitations.stored()).hasSize(1);
    assertThat(accept("u-ann", ANN, code(created)).getStatusCode()).isEqualTo(200);
  }

  @Test
  void anExpiredCodeGetsNotFoundAndJoinsNobody() throws Exception {
    String created = body(invite(ORG, "u-owner", ANN, "viewer"));
    clock.advance(Duration.ofDays(7));

    assertNotFound(accept("u-ann", ANN, code(created)));
    assertThat(orgs.findMembership(ORG, "u-ann")).isEmpty();
    assertNotFound(revoke(ORG, "u-owner", id(created)));
  }

  @Test
  void aRevokedCodeGetsNotFoundAndRevokingTwiceIsNotFound() throws Exception {
    String created = body(invite(ORG, "u-owner", ANN, "viewer"));

    APIGatewayProxyResponseEvent revoked = revoke(ORG, "u-owner", id(created));

    assertThat(revoked.getStatusCode()).isEqualTo(204);
    assertThat(revoked.getBody()).isNull();
    assertThat(audit.actions()).containsExactly("member.invited", "invitation.revoked");
    assertThat(audit.recorded().getLast().event().details())
        .isEqualTo(Map.of("email", ANN, "role", "viewer"));
    assertNotFound(accept("u-ann", ANN, code(created)));
    assertNotFound(revoke(ORG, "u-owner", id(created)));
    assertThat(orgs.findMembership(ORG, "u-ann")).isEmpty();
  }

  @Test
  void anInvitationCanOnlyBeRevokedThroughItsOwnOrg() throws Exception {
    String created = body(invite(ORG, "u-owner", ANN, "viewer"));

    assertNotFound(revoke(OTHER_ORG, "u-other-owner", id(created)));
    assertNotFound(revoke(ORG, "u-owner", "inv_not-an-id"));
    assertThat(invitations.stored()).hasSize(1);
  }

  @Test
  void unknownCodesGetTheSameAnswerAsEveryOtherRefusal() throws Exception {
    body(invite(ORG, "u-owner", ANN, "viewer"));
    APIGatewayProxyResponseEvent unknown =
        accept("u-ann", ANN, InvitationCode.generate(new java.security.SecureRandom()).reveal());
    APIGatewayProxyResponseEvent junk = accept("u-ann", ANN, "x");

    assertNotFound(unknown);
    assertThat(unknown.getBody()).isEqualTo(junk.getBody());
    assertThat(orgs.findMembership(ORG, "u-ann")).isEmpty();
  }

  @Test
  void aMemberAcceptingKeepsTheirRoleAndTheInvitationIsUsedUp() throws Exception {
    String created = body(invite(ORG, "u-owner", "manager@x.test", "viewer"));

    APIGatewayProxyResponseEvent accepted = accept("u-manager", "manager@x.test", code(created));

    assertThat(accepted.getStatusCode()).isEqualTo(200);
    assertThat(Json.read(accepted.getBody()).get("role").asText()).isEqualTo("manager");
    assertThat(orgs.findMembership(ORG, "u-manager").orElseThrow().role()).isEqualTo(Role.MANAGER);
    assertThat(invitations.stored()).isEmpty();
    assertThat(audit.actions()).containsExactly("member.invited");
  }

  @Test
  void acceptNeedsACodeString() throws Exception {
    assertValidation(send("POST", "/invitations/accept", null, "u-ann", "{}"), "code");
    APIGatewayProxyResponseEvent number =
        send("POST", "/invitations/accept", null, "u-ann", "{\"code\":1}");
    assertThat(number.getStatusCode()).isEqualTo(400);
    assertThat(code(number)).isEqualTo("invalid_request");
  }

  // ---------------------------------------------------------------- helpers

  private void org(OrgId id, String owner) {
    orgs.createOrg(
        new Org(id, "Org", Mode.TEST, null, false, START, owner),
        new Membership(id, "Org", owner, owner + "@x.test", Role.OWNER, START));
  }

  private APIGatewayProxyResponseEvent invite(OrgId org, String user, String email, String role) {
    return send(
        "POST",
        "/orgs/{org}/invitations",
        org,
        user,
        "{\"email\":\"" + email + "\",\"role\":\"" + role + "\"}");
  }

  private APIGatewayProxyResponseEvent list(OrgId org, String user) {
    return send("GET", "/orgs/{org}/invitations", org, user, null);
  }

  private APIGatewayProxyResponseEvent revoke(OrgId org, String user, String invitationId) {
    return router.handle(
        request("DELETE", "/orgs/{org}/invitations/{invitation_id}")
            .path("org", org.value())
            .path("invitation_id", invitationId)
            .as(user, user + "@x.test")
            .build(),
        null);
  }

  private APIGatewayProxyResponseEvent accept(String user, String email, String code) {
    return router.handle(
        acceptEvent(code).as(user, user + "-name").claim("email", email).build(), null);
  }

  private static ApiEvents acceptEvent(String code) {
    return request("POST", "/invitations/accept").body("{\"code\":\"" + code + "\"}");
  }

  private APIGatewayProxyResponseEvent send(
      String method, String resource, OrgId org, String user, String body) {
    ApiEvents event = request(method, resource).as(user, user + "@x.test").body(body);
    if (org != null) {
      event.path("org", org.value());
    }
    return router.handle(event.build(), null);
  }

  private static String body(APIGatewayProxyResponseEvent response) {
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
    return response.getBody();
  }

  private static String id(String created) throws Exception {
    return Json.read(created).get("invitation_id").asText();
  }

  private static String code(String created) throws Exception {
    return Json.read(created).get("code").asText();
  }

  private static String code(APIGatewayProxyResponseEvent response) throws Exception {
    return Json.read(response.getBody()).at("/error/code").asText();
  }

  private static void assertNotFound(APIGatewayProxyResponseEvent response) throws Exception {
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(404);
    assertThat(code(response)).isEqualTo("not_found");
  }

  private static void assertValidation(APIGatewayProxyResponseEvent response, String field)
      throws Exception {
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(422);
    assertThat(code(response)).isEqualTo("validation_failed");
    assertThat(Json.read(response.getBody()).at("/error/fields").has(field)).isTrue();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A clock that stands still until the test moves it. */
  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }
}
