package com.agentbilly.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON read into plain values — maps, lists, strings, numbers, booleans, null — as Jackson's
 * untyped binding reads it, with Jackson's streaming parser alone, and the coercions its bean
 * binding makes when such a value fills a field; and maps and lists of strings written with its
 * generator. For Lambda's events on a cold start: the first tree or bean read through a mapper
 * builds its deserializer factories, some 350 classes.
 */
public final class PlainJson {

  private PlainJson() {}

  /** The one JSON value in {@code input}; null for none. */
  public static Object read(InputStream input) throws IOException {
    try (JsonParser json = Json.MAPPER.getFactory().createParser(input)) {
      return json.nextToken() == null ? null : value(json);
    }
  }

  /** A string field as Jackson binds one: a number or a boolean as its text, null as null. */
  public static String string(Map<?, ?> fields, String field) {
    return string(fields.get(field));
  }

  /** A boolean field as Jackson binds one: {@code true} or {@code "true"}; null as null. */
  public static Boolean bool(Object value) {
    return value == null ? null : Boolean.valueOf(String.valueOf(value));
  }

  /** A map of strings, or null when {@code value} is not an object. */
  public static Map<String, String> strings(Object value) {
    if (!(value instanceof Map<?, ?> fields)) {
      return null;
    }
    Map<String, String> strings = new LinkedHashMap<>();
    fields.forEach((name, text) -> strings.put((String) name, string(text)));
    return strings;
  }

  /** A map of lists of strings, or null when {@code value} is not an object. */
  public static Map<String, List<String>> stringLists(Object value) {
    if (!(value instanceof Map<?, ?> fields)) {
      return null;
    }
    Map<String, List<String>> lists = new LinkedHashMap<>();
    fields.forEach((name, values) -> lists.put((String) name, stringList(values)));
    return lists;
  }

  /** A list of strings, or null when {@code value} is not an array. */
  public static List<String> stringList(Object value) {
    if (!(value instanceof List<?> list)) {
      return null;
    }
    List<String> strings = new ArrayList<>();
    for (Object text : list) {
      strings.add(string(text));
    }
    return strings;
  }

  /** Writes {@code strings} as the object field {@code name}; nothing when it is null. */
  public static void writeStrings(JsonGenerator json, String name, Map<String, String> strings)
      throws IOException {
    if (strings == null) {
      return;
    }
    json.writeObjectFieldStart(name);
    for (Map.Entry<String, String> field : strings.entrySet()) {
      json.writeStringField(field.getKey(), field.getValue());
    }
    json.writeEndObject();
  }

  /** Writes {@code lists} as the object field {@code name}; nothing when it is null. */
  public static void writeStringLists(
      JsonGenerator json, String name, Map<String, List<String>> lists) throws IOException {
    if (lists == null) {
      return;
    }
    json.writeObjectFieldStart(name);
    for (Map.Entry<String, List<String>> field : lists.entrySet()) {
      writeStringList(json, field.getKey(), field.getValue());
    }
    json.writeEndObject();
  }

  /** Writes {@code strings} as the array field {@code name}; nothing when it is null. */
  public static void writeStringList(JsonGenerator json, String name, List<String> strings)
      throws IOException {
    if (strings == null) {
      return;
    }
    json.writeArrayFieldStart(name);
    for (String string : strings) {
      json.writeString(string);
    }
    json.writeEndArray();
  }

  private static String string(Object value) {
    return value == null ? null : String.valueOf(value);
  }

  private static Object value(JsonParser json) throws IOException {
    return switch (json.currentToken()) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
          String name = json.currentName();
          json.nextToken();
          map.put(name, value(json));
        }
        yield map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (json.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(json));
        }
        yield list;
      }
      case VALUE_STRING -> json.getText();
      case VALUE_NUMBER_INT -> json.getNumberValue();
      case VALUE_NUMBER_FLOAT -> json.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new JsonParseException(json, "Unexpected " + json.currentToken());
    };
  }
}
