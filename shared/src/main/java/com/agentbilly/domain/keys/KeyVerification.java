package com.agentbilly.domain.keys;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.SecretPurpose;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides from the probe answers whether a key fits a purpose, in the contract's order: account,
 * then excess, then missing (format, mode and "unknown to Stripe" are decided before probing).
 *
 * @param permissions the required permissions the key was verified to have, in table order
 * @param account the Stripe account the key belongs to, or null when no probe named it
 */
public record KeyVerification(List<String> permissions, String account) {

  public KeyVerification {
    permissions = List.copyOf(permissions);
  }

  /**
   * @param answers an answer for every permission of {@link KeyRequirements#probed()}
   * @param orgAccount the account recorded on the org with its first key, or null
   * @throws ApiProblem {@code key_account_mismatch}, {@code excess_permissions} or {@code
   *     missing_permissions}
   */
  public static KeyVerification decide(
      SecretPurpose purpose, Map<StripePermission, ProbeAnswer> answers, String orgAccount) {
    KeyRequirements requirements = KeyRequirements.of(purpose);
    String account =
        answers.values().stream()
            .map(ProbeAnswer::account)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(null);
    if (orgAccount != null && account != null && !orgAccount.equals(account)) {
      throw accountMismatch();
    }
    List<String> excess = new ArrayList<>();
    for (StripePermission forbidden : requirements.forbiddenWrite()) {
      if (answer(answers, forbidden).hasPermission()) {
        excess.add(forbidden.slug());
      }
    }
    List<String> missing = new ArrayList<>();
    List<String> verified = new ArrayList<>();
    for (StripePermission needed : concat(requirements.read(), requirements.write())) {
      if (answer(answers, needed).hasPermission()) {
        verified.add(needed.slug());
      } else {
        missing.add(needed.slug());
      }
    }
    if (!excess.isEmpty()) {
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("excess", List.copyOf(excess));
      if (!missing.isEmpty()) {
        extra.put("missing", List.copyOf(missing));
      }
      throw new ApiProblem(
          ErrorCode.EXCESS_PERMISSIONS,
          "This key can do more than a "
              + purpose.wireName()
              + " key may. Remove these permissions in the Stripe Dashboard: "
              + String.join(", ", excess)
              + ".",
          extra);
    }
    if (!missing.isEmpty()) {
      throw new ApiProblem(
          ErrorCode.MISSING_PERMISSIONS,
          "This key lacks permissions a "
              + purpose.wireName()
              + " key needs: "
              + String.join(", ", missing)
              + ".",
          Map.of("missing", List.copyOf(missing)));
    }
    return new KeyVerification(verified, account);
  }

  /** The refusal of a key from another Stripe account than the org's. */
  public static ApiProblem accountMismatch() {
    return new ApiProblem(
        ErrorCode.KEY_ACCOUNT_MISMATCH,
        "This key belongs to another Stripe account than the keys already connected to this org."
            + " Create the key in the same Stripe account.");
  }

  private static ProbeAnswer answer(
      Map<StripePermission, ProbeAnswer> answers, StripePermission permission) {
    ProbeAnswer answer = answers.get(permission);
    if (answer == null) {
      throw new IllegalArgumentException("no probe answer for " + permission.slug());
    }
    return answer;
  }

  private static List<StripePermission> concat(List<StripePermission> a, List<StripePermission> b) {
    List<StripePermission> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
