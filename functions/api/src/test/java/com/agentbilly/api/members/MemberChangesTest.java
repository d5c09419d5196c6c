package com.agentbilly.api.members;

import static com.agentbilly.testing.ApiEvents.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.api.TestApiServices;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.port.OrgStore;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.RecordingAuditLog;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@code PUT} and {@code DELETE /orgs/{org}/members/{user_id}} through the router. */
class MemberChangesTest {

  private static final OrgId ORG = new OrgId("org_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  private static final Instant JOINED = Instant.parse("2026-11-01T09:00:00Z");

  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final ApiRouter router = new TestApiServices().orgs(orgs).auditLog(audit).router();

  MemberChangesTest() {
    member("u-owner", Role.OWNER);
    member("u-manager", Role.MANAGER);
    member("u-viewer", Role.VIEWER);
  }

  @Test
  void anOwnerChangesARoleAndItIsAudited() throws Exception {
    APIGatewayProxyResponseEvent response = changeRole("u-owner", "u-viewer", "manager");

    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
    assertThat(Json.read(response.getBody()))
        .isEqualTo(Json.read("{\"user_id\":\"u-viewer\",\"role\":\"manager\"}"));
    assertThat(role("u-viewer")).contains(Role.MANAGER);
    AuditEvent changed = audit.recorded().getLast().event();
    assertThat(changed.action()).isEqualTo("member.role_changed");
    assertThat(changed.target()).isEqualTo("user:u-viewer");
    assertThat(changed.actor().userId()).isEqualTo("u-owner");
    assertThat(changed.details()).isEqualTo(Map.of("from", "viewer", "to", "manager"));
  }

  @Test
  void theRoleAMemberHasAlreadyChangesNothingAndIsNotAudited() throws Exception {
    APIGatewayProxyResponseEvent response = changeRole("u-owner", "u-manager", "manager");

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(audit.recorded()).isEmpty();
  }

  @Test
  void theLastOwnerCannotDemoteThemselves() throws Exception {
    APIGatewayProxyResponseEvent response = changeRole("u-owner", "u-owner", "manager");

    assertThat(response.getStatusCode()).isEqualTo(409);
    assertThat(errorCode(response)).isEqualTo("last_owner");
    assertThat(role("u-owner")).contains(Role.OWNER);
    assertThat(audit.recorded()).isEmpty();
  }

  @Test
  void anOwnerStepsDownOnceThereIsAnotherOwner() throws Exception {
    assertThat(changeRole("u-owner", "u-manager", "owner").getStatusCode()).isEqualTo(200);

    APIGatewayProxyResponseEvent response = changeRole("u-owner", "u-owner", "viewer");

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(role("u-owner")).contains(Role.VIEWER);
    assertThat(role("u-manager")).contains(Role.OWNER);
  }

  @Test
  void anOwnerDemotesAnotherOwner() throws Exception {
    member("u-owner-2", Role.OWNER);

    assertThat(changeRole("u-owner", "u-owner-2", "viewer").getStatusCode()).isEqualTo(200);
    assertThat(role("u-owner-2")).contains(Role.VIEWER);
  }

  @Test
  void onlyOwnersChangeRolesAndNonMembersAreNotFound() throws Exception {
    APIGatewayProxyResponseEvent byManager = changeRole("u-manager", "u-viewer", "manager");
    assertThat(byManager.getStatusCode()).isEqualTo(403);
    assertThat(changeRole("u-viewer", "u-viewer", "owner").getStatusCode()).isEqualTo(403);
    APIGatewayProxyResponseEvent unknown = changeRole("u-owner", "u-nobody", "viewer");
    assertThat(unknown.getStatusCode()).isEqualTo(404);
    assertThat(errorCode(unknown)).isEqualTo("not_found");
    assertThat(role("u-viewer")).contains(Role.VIEWER);
    assertThat(role("u-nobody")).isEmpty();
    assertThat(audit.actions()).containsExactly("access.denied", "access.denied");
  }

  @Test
  void aRoleOutsideTheThreeIsValidationFailed() throws Exception {
    for (String body : List.of("{\"role\":\"admin\"}", "{\"role\":\"OWNER\"}", "{}")) {
      APIGatewayProxyResponseEvent response =
          router.handle(
              request("PUT", "/orgs/{org}/members/{user_id}")
                  .path("org", ORG.value())
                  .path("user_id", "u-viewer")
                  .as("u-owner", "u-owner@x.test")
                  .body(body)
                  .build(),
              null);
      assertThat(response.getStatusCode()).as(body).isEqualTo(422);
      assertThat(Json.read(response.getBody()).at("/error/fields/role").isMissingNode()).isFalse();
    }
    assertThat(role("u-viewer")).contains(Role.VIEWER);
  }

  @Test
  void anOwnerRemovesAMember() throws Exception {
    APIGatewayProxyResponseEvent response = remove("u-owner", "u-manager");

    assertThat(response.getStatusCode()).isEqualTo(204);
    assertThat(role("u-manager")).isEmpty();
    AuditEvent removed = audit.recorded().getLast().event();
    assertThat(removed.action()).isEqualTo("member.removed");
    assertThat(removed.target()).isEqualTo("user:u-manager");
    assertThat(removed.details()).isEqualTo(Map.of("role", "manager", "left", false));
  }

  @Test
  void aMemberLeaves() throws Exception {
    APIGatewayProxyResponseEvent response = remove("u-viewer", "u-viewer");

    assertThat(response.getStatusCode()).isEqualTo(204);
    assertThat(role("u-viewer")).isEmpty();
    AuditEvent left = audit.recorded().getLast().event();
    assertThat(left.actor().role()).isEqualTo("viewer");
    assertThat(left.details()).isEqualTo(Map.of("role", "viewer", "left", true));
  }

  @Test
  void theLastOwnerCannotLeaveAndOthersCannotRemoveMembers() throws Exception {
    APIGatewayProxyResponseEvent leaving = remove("u-owner", "u-owner");
    assertThat(leaving.getStatusCode()).isEqualTo(409);
    assertThat(errorCode(leaving)).isEqualTo("last_owner");

    assertThat(remove("u-manager", "u-viewer").getStatusCode()).isEqualTo(403);
    assertThat(remove("u-owner", "u-nobody").getStatusCode()).isEqualTo(404);
    assertThat(orgs.members(ORG)).hasSize(3);
  }

  /**
   * Two owners step down at the same moment, both having read "two owners": the store's check of
   * the owner who stays lets one through, and the other, deciding again, is last_owner.
   */
  @Test
  void twoOwnersSteppingDownAtOnceLeaveOneOwner() throws Exception {
    member("u-owner-2", Role.OWNER);

    List<Integer> statuses =
        race(
            racing -> changeRole(racing, "u-owner", "u-owner", "viewer"),
            racing -> remove(racing, "u-owner-2", "u-owner-2"));

    assertThat(owners()).hasSize(1);
    assertThat(statuses).containsAnyOf(200, 204).contains(409);
  }

  /**
   * Two owners demote or remove each other at the same moment: one wins; the other, deciding again,
   * is no longer an owner (403) or no longer a member (404). One owner is left either way.
   */
  @Test
  void twoOwnersRemovingEachOtherAtOnceLeaveOneOwner() throws Exception {
    member("u-owner-2", Role.OWNER);

    List<Integer> statuses =
        race(
            racing -> changeRole(racing, "u-owner", "u-owner-2", "viewer"),
            racing -> remove(racing, "u-owner-2", "u-owner"));

    assertThat(owners()).hasSize(1);
    assertThat(statuses).isIn(List.of(200, 403), List.of(404, 204));
  }

  /** Runs both requests on their own threads, each reading the members before either writes. */
  private List<Integer> race(
      java.util.function.Function<ApiRouter, APIGatewayProxyResponseEvent> first,
      java.util.function.Function<ApiRouter, APIGatewayProxyResponseEvent> second)
      throws Exception {
    ApiRouter racing =
        new TestApiServices()
            .orgs(new ReadTogether(orgs, new CyclicBarrier(2)))
            .auditLog(audit)
            .router();
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      Future<APIGatewayProxyResponseEvent> a = pool.submit(() -> first.apply(racing));
      Future<APIGatewayProxyResponseEvent> b = pool.submit(() -> second.apply(racing));
      return List.of(a.get().getStatusCode(), b.get().getStatusCode());
    }
  }

  private List<Membership> owners() {
    return orgs.members(ORG).stream().filter(m -> m.role() == Role.OWNER).toList();
  }

  // ---------------------------------------------------------------- helpers

  private APIGatewayProxyResponseEvent changeRole(String caller, String target, String role) {
    return changeRole(router, caller, target, role);
  }

  private static APIGatewayProxyResponseEvent changeRole(
      ApiRouter router, String caller, String target, String role) {
    return router.handle(
        request("PUT", "/orgs/{org}/members/{user_id}")
            .path("org", ORG.value())
            .path("user_id", target)
            .as(caller, caller + "@x.test")
            .body("{\"role\":\"" + role + "\"}")
            .build(),
        null);
  }

  private APIGatewayProxyResponseEvent remove(String caller, String target) {
    return remove(router, caller, target);
  }

  private static APIGatewayProxyResponseEvent remove(
      ApiRouter router, String caller, String target) {
    return router.handle(
        request("DELETE", "/orgs/{org}/members/{user_id}")
            .path("org", ORG.value())
            .path("user_id", target)
            .as(caller, caller + "@x.test")
            .build(),
        null);
  }

  private Optional<Role> role(String user) {
    return orgs.findMembership(ORG, user).map(Membership::role);
  }

  private static String errorCode(APIGatewayProxyResponseEvent response) throws Exception {
    return Json.read(response.getBody()).at("/error/code").asText();
  }

  private void member(String user, Role role) {
    orgs.putMembership(new Membership(ORG, "Org", user, user + "@x.test", role, JOINED));
  }

  /** Lets the first list of members of each request happen together, then behaves as given. */
  private static final class ReadTogether implements OrgStore {
    private final OrgStore delegate;
    private final CyclicBarrier barrier;
    private final ThreadLocal<Boolean> waited = ThreadLocal.withInitial(() -> false);

    ReadTogether(OrgStore delegate, CyclicBarrier barrier) {
      this.delegate = delegate;
      this.barrier = barrier;
    }

    @Override
    public List<Membership> members(OrgId org) {
      List<Membership> members = delegate.members(org);
      if (!waited.get()) {
        waited.set(true);
        try {
          barrier.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
      return members;
    }

    @Override
    public void createOrg(Org org, Membership owner) {
      delegate.createOrg(org, owner);
    }

    @Override
    public Optional<Org> findOrg(OrgId id) {
      return delegate.findOrg(id);
    }

    @Override
    public Optional<Membership> findMembership(OrgId org, String userId) {
      return delegate.findMembership(org, userId);
    }

    @Override
    public List<Membership> membershipsOf(String userId) {
      return delegate.membershipsOf(userId);
    }

    @Override
    public void putMembership(Membership membership) {
      delegate.putMembership(membership);
    }

    @Override
    public boolean changeRole(
        OrgId org, String userId, Role expected, Role role, String keptOwner) {
      return delegate.changeRole(org, userId, expected, role, keptOwner);
    }

    @Override
    public boolean removeMember(OrgId org, String userId, Role expected, String keptOwner) {
      return delegate.removeMember(org, userId, expected, keptOwner);
    }

    @Override
    public String recordStripeAccount(OrgId org, String account) {
      return delegate.recordStripeAccount(org, account);
    }

    @Override
    public void setWebhookConfigured(OrgId org, boolean configured) {
      delegate.setWebhookConfigured(org, configured);
    }

    @Override
    public void deleteOrgData(OrgId org) {
      delegate.deleteOrgData(org);
    }
  }
}
