package com.agentbilly.api.invitations;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.invitations.Invitation;
import com.agentbilly.domain.invitations.InvitationEmail;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.JsonObjectBody;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST} and {@code GET /orgs/{org}/invitations}, {@code DELETE
 * /orgs/{org}/invitations/{invitation_id}} (owners) and {@code POST /invitations/accept} (anyone
 * signed in).
 */
public final class InvitationRoutes {

  private final InvitationService service;

  public InvitationRoutes(InvitationService service) {
    this.service = service;
  }

  public ApiRouter.Builder addTo(ApiRouter.Builder router) {
    return router
        .route("POST", "/orgs/{org}/invitations", this::create)
        .route("GET", "/orgs/{org}/invitations", this::list)
        .route("DELETE", "/orgs/{org}/invitations/{invitation_id}", this::revoke)
        .route("POST", "/invitations/accept", this::accept);
  }

  ApiResponse create(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    JsonObjectBody body = request.jsonBody(Set.of("email", "role"));
    String email = body.string("email");
    String role = body.string("role");
    Map<String, String> refused = new LinkedHashMap<>();
    if (email == null) {
      refused.put("email", "is required");
    } else if (!InvitationEmail.isWellFormed(email)) {
      refused.put("email", "is not an email address");
    }
    if (role == null) {
      refused.put("role", "is required");
    } else if (Role.fromWireName(role).isEmpty()) {
      refused.put("role", "must be one of owner, manager, viewer");
    }
    if (!refused.isEmpty()) {
      throw ApiProblem.validationFailed(refused);
    }
    InvitationService.Issued issued =
        service.invite(request, email, Role.fromWireName(role).orElseThrow());
    Invitation invitation = issued.invitation();
    return ApiResponse.created(
        new CreatedView(
            invitation.id(),
            issued.code().reveal(),
            invitation.email(),
            invitation.role().wireName(),
            invitation.expiresAt().toString()));
  }

  ApiResponse list(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    List<InvitationView> open =
        service.open(request.requireOrg()).stream()
            .map(
                i ->
                    new InvitationView(
                        i.id(),
                        i.email(),
                        i.role().wireName(),
                        i.expiresAt().toString(),
                        i.invitedBy()))
            .toList();
    return ApiResponse.ok(new InvitationsView(open));
  }

  ApiResponse revoke(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    service.revoke(request, request.pathParameter("invitation_id"));
    return ApiResponse.noContent();
  }

  ApiResponse accept(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    String code = request.jsonBody(Set.of("code")).string("code");
    if (code == null) {
      throw ApiProblem.validationFailed(Map.of("code", "is required"));
    }
    InvitationService.Joined joined = service.accept(request.caller(), request.requestId(), code);
    return ApiResponse.ok(new JoinedView(joined.org().value(), joined.role().wireName()));
  }

  record CreatedView(
      String invitationId, String code, String email, String role, String expiresAt) {}

  record InvitationView(
      String invitationId, String email, String role, String expiresAt, String invitedBy) {}

  record InvitationsView(List<InvitationView> data) {}

  record JoinedView(String orgId, String role) {}
}
