package com.agentbilly.port;

import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.invitations.Invitation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Invitations of orgs. They are part of the org's data (deleted with it), and found from outside
 * the org only by the hash of their code.
 */
public interface InvitationStore {

  /** Stores a new invitation. */
  void create(Invitation invitation);

  /**
   * The stored invitation whose code has this hash — open or expired; the caller decides. One
   * lookup on the code-hash index.
   */
  Optional<Invitation> findByCodeHash(String codeHash);

  /** Every stored invitation of the org (open, or expired and not yet removed), in no order. */
  List<Invitation> list(OrgId org);

  /**
   * Deletes the invitation if it is still open at {@code now}, so its code stops working.
   *
   * @return the invitation deleted; empty when the org has no such open invitation
   */
  Optional<Invitation> revoke(OrgId org, String invitationId, Instant now);

  /**
   * Uses up the invitation and makes {@code member} a member of its org, atomically: of two
   * concurrent accepts of one code, one wins. A user who is a member already keeps their role and
   * the invitation is used up all the same.
   */
  Acceptance accept(Invitation invitation, Membership member, Instant now);

  /** How an {@link #accept} ended. */
  enum Acceptance {
    /** The invitation is used up and the user is a member with its role. */
    JOINED,
    /** The invitation is used up; the user was a member already and keeps their role. */
    ALREADY_MEMBER,
    /** Nothing changed: the invitation was used, revoked or expired, or its org is gone. */
    NOT_OPEN
  }
}
