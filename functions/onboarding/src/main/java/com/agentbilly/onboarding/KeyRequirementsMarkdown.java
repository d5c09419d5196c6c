package com.agentbilly.onboarding;

import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.keys.KeyRequirements;
import com.agentbilly.domain.keys.Probe;
import com.agentbilly.domain.keys.StripePermission;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The README's tables of key requirements and probes, rendered from the same code that verifies
 * keys; a test keeps the README equal to this, so the documentation cannot drift.
 */
public final class KeyRequirementsMarkdown {

  private KeyRequirementsMarkdown() {}

  /** One row per purpose: what it must have, and the writes it must not have. */
  public static String requirementsTable() {
    StringBuilder out = new StringBuilder();
    out.append("| purpose | must have | must NOT have (checked) |\n");
    out.append("|---|---|---|\n");
    for (SecretPurpose purpose : SecretPurpose.STRIPE_KEYS) {
      KeyRequirements r = KeyRequirements.of(purpose);
      out.append("| `")
          .append(purpose.wireName())
          .append("` | ")
          .append(permissions(concat(r.read(), r.write())))
          .append(" | ")
          .append(permissions(r.forbiddenWrite()))
          .append(" |\n");
    }
    return out.toString();
  }

  /** One row per permission: the request that proves it and how the answer is read. */
  public static String probeTable() {
    StringBuilder out = new StringBuilder();
    out.append("| permission | Dashboard | probe |\n");
    out.append("|---|---|---|\n");
    for (StripePermission permission : StripePermission.values()) {
      Probe probe = Probe.of(permission);
      out.append("| `")
          .append(permission.slug())
          .append("` | ")
          .append(permission.dashboardLabel())
          .append(" | `")
          .append(probe.method())
          .append(' ')
          .append(probe.path())
          .append(probe.method().equals("GET") ? "?" : " ")
          .append(probe.form())
          .append("` |\n");
    }
    return out.toString();
  }

  private static String permissions(List<StripePermission> permissions) {
    return permissions.isEmpty()
        ? "—"
        : permissions.stream().map(p -> "`" + p.slug() + "`").collect(Collectors.joining(", "));
  }

  private static List<StripePermission> concat(List<StripePermission> a, List<StripePermission> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
