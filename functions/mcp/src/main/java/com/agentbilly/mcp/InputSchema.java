package com.agentbilly.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tool's arguments: a flat JSON object schema (strings, integers, booleans, objects) that is both
 * published in {@code tools/list} and enforced on {@code tools/call}, so what an agent is told and
 * what is checked cannot drift apart. No additional properties are allowed.
 */
final class InputSchema {

  /** One argument. */
  record Property(
      String name,
      String type,
      boolean nullable,
      boolean required,
      String description,
      List<String> values,
      Long minimum,
      Long maximum,
      Integer maxLength) {}

  private final Map<String, Property> properties = new LinkedHashMap<>();

  static InputSchema object() {
    return new InputSchema();
  }

  InputSchema string(String name, boolean required, String description) {
    return add(new Property(name, "string", false, required, description, null, null, null, 255));
  }

  InputSchema oneOf(String name, boolean required, String description, List<String> values) {
    return add(
        new Property(name, "string", false, required, description, values, null, null, null));
  }

  InputSchema integer(String name, boolean required, String description, long min, long max) {
    return add(new Property(name, "integer", false, required, description, null, min, max, null));
  }

  InputSchema bool(String name, boolean required, String description) {
    return add(new Property(name, "boolean", false, required, description, null, null, null, null));
  }

  /** An object the route validates itself, or null. */
  InputSchema objectOrNull(String name, String description) {
    return add(new Property(name, "object", true, false, description, null, null, null, null));
  }

  private InputSchema add(Property property) {
    properties.put(property.name(), property);
    return this;
  }

  /** The JSON Schema of {@code tools/list}. */
  Map<String, Object> toJson() {
    Map<String, Object> props = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    for (Property p : properties.values()) {
      Map<String, Object> schema = new LinkedHashMap<>();
      schema.put("type", p.nullable() ? List.of(p.type(), "null") : p.type());
      schema.put("description", p.description());
      if (p.values() != null) {
        schema.put("enum", p.values());
      }
      if (p.minimum() != null) {
        schema.put("minimum", p.minimum());
        schema.put("maximum", p.maximum());
      }
      if (p.maxLength() != null) {
        schema.put("minLength", 1);
        schema.put("maxLength", p.maxLength());
      }
      props.put(p.name(), schema);
      if (p.required()) {
        required.add(p.name());
      }
    }
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", props);
    schema.put("required", required);
    schema.put("additionalProperties", false);
    return schema;
  }

  /**
   * Why {@code arguments} do not fit, or empty when they do. The reason names the argument (one of
   * this schema's names, never the caller's text).
   */
  Optional<String> problem(JsonNode arguments) {
    if (!arguments.isObject()) {
      return Optional.of("arguments must be an object");
    }
    for (Iterator<String> names = arguments.fieldNames(); names.hasNext(); ) {
      if (!properties.containsKey(names.next())) {
        return Optional.of(
            "unknown argument; this tool takes only " + String.join(", ", properties.keySet()));
      }
    }
    for (Property p : properties.values()) {
      JsonNode value = arguments.get(p.name());
      if (value == null) {
        if (p.required()) {
          return Optional.of("missing required argument " + p.name());
        }
        continue;
      }
      if (value.isNull() && p.nullable()) {
        continue;
      }
      if (!fits(p, value)) {
        return Optional.of("argument " + p.name() + " " + expected(p));
      }
    }
    return Optional.empty();
  }

  private static boolean fits(Property p, JsonNode value) {
    return switch (p.type()) {
      case "string" ->
          value.isTextual()
              && !value.textValue().isEmpty()
              && (p.maxLength() == null || value.textValue().length() <= p.maxLength())
              && (p.values() == null || p.values().contains(value.textValue()));
      case "integer" ->
          value.isIntegralNumber()
              && value.canConvertToLong()
              && value.longValue() >= p.minimum()
              && value.longValue() <= p.maximum();
      case "boolean" -> value.isBoolean();
      case "object" -> value.isObject();
      default -> false;
    };
  }

  private static String expected(Property p) {
    return switch (p.type()) {
      case "string" ->
          p.values() != null
              ? "must be one of " + String.join(", ", p.values())
              : "must be a non-empty string of at most " + p.maxLength() + " characters";
      case "integer" -> "must be an integer from " + p.minimum() + " to " + p.maximum();
      case "boolean" -> "must be true or false";
      default -> "must be an object" + (p.nullable() ? " or null" : "");
    };
  }
}
