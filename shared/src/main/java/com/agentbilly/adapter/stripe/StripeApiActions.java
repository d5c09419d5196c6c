package com.agentbilly.adapter.stripe;

import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.Json;
import com.agentbilly.logging.SecretMask;
import com.agentbilly.port.StripeActions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiResource.RequestMethod;
import com.stripe.net.RawRequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link StripeActions} with stripe-java's raw requests (form-encoded, exactly the parameters
 * Stripe documents). A 429 is retried a few times with a short pause, with the same idempotency
 * key, before it is reported as {@link FailureKind#RATE_LIMITED}; stripe-java itself retries
 * connection errors and 5xx.
 */
public final class StripeApiActions implements StripeActions {

  /** Pauses before the retries of a 429 (stripe-java does not retry a plain 429). */
  static final List<Duration> RATE_LIMIT_PAUSES =
      List.of(Duration.ofMillis(300), Duration.ofSeconds(1));

  /** A refund lookup reads at most this many pages of 100 refunds of one charge. */
  static final int MAX_REFUND_PAGES = 20;

  private final StripeClients clients;

  public StripeApiActions(StripeClients clients) {
    this.clients = Objects.requireNonNull(clients, "clients");
  }

  @Override
  public String createRefund(String key, Refund refund, String idempotencyKey) {
    Form form = new Form().add("charge", refund.charge());
    if (refund.amount() != null) {
      form.add("amount", Long.toString(refund.amount()));
    }
    if (refund.reason() != null) {
      form.add("reason", refund.reason());
    }
    form.add("metadata[" + REQUEST_MARKER + "]", refund.marker());
    return send(key, RequestMethod.POST, "/v1/refunds", form.encoded(), idempotencyKey);
  }

  @Override
  public Optional<String> findRefund(String key, String charge, String marker) {
    String after = null;
    for (int page = 0; page < MAX_REFUND_PAGES; page++) {
      Form query = new Form().add("charge", charge).add("limit", "100");
      if (after != null) {
        query.add("starting_after", after);
      }
      JsonNode list =
          parse(send(key, RequestMethod.GET, "/v1/refunds?" + query.encoded(), null, null));
      for (JsonNode refund : list.path("data")) {
        if (marker.equals(refund.path("metadata").path(REQUEST_MARKER).asText(null))) {
          return Optional.of(Json.write(refund));
        }
        after = refund.path("id").asText(null);
      }
      if (!list.path("has_more").asBoolean(false) || after == null) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  @Override
  public String retrieve(String key, ObjectType type, String id) {
    return send(key, RequestMethod.GET, type.objectPath(id), null, null);
  }

  @Override
  public String updateSubscription(
      String key, String subscription, SubscriptionChange change, String idempotencyKey) {
    Form form = new Form();
    if (change.item() != null) {
      form.add("items[0][id]", change.item());
      if (change.quantity() != null) {
        form.add("items[0][quantity]", Long.toString(change.quantity()));
      }
      if (change.price() != null) {
        form.add("items[0][price]", change.price());
      }
    }
    PauseCollection pause = change.pauseCollection();
    if (pause != null) {
      if (pause.behavior() == null) {
        form.add("pause_collection", "");
      } else {
        form.add("pause_collection[behavior]", pause.behavior());
        if (pause.resumesAt() != null) {
          form.add("pause_collection[resumes_at]", Long.toString(pause.resumesAt()));
        }
      }
    }
    if (change.prorationBehavior() != null) {
      form.add("proration_behavior", change.prorationBehavior());
    }
    expandSubscription(form);
    return send(
        key,
        RequestMethod.POST,
        "/v1/subscriptions/" + encode(subscription),
        form.encoded(),
        idempotencyKey);
  }

  @Override
  public String cancelSubscription(
      String key, String subscription, boolean atPeriodEnd, String idempotencyKey) {
    String path = "/v1/subscriptions/" + encode(subscription);
    if (atPeriodEnd) {
      Form form = new Form().add("cancel_at_period_end", "true");
      expandSubscription(form);
      return send(key, RequestMethod.POST, path, form.encoded(), idempotencyKey);
    }
    return send(key, RequestMethod.DELETE, path, null, idempotencyKey);
  }

  /**
   * Asks for the subscription's coupons in the answer, which goes to the mirror (a canceled
   * subscription counts nothing in the summary, so an immediate cancel does without).
   */
  private static void expandSubscription(Form form) {
    ObjectType.SUBSCRIPTION.expansions().forEach(field -> form.add("expand[]", field));
  }

  private String send(
      String key, RequestMethod method, String path, String form, String idempotencyKey) {
    RawRequestOptions.RawRequestOptionsBuilder options = RawRequestOptions.builder();
    if (idempotencyKey != null) {
      options.setIdempotencyKey(idempotencyKey);
    }
    for (int attempt = 0; ; attempt++) {
      try {
        return clients.forKey(key).rawRequest(method, path, form, options.build()).body();
      } catch (RateLimitException e) {
        if (attempt >= RATE_LIMIT_PAUSES.size()) {
          throw new Failed(FailureKind.RATE_LIMITED, "Stripe is rate limiting this account.");
        }
        pause(RATE_LIMIT_PAUSES.get(attempt));
      } catch (StripeException e) {
        throw failure(e);
      }
    }
  }

  /** Maps stripe-java's exceptions to what the caller can do about them. */
  static Failed failure(StripeException e) {
    Integer status = e.getStatusCode();
    if (e instanceof AuthenticationException) {
      // PermissionException (403) is an AuthenticationException too.
      return new Failed(FailureKind.PERMISSION_DENIED, stripeMessage(e));
    }
    if (e instanceof ApiConnectionException || status == null || status >= 500) {
      return new Failed(FailureKind.UNAVAILABLE, "Stripe could not be reached.");
    }
    if (status == 404 || "resource_missing".equals(e.getCode())) {
      return new Failed(FailureKind.RESOURCE_MISSING, stripeMessage(e));
    }
    if (status == 429) {
      return new Failed(FailureKind.RATE_LIMITED, "Stripe is rate limiting this account.");
    }
    return new Failed(FailureKind.INVALID_REQUEST, stripeMessage(e));
  }

  /** Stripe's own message, with anything shaped like a key taken out. */
  private static String stripeMessage(StripeException e) {
    String message =
        e.getStripeError() != null && e.getStripeError().getMessage() != null
            ? e.getStripeError().getMessage()
            : "Stripe refused the request (HTTP " + e.getStatusCode() + ").";
    return SecretMask.mask(message);
  }

  private static JsonNode parse(String body) {
    try {
      return Json.read(body);
    } catch (JsonProcessingException e) {
      throw new Failed(FailureKind.UNAVAILABLE, "Stripe answered with a body that is not JSON.");
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed(FailureKind.UNAVAILABLE, "Interrupted while Stripe was rate limiting.");
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** A form body in the order fields are added. */
  private static final class Form {
    private final List<String> pairs = new ArrayList<>();

    Form add(String name, String value) {
      pairs.add(encode(name) + "=" + encode(value));
      return this;
    }

    String encoded() {
      return String.join("&", pairs);
    }
  }
}
