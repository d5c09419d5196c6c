package com.agentbilly.adapter.stripe;

import com.stripe.Stripe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One request to Stripe's API, answered whatever its status: for a caller that needs only the
 * status and the error's code, such as the key probes, whose refusals are the expected answers.
 *
 * <p>Not stripe-java's transport, on purpose: its first request initialises stripe-java's Gson
 * model (the adapters of {@code ApiResource}, the client user agent's JSON; some 230 classes, about
 * a tenth of the onboarding function's cold start) and nothing read this way needs it. It sends
 * what Stripe acts on as stripe-java does — the key as a bearer token, the API version this
 * stripe-java pins, a form body and an {@code Idempotency-Key} on a POST — and retries as
 * stripe-java does: when Stripe could not be reached or did not answer in time, when it says {@code
 * Stripe-Should-Retry: true}, and on a 409 or a 5xx unless it says {@code false}.
 */
public final class StripeExchange {

  /** Stripe's answer: its status and body (empty when it sent none). */
  public record Answer(int status, String body) {}

  private static final Duration FIRST_RETRY_DELAY = Duration.ofMillis(500);
  private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(5);

  private final String apiBase;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final int maxNetworkRetries;

  public StripeExchange(
      String apiBase, Duration connectTimeout, Duration readTimeout, int maxNetworkRetries) {
    this.apiBase = apiBase;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.maxNetworkRetries = maxNetworkRetries;
  }

  /** The timeouts and retries of {@link StripeClients#interactive}: for probing a key. */
  public static StripeExchange interactive(String apiBase) {
    return new StripeExchange(
        apiBase,
        StripeClients.INTERACTIVE_CONNECT_TIMEOUT,
        StripeClients.INTERACTIVE_READ_TIMEOUT,
        StripeClients.INTERACTIVE_RETRIES);
  }

  /**
   * Sends a GET of {@code pathAndQuery}, or a POST of {@code form} to it.
   *
   * @param pathAndQuery the path under the API base, with the query of a GET
   * @param form the form-encoded body of a POST, or null for a GET
   * @throws IOException when Stripe could not be reached or did not answer, after the retries
   * @throws InterruptedException when interrupted while waiting to retry
   */
  public Answer send(String key, String pathAndQuery, String form)
      throws IOException, InterruptedException {
    // One key for every attempt of a POST, so a retry of a write Stripe applied is not applied
    // again.
    String idempotencyKey = form == null ? null : UUID.randomUUID().toString();
    for (int attempt = 0; ; attempt++) {
      boolean retriesLeft = attempt < maxNetworkRetries;
      Answer answer;
      String shouldRetry;
      HttpURLConnection connection = null;
      try {
        connection = open(key, pathAndQuery, form, idempotencyKey);
        int status = connection.getResponseCode();
        answer = new Answer(status, body(connection, status));
        shouldRetry = connection.getHeaderField("Stripe-Should-Retry");
      } catch (IOException e) {
        // A failed exchange gives its connection up; one whose body was read whole (above) goes
        // back to the JDK's keep-alive cache instead.
        if (connection != null) {
          connection.disconnect();
        }
        boolean unreached = e instanceof ConnectException || e instanceof SocketTimeoutException;
        if (!unreached || !retriesLeft) {
          throw e;
        }
        pause(attempt);
        continue;
      }
      if (!retriesLeft || !worthRetrying(answer.status(), shouldRetry)) {
        return answer;
      }
      pause(attempt);
    }
  }

  private HttpURLConnection open(String key, String pathAndQuery, String form, String idempotency)
      throws IOException {
    HttpURLConnection connection =
        (HttpURLConnection) URI.create(apiBase + pathAndQuery).toURL().openConnection();
    connection.setConnectTimeout((int) connectTimeout.toMillis());
    connection.setReadTimeout((int) readTimeout.toMillis());
    connection.setUseCaches(false);
    connection.setRequestProperty("Authorization", "Bearer " + key);
    connection.setRequestProperty("Stripe-Version", Stripe.API_VERSION);
    connection.setRequestProperty("User-Agent", "agent-billy stripe-java/" + Stripe.VERSION);
    connection.setRequestProperty("Accept", "application/json");
    if (form == null) {
      connection.setRequestMethod("GET");
      return connection;
    }
    byte[] body = form.getBytes(StandardCharsets.UTF_8);
    connection.setRequestMethod("POST");
    connection.setRequestProperty("Idempotency-Key", idempotency);
    connection.setRequestProperty(
        "Content-Type", "application/x-www-form-urlencoded;charset=UTF-8");
    connection.setDoOutput(true);
    connection.setFixedLengthStreamingMode(body.length);
    try (OutputStream out = connection.getOutputStream()) {
      out.write(body);
    }
    return connection;
  }

  private static String body(HttpURLConnection connection, int status) throws IOException {
    try (InputStream in =
        status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
      return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** What stripe-java retries: Stripe's word first, then a conflict or a server error. */
  private static boolean worthRetrying(int status, String shouldRetry) {
    if (shouldRetry != null) {
      return shouldRetry.equals("true");
    }
    return status == 409 || status >= 500;
  }

  /** stripe-java's backoff: doubling from half a second, at most five, less up to a quarter. */
  private static void pause(int attempt) throws InterruptedException {
    long delay =
        Math.min(FIRST_RETRY_DELAY.toMillis() << Math.min(attempt, 10), MAX_RETRY_DELAY.toMillis());
    Thread.sleep((long) (delay * (0.75 + 0.25 * ThreadLocalRandom.current().nextDouble())));
  }
}
