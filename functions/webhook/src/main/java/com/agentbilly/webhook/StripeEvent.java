package com.agentbilly.webhook;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.http.Json;
import com.agentbilly.http.JsonObjectBody;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * The parts of a Stripe event the webhook uses, read from the raw JSON rather than with
 * stripe-java's deserializer: events come in the account's API version (localstripe's is
 * 2017-08-15), and a model of another version would silently read fields as empty.
 *
 * @param created the event's {@code created}: the snapshot time of {@code object}
 * @param object {@code data.object}, the Stripe object as it was when the event happened
 */
public record StripeEvent(
    String id, String type, Instant created, boolean livemode, ObjectNode object) {

  public StripeEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(object, "object");
  }

  /**
   * The longest event id, type or object id taken (Stripe's are far shorter); a longer one would
   * make a key past DynamoDB's limits and answer 500, which Stripe retries for days.
   */
  static final int MAX_ID_LENGTH = 255;

  /**
   * The latest {@code created} taken: the last second of year 9999. A larger number is no time a
   * Stripe event could have (and past {@link Instant#MAX} would fail to convert).
   */
  static final long LATEST_CREATED = 253_402_300_799L;

  /**
   * Reads an event from a verified body.
   *
   * @throws ApiProblem {@code invalid_request} when the body is not JSON or not a Stripe event: no
   *     string {@code id} or {@code type}, no integer {@code created} from 0 to {@link
   *     #LATEST_CREATED}, no boolean {@code livemode}, or no object {@code data.object}; an id,
   *     type or object id over {@link #MAX_ID_LENGTH} characters; any string holding an unpaired
   *     UTF-16 surrogate
   */
  public static StripeEvent parse(String payload) {
    JsonNode root;
    try {
      root = Json.read(payload);
    } catch (JsonProcessingException e) {
      throw notAnEvent("the body is not JSON");
    }
    if (!root.isObject()) {
      throw notAnEvent("the body is not a JSON object");
    }
    String id = text(root.get("id"));
    String type = text(root.get("type"));
    JsonNode created = root.get("created");
    JsonNode livemode = root.get("livemode");
    JsonNode object = root.path("data").get("object");
    if (id == null || type == null) {
      throw notAnEvent("it has no id or type");
    }
    if (created == null
        || !created.isIntegralNumber()
        || !created.canConvertToLong()
        || created.longValue() < 0
        || created.longValue() > LATEST_CREATED) {
      throw notAnEvent("it has no created time");
    }
    if (livemode == null || !livemode.isBoolean()) {
      throw notAnEvent("it has no livemode");
    }
    if (!(object instanceof ObjectNode objectNode)) {
      throw notAnEvent("it has no data.object");
    }
    String objectId = text(objectNode.get("id"));
    if (id.length() > MAX_ID_LENGTH
        || type.length() > MAX_ID_LENGTH
        || (objectId != null && objectId.length() > MAX_ID_LENGTH)) {
      throw notAnEvent("an id or type is longer than " + MAX_ID_LENGTH + " characters");
    }
    if (JsonObjectBody.holdsUnpairedSurrogate(root)) {
      throw notAnEvent("it holds an unpaired UTF-16 surrogate");
    }
    return new StripeEvent(
        id, type, Instant.ofEpochSecond(created.longValue()), livemode.booleanValue(), objectNode);
  }

  /** {@code data.object.id}, if it has one (a few objects, such as a balance, have none). */
  public String objectId() {
    return text(object.get("id"));
  }

  /** {@code data.object.object}, Stripe's name of the object's type, if present. */
  public String objectName() {
    return text(object.get("object"));
  }

  private static String text(JsonNode node) {
    return node != null && node.isTextual() && !node.textValue().isBlank()
        ? node.textValue()
        : null;
  }

  private static ApiProblem notAnEvent(String why) {
    return ApiProblem.invalidRequest("The body is not a Stripe event: " + why + ".");
  }
}
