package com.agentbilly.sync;

import com.agentbilly.domain.Backoff;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.StripeException;
import com.stripe.model.StripeError;
import com.stripe.net.ApiResource.RequestMethod;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StripeReader} with stripe-java's {@link StripeClient#rawRequest}: every request waits for
 * the {@link RateLimiter}; a 429 or {@code Stripe-Should-Retry: true} is retried with {@link
 * Backoff} up to {@code maxThrottledRetries} times (stripe-java does not retry a plain 429), a 5xx
 * or a connection failure up to {@code maxServerErrorRetries} times. The client must be built
 * without network retries of its own, so this class alone decides.
 */
public final class RetryingStripeReader implements StripeReader {

  private static final Logger LOG = LoggerFactory.getLogger(RetryingStripeReader.class);

  private final StripeClient client;
  private final RateLimiter limiter;
  private final Backoff backoff;
  private final Sleeper sleeper;
  private final RetryLimits limits;

  /**
   * How often each kind of failure is retried.
   *
   * @param maxThrottledRetries retries of 429 / {@code Stripe-Should-Retry: true}
   * @param maxServerErrorRetries retries of 5xx and connection failures
   */
  public record RetryLimits(int maxThrottledRetries, int maxServerErrorRetries) {

    /** 10 retries when throttled, 3 on server errors. */
    public static RetryLimits standard() {
      return new RetryLimits(10, 3);
    }
  }

  public RetryingStripeReader(
      StripeClient client,
      RateLimiter limiter,
      Backoff backoff,
      Sleeper sleeper,
      RetryLimits limits) {
    this.client = Objects.requireNonNull(client, "client");
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  @Override
  public String get(String pathAndQuery, Supplier<Duration> remaining) {
    String path = pathAndQuery.split("\\?", 2)[0];
    int throttled = 0;
    int serverErrors = 0;
    while (true) {
      try {
        limiter.acquire();
        return client.rawRequest(RequestMethod.GET, pathAndQuery, null).body();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeadlineReached("interrupted while reading " + path);
      } catch (AuthenticationException e) {
        // PermissionException (403) is an AuthenticationException too.
        throw new StripeReadFailure(
            "key_rejected",
            "Stripe refused the sync key on GET " + path + " (HTTP " + e.getStatusCode() + ").");
      } catch (StripeException e) {
        int status = e.getStatusCode() == null ? 0 : e.getStatusCode();
        boolean connection = e instanceof ApiConnectionException;
        int attempt;
        if (status == 429 || shouldRetry(e)) {
          if (throttled >= limits.maxThrottledRetries()) {
            throw new StripeReadFailure(
                "rate_limited",
                "Stripe kept answering HTTP "
                    + status
                    + " to GET "
                    + path
                    + " after "
                    + throttled
                    + " retries.");
          }
          attempt = throttled++;
        } else if (status >= 500 || connection) {
          if (serverErrors >= limits.maxServerErrorRetries()) {
            throw new StripeReadFailure(
                "stripe_unavailable",
                (connection ? "Stripe could not be reached" : "Stripe answered HTTP " + status)
                    + " to GET "
                    + path
                    + " after "
                    + serverErrors
                    + " retries.");
          }
          attempt = serverErrors++;
        } else {
          throw new StripeReadFailure(
              "stripe_error",
              "Stripe answered HTTP " + status + " to GET " + path + ": " + errorMessage(e));
        }
        waitBeforeRetry(backoff.delay(attempt), remaining, path, status);
      }
    }
  }

  private void waitBeforeRetry(
      Duration delay, Supplier<Duration> remaining, String path, int status) {
    if (delay.compareTo(remaining.get()) >= 0) {
      throw new DeadlineReached("no time left to retry GET " + path);
    }
    LOG.atInfo()
        .addKeyValue("path", path)
        .addKeyValue("status", status)
        .addKeyValue("delay_ms", delay.toMillis())
        .log("Stripe asked to slow down or failed: retrying after a backoff");
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeadlineReached("interrupted while backing off from GET " + path);
    }
  }

  private static boolean shouldRetry(StripeException e) {
    StripeError error = e.getStripeError();
    if (error == null || error.getLastResponse() == null) {
      return false;
    }
    return error
        .getLastResponse()
        .headers()
        .firstValue("Stripe-Should-Retry")
        .map("true"::equals)
        .orElse(false);
  }

  private static String errorMessage(StripeException e) {
    StripeError error = e.getStripeError();
    return error == null || error.getMessage() == null
        ? e.getClass().getSimpleName()
        : error.getMessage();
  }
}
