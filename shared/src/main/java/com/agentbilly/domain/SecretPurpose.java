package com.agentbilly.domain;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a stored secret is for. The first four are restricted Stripe keys an owner connects; {@link
 * #WEBHOOK} is the org's webhook signing secret. The purpose is bound into the secret's KMS
 * encryption context, so a secret copied to another purpose does not decrypt.
 */
public enum SecretPurpose {
  SYNC,
  MANAGER,
  OPERATOR,
  VIEWER,
  WEBHOOK;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The purposes that hold a restricted Stripe key, in the contract's order. */
  public static final List<SecretPurpose> STRIPE_KEYS = List.of(SYNC, MANAGER, OPERATOR, VIEWER);

  /** True for the purposes that hold a restricted Stripe key. */
  public boolean isStripeKey() {
    return this != WEBHOOK;
  }

  /**
   * Parses one of the key purposes of {@code /orgs/{org}/keys/{purpose}}; never {@code webhook}.
   */
  public static Optional<SecretPurpose> keyPurpose(String value) {
    for (SecretPurpose purpose : values()) {
      if (purpose.isStripeKey() && purpose.wireName().equals(value)) {
        return Optional.of(purpose);
      }
    }
    return Optional.empty();
  }
}
