package com.agentbilly.port;

import java.util.OptionalLong;

/**
 * Each member's share of the API: the stage's throttle is one limit for everyone, so without a
 * per-user quota one member (or one stolen token) could use all of it.
 */
@FunctionalInterface
public interface RequestQuota {

  /** No quota (unit tests, benchmarks). */
  RequestQuota UNLIMITED = userId -> OptionalLong.empty();

  /**
   * Counts one request of {@code userId}.
   *
   * @return empty when the request is within the user's quota, else the seconds until it is renewed
   *     (for {@code Retry-After})
   */
  OptionalLong take(String userId);
}
