package com.agentbilly.adapter.stripe;

import com.stripe.StripeClient;
import java.time.Duration;

/**
 * Builds one {@link StripeClient} per key (never the global {@code Stripe.apiKey}), with an
 * explicit API base, timeouts and network retries.
 */
public final class StripeClients {

  private final String apiBase;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final int maxNetworkRetries;

  public StripeClients(
      String apiBase, Duration connectTimeout, Duration readTimeout, int maxNetworkRetries) {
    this.apiBase = apiBase;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.maxNetworkRetries = maxNetworkRetries;
  }

  /** Short timeouts and one retry: for calls a member waits on, such as a refund. */
  public static StripeClients interactive(String apiBase) {
    return new StripeClients(apiBase, Duration.ofSeconds(3), Duration.ofSeconds(8), 1);
  }

  public StripeClient forKey(String key) {
    return StripeClient.builder()
        .setApiKey(key)
        .setApiBase(apiBase)
        .setConnectTimeout((int) connectTimeout.toMillis())
        .setReadTimeout((int) readTimeout.toMillis())
        .setMaxNetworkRetries(maxNetworkRetries)
        .build();
  }
}
