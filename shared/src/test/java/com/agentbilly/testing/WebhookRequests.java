package com.agentbilly.testing;

import com.agentbilly.http.Json;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Function URL requests (payload format 2.0) and Stripe event bodies for the webhook's tests. */
public final class WebhookRequests {

  private WebhookRequests() {}

  /** A request as the function URL delivers it: header names lower-cased. */
  public static APIGatewayV2HTTPEvent request(
      String method, String path, String body, boolean base64, Map<String, String> headers) {
    Map<String, String> lowerCased = new HashMap<>();
    headers.forEach((name, value) -> lowerCased.put(name.toLowerCase(Locale.ROOT), value));
    lowerCased.put("content-type", "application/json; charset=utf-8");
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey("$default")
        .withRawPath(path)
        .withRawQueryString("")
        .withHeaders(lowerCased)
        .withRequestContext(
            APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRequestId("req-test")
                .withHttp(
                    APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod(method)
                        .withPath(path)
                        .build())
                .build())
        .withBody(body)
        .withIsBase64Encoded(base64)
        .build();
  }

  /** {@code body} delivered to the org's webhook path, signed with {@code secret} now. */
  public static APIGatewayV2HTTPEvent signedDelivery(String org, String body, String secret) {
    return request(
        "POST",
        "/orgs/" + org,
        body,
        false,
        Map.of(
            "Stripe-Signature",
            StripeSignatures.of(body).secret(secret).at(Instant.now()).header()));
  }

  /** A Stripe event as Stripe sends it (compact JSON). */
  public static String event(
      String id, String type, long created, boolean livemode, String objectJson) {
    ObjectNode event = Json.MAPPER.createObjectNode();
    event.put("id", id);
    event.put("object", "event");
    event.put("api_version", "2017-08-15");
    event.put("created", created);
    event.putObject("data").set("object", read(objectJson));
    event.put("livemode", livemode);
    event.put("type", type);
    return Json.write(event);
  }

  /** A {@code customer.created} event for a new test-mode customer, made at {@code created}. */
  public static String customerCreated(String eventId, String customerId, long created) {
    ObjectNode customer = Json.MAPPER.createObjectNode();
    customer.put("id", customerId);
    customer.put("object", "customer");
    customer.put("created", created);
    customer.put("email", customerId + "@example.test");
    customer.put("name", "Test Customer");
    customer.put("currency", "usd");
    customer.put("delinquent", false);
    customer.putObject("metadata");
    customer.put("livemode", false);
    return event(eventId, "customer.created", created, false, Json.write(customer));
  }

  public static JsonNode read(String json) {
    try {
      return Json.read(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
