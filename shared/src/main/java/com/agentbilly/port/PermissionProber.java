package com.agentbilly.port;

import com.agentbilly.domain.keys.Probe;
import com.agentbilly.domain.keys.ProbeAnswer;
import com.agentbilly.domain.keys.StripePermission;
import java.util.Collection;
import java.util.Map;

/** Asks Stripe, without side effects, which permissions a restricted key has. */
public interface PermissionProber {

  /**
   * Runs every probe with {@code key}, concurrently and within a short overall deadline.
   *
   * @return one answer per probed permission
   * @throws com.agentbilly.domain.ApiProblem {@code key_invalid} when Stripe does not know the key,
   *     {@code stripe_unavailable} when Stripe cannot be reached or keeps failing
   */
  Map<StripePermission, ProbeAnswer> probe(String key, Collection<Probe> probes);
}
