package com.agentbilly.adapter.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiMode;
import com.stripe.net.ApiResource.RequestMethod;
import com.stripe.net.HttpClient;
import com.stripe.net.HttpURLConnectionClient;
import com.stripe.net.RequestOptions;
import com.stripe.net.StripeRequest;
import com.stripe.net.StripeResponse;
import java.time.Duration;

/**
 * Builds one {@link StripeClient} per key (never the global {@code Stripe.apiKey}), with an
 * explicit API base, timeouts and network retries.
 */
public final class StripeClients {

  /** stripe-java's own transport, the one a {@link StripeClient} sends with by default. */
  private static final HttpClient HTTP = new HttpURLConnectionClient();

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

  /** Short timeouts and one retry: for interactive calls such as probing a key. */
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

  /**
   * Sends one request as {@link StripeClient#rawRequest} does — stripe-java's headers, timeouts and
   * network retries — but answers Stripe's response whatever its status, leaving an error's body
   * unread. stripe-java reads every error answer into a {@code StripeError}, and the first one
   * builds Gson adapters for most of its model (some 500 classes loaded during a cold start); a
   * caller that only needs the status and the error's code reads the body itself.
   *
   * @param pathAndQuery the path under the API base, with the query of a GET
   * @param form the form-encoded body of a POST, or null
   * @throws StripeException when Stripe could not be reached, after the retries
   */
  public StripeResponse exchange(String key, RequestMethod method, String pathAndQuery, String form)
      throws StripeException {
    RequestOptions options =
        RequestOptions.builder()
            .setApiKey(key)
            .setConnectTimeout((int) connectTimeout.toMillis())
            .setReadTimeout((int) readTimeout.toMillis())
            .setMaxNetworkRetries(maxNetworkRetries)
            .build();
    return HTTP.requestWithRetries(
        StripeRequest.createWithStringContent(
            method, apiBase + pathAndQuery, form, options, ApiMode.V1));
  }
}
