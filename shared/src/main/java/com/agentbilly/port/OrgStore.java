package com.agentbilly.port;

import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import java.util.List;
import java.util.Optional;

/** Orgs and their memberships. */
public interface OrgStore {

  /** Stores a new org and its first owner atomically: both or neither. */
  void createOrg(Org org, Membership owner);

  Optional<Org> findOrg(OrgId id);

  /** The caller's membership of one org, if any. */
  Optional<Membership> findMembership(OrgId org, String userId);

  /**
   * Every member of an org, in no particular order (one query of the org's partition); empty for an
   * org that does not exist.
   */
  List<Membership> members(OrgId org);

  /** Every org a user belongs to (one query on the memberships-by-user index). */
  List<Membership> membershipsOf(String userId);

  /** Adds a member, or replaces the member's role when already a member. */
  void putMembership(Membership membership);

  /**
   * Sets a member's role, atomically and only if the member's role is still {@code expected} and,
   * when {@code keptOwner} is given, that user is still an owner. Checking an owner who stays is
   * what keeps an org from losing its last owner to two concurrent demotions.
   *
   * @param keptOwner another member who must still be an owner, or null when none needs to be
   * @return false when a condition no longer held (nothing changed; read again and decide again)
   */
  boolean changeRole(OrgId org, String userId, Role expected, Role role, String keptOwner);

  /**
   * Removes a member, atomically and only if the member's role is still {@code expected} and, when
   * {@code keptOwner} is given, that user is still an owner.
   *
   * @param keptOwner another member who must still be an owner, or null when none needs to be
   * @return false when a condition no longer held (nothing changed; read again and decide again)
   */
  boolean removeMember(OrgId org, String userId, Role expected, String keptOwner);

  /**
   * Records the org's Stripe account if none is recorded yet.
   *
   * @return the account recorded on the org afterwards: {@code account}, or the one recorded
   *     earlier
   */
  String recordStripeAccount(OrgId org, String account);

  /** Marks whether the org has a webhook signing secret. */
  void setWebhookConfigured(OrgId org, boolean configured);

  /** Deletes every item of the org's data from the table: all its partitions. */
  void deleteOrgData(OrgId org);
}
