package com.agentbilly.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Comparing JSON answers as their readers read them. */
public final class JsonTrees {

  private JsonTrees() {}

  /**
   * {@code node} without its null fields, at every depth (changed in place): for readers, such as
   * API Gateway and function URLs, that take a null field and a missing one alike.
   */
  public static JsonNode withoutNulls(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> nulls = new ArrayList<>();
      object
          .properties()
          .forEach(
              e -> {
                if (e.getValue().isNull()) {
                  nulls.add(e.getKey());
                } else {
                  withoutNulls(e.getValue());
                }
              });
      object.remove(nulls);
    }
    return node;
  }
}
