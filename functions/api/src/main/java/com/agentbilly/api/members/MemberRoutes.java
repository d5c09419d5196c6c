package com.agentbilly.api.members;

import com.agentbilly.domain.Membership;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.port.OrgStore;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** {@code GET /orgs/{org}/members}: every member of the org, for any member to see. */
public final class MemberRoutes {

  /** Newest member first, like every list of the contract; ties by user id. */
  static final Comparator<Membership> NEWEST_FIRST =
      Comparator.comparing(Membership::joinedAt).reversed().thenComparing(Membership::userId);

  private final OrgStore orgs;

  public MemberRoutes(OrgStore orgs) {
    this.orgs = orgs;
  }

  public ApiResponse list(ApiRequest request) {
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

  record MemberView(String userId, String username, String role, String joinedAt) {}

  record MembersView(List<MemberView> data) {}
}
