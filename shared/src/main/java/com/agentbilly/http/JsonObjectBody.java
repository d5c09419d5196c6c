package com.agentbilly.http;

import com.agentbilly.domain.ApiProblem;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request body that must be a JSON object with known fields. Not JSON, not an object, or a field
 * of the wrong type is {@code 400 invalid_request}; an unknown field is {@code 422
 * validation_failed}. Absent fields read as null, so commands decide what is required.
 */
public final class JsonObjectBody {

  private static final Pattern SECRET_SHAPED =
      Pattern.compile("(sk|rk|pk)_(live|test)_|whsec_|eyJ[A-Za-z0-9_-]{10,}");

  private final JsonNode object;

  private JsonObjectBody(JsonNode object) {
    this.object = object;
  }

  /** Parses {@code body}, accepting only the {@code allowed} field names. */
  public static JsonObjectBody parse(String body, Set<String> allowed) {
    if (body == null || body.isBlank()) {
      throw ApiProblem.invalidRequest("The request body must be a JSON object.");
    }
    JsonNode node;
    try {
      node = Json.read(body);
    } catch (JsonProcessingException e) {
      throw ApiProblem.invalidRequest("The request body is not valid JSON.");
    }
    if (node == null || !node.isObject()) {
      throw ApiProblem.invalidRequest("The request body must be a JSON object.");
    }
    Map<String, String> unknown = new LinkedHashMap<>();
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        unknown.put(abbreviate(name), "is not a known field");
      }
    }
    if (!unknown.isEmpty()) {
      throw ApiProblem.validationFailed(unknown);
    }
    return new JsonObjectBody(node);
  }

  /** The string value of {@code field}; null when absent or JSON null. */
  public String string(String field) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiProblem.invalidRequest("The field '" + field + "' must be a string.");
    }
    return value.textValue();
  }

  /** The boolean value of {@code field}; null when absent or JSON null. */
  public Boolean bool(String field) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isBoolean()) {
      throw ApiProblem.invalidRequest("The field '" + field + "' must be true or false.");
    }
    return value.booleanValue();
  }

  /** The integral value of {@code field}; null when absent or JSON null. */
  public Long integer(String field) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw ApiProblem.invalidRequest("The field '" + field + "' must be an integer.");
    }
    return value.longValue();
  }

  public boolean has(String field) {
    return object.has(field);
  }

  /**
   * How an unknown field is named back: shortened, and never repeated when it looks like a Stripe
   * key or webhook secret (someone may paste a key where a field name belongs).
   */
  private static String abbreviate(String name) {
    if (SECRET_SHAPED.matcher(name).find()) {
      return "(a field named like a secret)";
    }
    return name.length() <= 64 ? name : name.substring(0, 64) + "…";
  }
}
