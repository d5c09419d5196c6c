package com.agentbilly.api.invitations;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.Caller;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.domain.invitations.Invitation;
import com.agentbilly.domain.invitations.InvitationCode;
import com.agentbilly.domain.invitations.InvitationEmail;
import com.agentbilly.domain.invitations.InvitationIds;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.port.InvitationStore;
import com.agentbilly.port.OrgStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Inviting by email, listing and revoking open invitations, and accepting one with its code. A code
 * is never stored, logged or audited: only its hash is kept, and it leaves this class once, in
 * {@link Issued}.
 */
public final class InvitationService {

  /** Newest invitation first; ties by id. */
  static final Comparator<Invitation> NEWEST_FIRST =
      Comparator.comparing(Invitation::createdAt).reversed().thenComparing(Invitation::id);

  private final InvitationStore invitations;
  private final OrgStore orgs;
  private final RequestAuditor audit;
  private final Clock clock;
  private final SecureRandom random;

  public InvitationService(
      InvitationStore invitations,
      OrgStore orgs,
      RequestAuditor audit,
      Clock clock,
      SecureRandom random) {
    this.invitations = invitations;
    this.orgs = orgs;
    this.audit = audit;
    this.clock = clock;
    this.random = random;
  }

  /** A new invitation and its code, which is shown this once. */
  public record Issued(Invitation invitation, InvitationCode code) {}

  /** What accepting gave the caller: the org and their role in it. */
  public record Joined(OrgId org, Role role) {}

  /** Invites {@code email} (already checked well-formed) into the request's org. */
  public Issued invite(ApiRequest request, String email, Role role) {
    Org org = orgs.findOrg(request.requireOrg()).orElseThrow(ApiProblem::notFound);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    InvitationCode code = InvitationCode.generate(random);
    Invitation invitation =
        new Invitation(
            InvitationIds.generate(random),
            org.id(),
            org.name(),
            InvitationEmail.normalise(email),
            role,
            code.hash(),
            now,
            now.plus(Invitation.VALIDITY),
            request.caller().username());
    invitations.create(invitation);
    audit.record(
        request,
        "member.invited",
        "invitation:" + invitation.id(),
        AuditOutcome.SUCCESS,
        null,
        Map.of(
            "email",
            invitation.email(),
            "role",
            role.wireName(),
            "expires_at",
            invitation.expiresAt().toString()));
    return new Issued(invitation, code);
  }

  /** The org's invitations that still work, newest first. */
  public List<Invitation> open(OrgId org) {
    Instant now = clock.instant();
    return invitations.list(org).stream()
        .filter(invitation -> invitation.isOpenAt(now))
        .sorted(NEWEST_FIRST)
        .toList();
  }

  /**
   * Revokes an open invitation; its code stops working at once.
   *
   * @throws ApiProblem {@code not_found} when the org has no such open invitation
   */
  public void revoke(ApiRequest request, String invitationId) {
    if (!InvitationIds.isWellFormed(invitationId)) {
      throw ApiProblem.notFound();
    }
    Invitation revoked =
        invitations
            .revoke(request.requireOrg(), invitationId, clock.instant())
            .orElseThrow(ApiProblem::notFound);
    audit.record(
        request,
        "invitation.revoked",
        "invitation:" + invitationId,
        AuditOutcome.SUCCESS,
        null,
        Map.of("email", revoked.email(), "role", revoked.role().wireName()));
  }

  /**
   * Accepts the invitation whose code the caller presents. Unknown, used, revoked and expired codes
   * and codes addressed to another (or an unverified) email all get the same {@code not_found}, so
   * codes cannot be probed. A caller who is a member already keeps their role; the invitation is
   * used up all the same.
   */
  public Joined accept(Caller caller, String requestId, String presentedCode) {
    Instant now = clock.instant();
    Invitation invitation =
        invitations
            .findByCodeHash(InvitationCode.presented(presentedCode).hash())
            .filter(found -> found.isOpenAt(now) && found.isAddressedTo(caller))
            .orElseThrow(ApiProblem::notFound);
    Membership member =
        new Membership(
            invitation.orgId(),
            invitation.orgName(),
            caller.userId(),
            caller.username(),
            invitation.role(),
            now);
    return switch (invitations.accept(invitation, member, now)) {
      case NOT_OPEN -> throw ApiProblem.notFound();
      case ALREADY_MEMBER ->
          orgs.findMembership(invitation.orgId(), caller.userId())
              .map(current -> new Joined(invitation.orgId(), current.role()))
              .orElseThrow(ApiProblem::notFound);
      case JOINED -> {
        audit.record(
            invitation.orgId(),
            caller,
            invitation.role(),
            requestId,
            "member.joined",
            "user:" + caller.userId(),
            AuditOutcome.SUCCESS,
            null,
            Map.of("invitation_id", invitation.id(), "role", invitation.role().wireName()));
        yield new Joined(invitation.orgId(), invitation.role());
      }
    };
  }
}
