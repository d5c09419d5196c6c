package com.agentbilly.port;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import java.util.Optional;

/**
 * Where connected Stripe keys and webhook secrets live: encrypted with KMS under the context {@code
 * {org, purpose, app}} and stored in Secrets Manager. A function may only read the purposes it is
 * entitled to; asking for another is a programming error and fails loudly, before any AWS call.
 */
public interface KeyVault {

  /**
   * Stores {@code secret} for the org and purpose: a new secret, or a new version of the existing
   * one (rotation never leaves a moment without a working secret).
   */
  void put(OrgId org, SecretPurpose purpose, String secret);

  /** The decrypted secret, from a short-lived in-memory cache when warm; empty when none. */
  Optional<String> get(OrgId org, SecretPurpose purpose);

  /** Deletes the secret at once, without a recovery window; nothing happens when there is none. */
  void delete(OrgId org, SecretPurpose purpose);
}
