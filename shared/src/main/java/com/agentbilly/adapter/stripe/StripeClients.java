package com.agentbilly.adapter.stripe;

import com.stripe.StripeClient;
import java.time.Duration;

/**
 * Builds one {@link StripeClient} per key (never the global {@code Stripe.apiKey}), with an
 * explicit API base, timeouts and network retries.
 */
public final class StripeClients {

  // What a member waits on (interactive() here and in StripeExchange): short timeouts
  // and one retry.
  static final Duration INTERACTIVE_CONNECT_TIMEOUT = Duration.ofSeconds(3);
  static final Duration INTERACTIVE_READ_TIMEOUT = Duration.ofSeconds(8);
  static final int INTERACTIVE_RETRIES = 1;

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
    return new StripeClients(
        apiBase, INTERACTIVE_CONNECT_TIMEOUT, INTERACTIVE_READ_TIMEOUT, INTERACTIVE_RETRIES);
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
