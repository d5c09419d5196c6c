package com.agentbilly.testing;

import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.invitations.Invitation;
import com.agentbilly.port.InvitationStore;
import com.agentbilly.port.OrgStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link InvitationStore} in memory, accepting into the given {@link OrgStore}. Every method
 * holds this store's lock, so an accept is atomic against other calls of the same store.
 */
public final class InMemoryInvitationStore implements InvitationStore {

  private final OrgStore orgs;
  private final Map<String, Invitation> byId = new LinkedHashMap<>();

  public InMemoryInvitationStore(OrgStore orgs) {
    this.orgs = orgs;
  }

  @Override
  public synchronized void create(Invitation invitation) {
    if (byId.putIfAbsent(invitation.id(), invitation) != null) {
      throw new IllegalStateException("invitation exists: " + invitation.id());
    }
  }

  @Override
  public synchronized Optional<Invitation> findByCodeHash(String codeHash) {
    return byId.values().stream().filter(i -> i.codeHash().equals(codeHash)).findFirst();
  }

  @Override
  public synchronized List<Invitation> list(OrgId org) {
    return new ArrayList<>(byId.values().stream().filter(i -> i.orgId().equals(org)).toList());
  }

  @Override
  public synchronized Optional<Invitation> revoke(OrgId org, String invitationId, Instant now) {
    Invitation invitation = byId.get(invitationId);
    if (invitation == null || !invitation.orgId().equals(org) || !invitation.isOpenAt(now)) {
      return Optional.empty();
    }
    byId.remove(invitationId);
    return Optional.of(invitation);
  }

  @Override
  public synchronized Acceptance accept(Invitation invitation, Membership member, Instant now) {
    Invitation stored = byId.get(invitation.id());
    if (stored == null || !stored.isOpenAt(now) || orgs.findOrg(invitation.orgId()).isEmpty()) {
      return Acceptance.NOT_OPEN;
    }
    byId.remove(invitation.id());
    if (orgs.findMembership(member.orgId(), member.userId()).isPresent()) {
      return Acceptance.ALREADY_MEMBER;
    }
    orgs.putMembership(member);
    return Acceptance.JOINED;
  }

  /** Every stored invitation, for assertions. */
  public synchronized List<Invitation> stored() {
    return List.copyOf(byId.values());
  }
}
