package com.agentbilly.api.actions;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.port.KeyVault;
import java.util.Map;
import java.util.Objects;

/**
 * The second lock (DESIGN §3): the Stripe key an action uses follows the caller's role, not the
 * operation. A manager's or owner's action loads the {@code manager} key, an operator's the {@code
 * operator} key; a viewer's request can only ever load the {@code viewer} key, so if our role check
 * ever let one through, Stripe refuses the write itself.
 */
public final class ActionKeys {

  private final KeyVault vault;

  public ActionKeys(KeyVault vault) {
    this.vault = Objects.requireNonNull(vault, "vault");
  }

  /**
   * The key purpose a caller of {@code role} may use: managers and owners the {@code manager} key,
   * operators the {@code operator} key (it cannot refund or cancel at Stripe), anyone else the
   * {@code viewer} key.
   */
  public static SecretPurpose purposeFor(Role role) {
    if (role == null) {
      return SecretPurpose.VIEWER;
    }
    return switch (role) {
      case OWNER, MANAGER -> SecretPurpose.MANAGER;
      case OPERATOR -> SecretPurpose.OPERATOR;
      case VIEWER -> SecretPurpose.VIEWER;
    };
  }

  /**
   * The key of {@code purpose}, decrypted.
   *
   * @throws ApiProblem {@code 409 key_not_connected} (with {@code purpose}) when none is connected
   */
  public String load(OrgId org, SecretPurpose purpose) {
    return vault
        .get(org, purpose)
        .orElseThrow(
            () ->
                new ApiProblem(
                    ErrorCode.KEY_NOT_CONNECTED,
                    "This action needs the org's "
                        + purpose.wireName()
                        + " key; an owner can connect one with PUT /orgs/{org}/keys/"
                        + purpose.wireName()
                        + ".",
                    Map.of("purpose", purpose.wireName())));
  }
}
