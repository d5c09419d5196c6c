package com.agentbilly.adapter.dynamodb;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Small conversions between Java values and DynamoDB attribute values. */
final class Items {

  private Items() {}

  static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  static AttributeValue nullable(String value) {
    return value == null ? AttributeValue.fromNul(true) : AttributeValue.fromS(value);
  }

  static AttributeValue time(Instant instant) {
    return AttributeValue.fromS(instant.toString());
  }

  static String string(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || Boolean.TRUE.equals(value.nul()) ? null : value.s();
  }

  static Instant instant(Map<String, AttributeValue> item, String name) {
    String value = string(item, name);
    return value == null ? null : Instant.parse(value);
  }
}
