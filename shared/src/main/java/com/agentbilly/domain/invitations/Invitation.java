package com.agentbilly.domain.invitations;

import com.agentbilly.domain.Caller;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An invitation to join an org with a role, bound to one email address. Only the hash of its code
 * is kept ({@link InvitationCode#hash()}); the code itself is shown once, to the owner who invites.
 *
 * @param id {@code inv_} and 26 base32 characters
 * @param orgName carried along so accepting needs no read of the org
 * @param email normalised with {@link InvitationEmail#normalise}
 * @param codeHash the SHA-256 of the code, hex
 * @param expiresAt whole seconds (the table's TTL attribute holds epoch seconds)
 * @param invitedBy the username of the owner who invited
 */
public record Invitation(
    String id,
    OrgId orgId,
    String orgName,
    String email,
    Role role,
    String codeHash,
    Instant createdAt,
    Instant expiresAt,
    String invitedBy) {

  /** How long a code works after it is issued. */
  public static final Duration VALIDITY = Duration.ofDays(7);

  public Invitation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(orgName, "orgName");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(codeHash, "codeHash");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(invitedBy, "invitedBy");
  }

  /** True until the invitation expires. */
  public boolean isOpenAt(Instant now) {
    return now.isBefore(expiresAt);
  }

  /** True when the caller's email is verified and equals the invitation's (case aside). */
  public boolean isAddressedTo(Caller caller) {
    return caller.emailVerified()
        && caller.email() != null
        && InvitationEmail.normalise(caller.email()).equals(email);
  }
}
