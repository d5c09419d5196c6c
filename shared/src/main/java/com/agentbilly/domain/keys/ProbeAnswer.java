package com.agentbilly.domain.keys;

/**
 * What Stripe said to one probe.
 *
 * @param hasPermission whether the key has the permission
 * @param account the Stripe account named in a permission error ({@code acct_…}), or null
 */
public record ProbeAnswer(boolean hasPermission, String account) {

  public static ProbeAnswer has() {
    return new ProbeAnswer(true, null);
  }

  public static ProbeAnswer lacks(String account) {
    return new ProbeAnswer(false, account);
  }
}
