package com.agentbilly.webhook;

import com.agentbilly.http.Json;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Function URL requests (payload format 2.0) and Stripe event bodies for the webhook's tests. */
final class WebhookRequests {

  private WebhookRequests() {}

  /** A request as the function URL delivers it: header names lower-cased. */
  static APIGatewayV2HTTPEvent request(
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

  /** A Stripe event as Stripe sends it (compact JSON). */
  static String event(String id, String type, long created, boolean livemode, String objectJson) {
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

  static JsonNode read(String json) {
    try {
      return Json.read(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
