package com.agentbilly.api.members;

import static com.agentbilly.testing.ApiEvents.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.api.TestApiServices;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.RecordingAuditLog;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /orgs/{org}/members} through the router. */
class MemberRoutesTest {

  private static final OrgId ORG = new OrgId("org_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  private static final OrgId OTHER_ORG = new OrgId("org_bbbbbbbbbbbbbbbbbbbbbbbbbb");

  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final ApiRouter router = new TestApiServices().orgs(orgs).auditLog(audit).router();

  MemberRoutesTest() {
    member(ORG, "u-owner", Role.OWNER, "2026-11-01T09:00:00Z");
    member(ORG, "u-viewer", Role.VIEWER, "2026-11-03T09:00:00Z");
    member(ORG, "u-manager", Role.MANAGER, "2026-11-02T09:00:00Z");
    member(OTHER_ORG, "u-outsider", Role.OWNER, "2026-11-01T09:00:00Z");
  }

  @Test
  void anyMemberSeesEveryMemberNewestFirstWithRoles() throws Exception {
    APIGatewayProxyResponseEvent response = members(ORG, "u-viewer");

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(Json.read(response.getBody()))
        .isEqualTo(
            Json.read(
                """
                {"data": [
                  {"user_id": "u-viewer", "username": "u-viewer@x.test", "role": "viewer",
                   "joined_at": "2026-11-03T09:00:00Z"},
                  {"user_id": "u-manager", "username": "u-manager@x.test", "role": "manager",
                   "joined_at": "2026-11-02T09:00:00Z"},
                  {"user_id": "u-owner", "username": "u-owner@x.test", "role": "owner",
                   "joined_at": "2026-11-01T09:00:00Z"}
                ]}
                """));
    assertThat(audit.recorded()).isEmpty();
  }

  @Test
  void membersJoinedAtTheSameInstantAreOrderedByUserId() throws Exception {
    member(OTHER_ORG, "u-b", Role.VIEWER, "2026-11-01T09:00:00Z");
    member(OTHER_ORG, "u-a", Role.VIEWER, "2026-11-01T09:00:00Z");

    assertThat(Json.read(members(OTHER_ORG, "u-outsider").getBody()).findValuesAsText("user_id"))
        .containsExactly("u-a", "u-b", "u-outsider");
  }

  @Test
  void aNonMemberIsToldTheOrgDoesNotExist() throws Exception {
    APIGatewayProxyResponseEvent response = members(ORG, "u-outsider");

    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(Json.read(response.getBody()).at("/error/code").asText()).isEqualTo("not_found");
  }

  @Test
  void aQueryParameterIsInvalidRequest() throws Exception {
    APIGatewayProxyResponseEvent response =
        router.handle(
            request("GET", "/orgs/{org}/members")
                .path("org", ORG.value())
                .query("role", "owner")
                .as("u-owner", "u-owner@x.test")
                .build(),
            null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("invalid_request");
  }

  @Test
  void membersOfOtherOrgsAreNeverListed() throws Exception {
    assertThat(Json.read(members(OTHER_ORG, "u-outsider").getBody()).findValuesAsText("user_id"))
        .isEqualTo(List.of("u-outsider"));
  }

  private APIGatewayProxyResponseEvent members(OrgId org, String user) {
    return router.handle(
        request("GET", "/orgs/{org}/members")
            .path("org", org.value())
            .as(user, user + "@x.test")
            .build(),
        null);
  }

  private void member(OrgId org, String user, Role role, String joinedAt) {
    orgs.putMembership(
        new Membership(org, "Org", user, user + "@x.test", role, Instant.parse(joinedAt)));
  }
}
