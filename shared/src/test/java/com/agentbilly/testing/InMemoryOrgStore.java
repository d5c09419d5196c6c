package com.agentbilly.testing;

import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.port.OrgStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link OrgStore} in memory, for unit tests of the logic above the store. */
public final class InMemoryOrgStore implements OrgStore {

  private final Map<OrgId, Org> orgs = new ConcurrentHashMap<>();
  private final Map<String, Membership> memberships = new ConcurrentHashMap<>();

  @Override
  public void createOrg(Org org, Membership owner) {
    if (orgs.putIfAbsent(org.id(), org) != null) {
      throw new IllegalStateException("org exists: " + org.id());
    }
    putMembership(owner);
  }

  @Override
  public Optional<Org> findOrg(OrgId id) {
    return Optional.ofNullable(orgs.get(id));
  }

  @Override
  public Optional<Membership> findMembership(OrgId org, String userId) {
    return Optional.ofNullable(memberships.get(org.value() + "/" + userId));
  }

  @Override
  public List<Membership> members(OrgId org) {
    return memberships.values().stream().filter(m -> m.orgId().equals(org)).toList();
  }

  @Override
  public List<Membership> membershipsOf(String userId) {
    List<Membership> found = new ArrayList<>();
    memberships.values().stream().filter(m -> m.userId().equals(userId)).forEach(found::add);
    return found;
  }

  @Override
  public void putMembership(Membership membership) {
    memberships.put(membership.orgId().value() + "/" + membership.userId(), membership);
  }

  @Override
  public synchronized boolean changeRole(
      OrgId org, String userId, Role expected, Role role, String keptOwner) {
    Membership current = memberships.get(org.value() + "/" + userId);
    if (current == null || current.role() != expected || !isOwner(org, keptOwner)) {
      return false;
    }
    putMembership(
        new Membership(
            org, current.orgName(), userId, current.username(), role, current.joinedAt()));
    return true;
  }

  @Override
  public synchronized boolean removeMember(
      OrgId org, String userId, Role expected, String keptOwner) {
    Membership current = memberships.get(org.value() + "/" + userId);
    if (current == null || current.role() != expected || !isOwner(org, keptOwner)) {
      return false;
    }
    memberships.remove(org.value() + "/" + userId);
    return true;
  }

  private boolean isOwner(OrgId org, String userId) {
    return userId == null
        || findMembership(org, userId).map(m -> m.role() == Role.OWNER).orElse(false);
  }

  @Override
  public String recordStripeAccount(OrgId org, String account) {
    Org current = orgs.get(org);
    if (current.stripeAccount() != null) {
      return current.stripeAccount();
    }
    orgs.put(
        org,
        new Org(
            org,
            current.name(),
            current.mode(),
            account,
            current.webhookConfigured(),
            current.createdAt(),
            current.createdBy()));
    return account;
  }

  @Override
  public void setWebhookConfigured(OrgId org, boolean configured) {
    Org c = orgs.get(org);
    orgs.put(
        org,
        new Org(
            org, c.name(), c.mode(), c.stripeAccount(), configured, c.createdAt(), c.createdBy()));
  }

  @Override
  public void deleteOrgData(OrgId org) {
    orgs.remove(org);
    memberships.values().removeIf(m -> m.orgId().equals(org));
  }
}
