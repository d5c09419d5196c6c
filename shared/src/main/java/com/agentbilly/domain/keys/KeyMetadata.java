package com.agentbilly.domain.keys;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What Agent Billy keeps in the clear about a connected key: never the key itself.
 *
 * @param fingerprint HMAC of the key under the stack's fingerprint secret: equal keys are
 *     recognisable without being stored
 * @param connectedBy the username of the owner who connected it
 */
public record KeyMetadata(
    OrgId org,
    SecretPurpose purpose,
    boolean livemode,
    String last4,
    String fingerprint,
    List<String> verifiedPermissions,
    Instant connectedAt,
    String connectedBy) {

  public KeyMetadata {
    Objects.requireNonNull(org, "org");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(last4, "last4");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(connectedAt, "connectedAt");
    Objects.requireNonNull(connectedBy, "connectedBy");
    verifiedPermissions = List.copyOf(verifiedPermissions);
    if (!purpose.isStripeKey()) {
      throw new IllegalArgumentException("not a key purpose: " + purpose);
    }
  }
}
