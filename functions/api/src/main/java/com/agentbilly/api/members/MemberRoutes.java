package com.agentbilly.api.members;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Role;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.JsonObjectBody;
import com.agentbilly.port.OrgStore;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /orgs/{org}/members} for any member; {@code PUT} and {@code DELETE
 * /orgs/{org}/members/{user_id}} for owners (and {@code DELETE} for a member leaving).
 */
public final class MemberRoutes {

  /** Newest member first, like every list of the contract; ties by user id. */
  static final Comparator<Membership> NEWEST_FIRST =
      Comparator.comparing(Membership::joinedAt).reversed().thenComparing(Membership::userId);

  private final OrgStore orgs;
  private final MemberService service;

  public MemberRoutes(OrgStore orgs, MemberService service) {
    this.orgs = orgs;
    this.service = service;
  }

  public ApiRouter.Builder addTo(ApiRouter.Builder router) {
    return router
        .route("GET", "/orgs/{org}/members", this::list)
        .route("PUT", "/orgs/{org}/members/{user_id}", this::changeRole)
        .route("DELETE", "/orgs/{org}/members/{user_id}", this::remove);
  }

  ApiResponse list(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    List<MemberView> members =
        orgs.members(request.requireOrg()).stream()
            .sorted(NEWEST_FIRST)
            .map(
                m ->
                    new MemberView(
                        m.userId(), m.username(), m.role().wireName(), m.joinedAt().toString()))
            .toList();
    return ApiResponse.ok(new MembersView(members));
  }

  ApiResponse changeRole(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    Role role = requiredRole(request.jsonBody(Set.of("role")));
    Membership changed = service.changeRole(request, request.pathParameter("user_id"), role);
    return ApiResponse.ok(new RoleView(changed.userId(), changed.role().wireName()));
  }

  ApiResponse remove(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    service.remove(request, request.pathParameter("user_id"));
    return ApiResponse.noContent();
  }

  /** The body's {@code role}: one of the three wire names, else {@code 422 validation_failed}. */
  static Role requiredRole(JsonObjectBody body) {
    String role = body.string("role");
    if (role == null) {
      throw ApiProblem.validationFailed(Map.of("role", "is required"));
    }
    return Role.fromWireName(role)
        .orElseThrow(
            () ->
                ApiProblem.validationFailed(
                    Map.of("role", "must be one of owner, manager, viewer")));
  }

  record MemberView(String userId, String username, String role, String joinedAt) {}

  record MembersView(List<MemberView> data) {}

  record RoleView(String userId, String role) {}
}
