package com.agentbilly.http;

import com.agentbilly.domain.ApiProblem;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
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

  /** The mapper's reader that also refuses a field named twice in one object. */
  private static final ObjectReader STRICT =
      Json.MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

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
      node = STRICT.readTree(body);
    } catch (StreamReadException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("Duplicate field")) {
        throw ApiProblem.invalidRequest("The request body names a field twice.");
      }
      throw ApiProblem.invalidRequest("The request body is not valid JSON.");
    } catch (JsonProcessingException e) {
      throw ApiProblem.invalidRequest("The request body is not valid JSON.");
    }
    if (node == null || !node.isObject()) {
      throw ApiProblem.invalidRequest("The request body must be a JSON object.");
    }
    Map<String, String> unknown = new LinkedHashMap<>();
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (unpaired(name)) {
        unknown.put("(a field name that is not Unicode text)", "is not a known field");
      } else if (!allowed.contains(name)) {
        unknown.put(abbreviate(name), "is not a known field");
      }
    }
    if (!unknown.isEmpty()) {
      throw ApiProblem.validationFailed(unknown);
    }
    Map<String, String> badText = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (holdsUnpairedSurrogate(field.getValue())) {
        badText.put(field.getKey(), "holds an unpaired UTF-16 surrogate");
      }
    }
    if (!badText.isEmpty()) {
      throw ApiProblem.validationFailed(badText);
    }
    return new JsonObjectBody(node);
  }

  /**
   * Whether any string or field name in {@code node} holds a lone UTF-16 surrogate ({@code
   * "\ud800"} is valid JSON but no Unicode text: DynamoDB, KMS and the audit chain cannot take it).
   */
  public static boolean holdsUnpairedSurrogate(JsonNode node) {
    if (node.isTextual()) {
      return unpaired(node.textValue());
    }
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (unpaired(e.getKey()) || holdsUnpairedSurrogate(e.getValue())) {
          return true;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        if (holdsUnpairedSurrogate(element)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean unpaired(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
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

  /** The JSON object value of {@code field}; null when absent or JSON null. */
  public JsonNode object(String field) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isObject()) {
      throw ApiProblem.invalidRequest("The field '" + field + "' must be a JSON object.");
    }
    return value;
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
