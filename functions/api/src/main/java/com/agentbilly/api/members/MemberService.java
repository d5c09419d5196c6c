package com.agentbilly.api.members;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.port.OrgStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Changing roles and removing members without ever leaving an org ownerless. Each change is one
 * conditional write that also checks an owner who stays (the caller when they act on someone else,
 * so a caller demoted meanwhile cannot act either); when the members changed in between, the change
 * is decided again on a fresh read.
 */
public final class MemberService {

  /** Reads and tries again this often when members keep changing underneath; then gives up. */
  static final int MAX_ATTEMPTS = 10;

  private final OrgStore orgs;
  private final RequestAuditor audit;

  public MemberService(OrgStore orgs, RequestAuditor audit) {
    this.orgs = orgs;
    this.audit = audit;
  }

  /**
   * Gives {@code userId} the {@code role}; nothing changes (and nothing is audited) when they have
   * it already.
   *
   * @throws ApiProblem {@code not_found} for a non-member, {@code last_owner} when the last owner
   *     would be demoted
   */
  public Membership changeRole(ApiRequest request, String userId, Role role) {
    OrgId org = request.requireOrg();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      List<Membership> members = orgs.members(org);
      Membership target = find(members, userId).orElseThrow(ApiProblem::notFound);
      if (target.role() == role) {
        return target;
      }
      String keptOwner = ownerWhoStays(request, members, target, role != Role.OWNER);
      if (orgs.changeRole(org, userId, target.role(), role, keptOwner)) {
        audit.record(
            request,
            "member.role_changed",
            "user:" + userId,
            AuditOutcome.SUCCESS,
            null,
            Map.of("from", target.role().wireName(), "to", role.wireName()));
        return new Membership(
            org, target.orgName(), userId, target.username(), role, target.joinedAt());
      }
    }
    throw new IllegalStateException("members of the org kept changing; the caller may retry");
  }

  /**
   * Removes {@code userId}: an owner removing a member, or a member leaving.
   *
   * @throws ApiProblem {@code not_found} for a non-member, {@code last_owner} for the last owner
   */
  public void remove(ApiRequest request, String userId) {
    OrgId org = request.requireOrg();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      List<Membership> members = orgs.members(org);
      Membership target = find(members, userId).orElseThrow(ApiProblem::notFound);
      String keptOwner = ownerWhoStays(request, members, target, true);
      if (orgs.removeMember(org, userId, target.role(), keptOwner)) {
        boolean left = userId.equals(request.caller().userId());
        audit.record(
            request,
            "member.removed",
            "user:" + userId,
            AuditOutcome.SUCCESS,
            null,
            Map.of("role", target.role().wireName(), "left", left));
        return;
      }
    }
    throw new IllegalStateException("members of the org kept changing; the caller may retry");
  }

  /**
   * The owner whose ownership the write checks, or null when none needs checking: the caller when
   * they act on someone else (the permission matrix let them because they are an owner); another
   * owner when an owner gives up their own ownership.
   *
   * @param losesOwnership whether an owner target stops being one
   */
  private static String ownerWhoStays(
      ApiRequest request, List<Membership> members, Membership target, boolean losesOwnership) {
    String callerId = request.caller().userId();
    if (!callerId.equals(target.userId())) {
      Membership caller = find(members, callerId).orElseThrow(ApiProblem::notFound);
      if (caller.role() != Role.OWNER) {
        throw ApiProblem.forbidden(Role.OWNER);
      }
      return callerId;
    }
    if (target.role() != Role.OWNER || !losesOwnership) {
      return null;
    }
    return members.stream()
        .filter(m -> m.role() == Role.OWNER && !m.userId().equals(target.userId()))
        .map(Membership::userId)
        .sorted()
        .findFirst()
        .orElseThrow(
            () ->
                new ApiProblem(
                    ErrorCode.LAST_OWNER,
                    "The org needs at least one owner: make another member an owner first."));
  }

  private static Optional<Membership> find(List<Membership> members, String userId) {
    return members.stream().filter(m -> m.userId().equals(userId)).findFirst();
  }
}
