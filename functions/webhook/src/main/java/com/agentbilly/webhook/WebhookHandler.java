package com.agentbilly.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.agentbilly.config.FunctionContext;
import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.OrgId;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.Json;
import com.agentbilly.logging.OutcomeLog;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point of Stripe webhooks on the function URL (payload format 2.0): {@code POST
 * /orgs/{org}} with Stripe's body and {@code Stripe-Signature} header, answered as API.md "Webhook"
 * says. It takes the raw body (base64-decoded when flagged), enforces the 1 MiB limit and hands the
 * rest to {@link ApplyStripeEvent}; a failure of storage answers {@code 500 internal}, so Stripe
 * retries the delivery. Each delivery ends with one {@link OutcomeLog} line (org, event id and
 * type, status, outcome, duration); the body, the signature and the secret are never logged.
 */
public final class WebhookHandler implements RequestStreamHandler {

  /** The largest body accepted: 1 MiB (Stripe's events are far smaller). */
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);
  private static final Pattern ORG_PATH = Pattern.compile("/orgs/([^/]+)");
  private static final String SIGNATURE_HEADER = "stripe-signature";
  private static final String ROUTE = "POST /orgs/{org}";
  private static final String REJECTED = "rejected";

  private final ApplyStripeEvent events;
  private final OutcomeLog outcomes = OutcomeLog.requests("webhook");

  /** Used by Lambda: builds the real wiring once per container. */
  public WebhookHandler() {
    this(FunctionContext.bean("webhook", WebhookBeans.Receiver.class).events());
  }

  public WebhookHandler(ApplyStripeEvent events) {
    this.events = Objects.requireNonNull(events, "events");
  }

  /**
   * The function URL's event in, its answer out ({@link FunctionUrlEventJson} says why as JSON).
   */
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    FunctionUrlEventJson.writeResponse(
        handle(FunctionUrlEventJson.readRequest(input), context), output);
  }

  /** One delivery, already read: what {@link #handleRequest} answers. */
  public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Context context) {
    long started = System.nanoTime();
    String requestId = requestId(event, context);
    Delivery delivery = new Delivery();
    ApiResponse response;
    try {
      response = receive(event, delivery);
    } catch (ApiProblem problem) {
      response = ApiResponse.error(problem);
    } catch (RuntimeException e) {
      LOG.atError().setCause(e).addKeyValue("request_id", requestId).log("webhook failed");
      response =
          ApiResponse.error(
              new ApiProblem(
                  ErrorCode.INTERNAL,
                  "Something went wrong on our side. Request id: " + requestId + "."));
    }
    String outcome = outcome(response, delivery);
    outcomes
        .entry(outcome)
        .serverError(response.status() >= 500)
        .with("reason", outcome.equals(REJECTED) ? errorCode(response) : null)
        .with("request_id", requestId)
        .with("route", ROUTE)
        .with("org", delivery.org == null ? null : delivery.org.value())
        .with("status", response.status())
        .with("event_id", delivery.receipt == null ? null : delivery.receipt.eventId())
        .with("event_type", delivery.receipt == null ? null : delivery.receipt.type())
        .write("webhook request", Duration.ofNanos(System.nanoTime() - started));
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(response.status())
        .withHeaders(Map.of("Content-Type", "application/json"))
        .withBody(Json.write(response.body()))
        .build();
  }

  /**
   * A receipt's outcome ({@code applied}, {@code duplicate}, …); {@code rejected} for a delivery
   * Stripe signed that we refuse for good (a 4xx, which ends Stripe's retries — so it must be
   * visible as its own metric); else the error code.
   */
  static String outcome(ApiResponse response, Delivery delivery) {
    if (delivery.receipt != null && response.status() < 400) {
      return delivery.receipt.outcome().name().toLowerCase(Locale.ROOT);
    }
    if (delivery.verified && response.status() >= 400 && response.status() < 500) {
      return REJECTED;
    }
    return errorCode(response);
  }

  private static String errorCode(ApiResponse response) {
    if (response.body() instanceof Map<?, ?> body
        && body.get("error") instanceof Map<?, ?> error
        && error.get("code") instanceof String code) {
      return code;
    }
    return "status_" + response.status();
  }

  /** What is known of a delivery so far: its org, whether Stripe signed it, then its receipt. */
  static final class Delivery {
    OrgId org;
    boolean verified;
    ApplyStripeEvent.Receipt receipt;
  }

  private ApiResponse receive(APIGatewayV2HTTPEvent event, Delivery delivery) {
    OrgId org = orgOf(event);
    delivery.org = org;
    String payload = payloadOf(event);
    ApplyStripeEvent.Verified verified = events.verify(org, payload, signatureHeader(event));
    delivery.verified = true;
    ApplyStripeEvent.Receipt receipt = events.apply(verified);
    delivery.receipt = receipt;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("received", true);
    body.put("duplicate", receipt.duplicate());
    return ApiResponse.ok(body);
  }

  private static OrgId orgOf(APIGatewayV2HTTPEvent event) {
    APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
    String method =
        context == null || context.getHttp() == null ? null : context.getHttp().getMethod();
    Matcher path = ORG_PATH.matcher(Objects.requireNonNullElse(event.getRawPath(), ""));
    if (!"POST".equals(method) || !path.matches() || !OrgId.isWellFormed(path.group(1))) {
      throw ApiProblem.notFound();
    }
    return new OrgId(path.group(1));
  }

  /** The body as Stripe sent it, within the size limit. */
  private static String payloadOf(APIGatewayV2HTTPEvent event) {
    String body = Objects.requireNonNullElse(event.getBody(), "");
    byte[] raw;
    if (event.getIsBase64Encoded()) {
      try {
        raw = Base64.getDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw ApiProblem.invalidRequest("The body is flagged as base64 but is not.");
      }
    } else {
      raw = body.getBytes(UTF_8);
    }
    if (raw.length > MAX_BODY_BYTES) {
      throw new ApiProblem(
          ErrorCode.PAYLOAD_TOO_LARGE, "The body is larger than " + MAX_BODY_BYTES + " bytes.");
    }
    return event.getIsBase64Encoded() ? new String(raw, UTF_8) : body;
  }

  private static String signatureHeader(APIGatewayV2HTTPEvent event) {
    Map<String, String> headers = event.getHeaders();
    if (headers == null) {
      return null;
    }
    String value = headers.get(SIGNATURE_HEADER);
    if (value != null) {
      return value;
    }
    return headers.entrySet().stream()
        .filter(h -> SIGNATURE_HEADER.equalsIgnoreCase(h.getKey()))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  private static String requestId(APIGatewayV2HTTPEvent event, Context context) {
    if (context != null && context.getAwsRequestId() != null) {
      return context.getAwsRequestId();
    }
    APIGatewayV2HTTPEvent.RequestContext requestContext = event.getRequestContext();
    return requestContext == null ? "unknown" : requestContext.getRequestId();
  }
}
