package com.agentbilly.sync;

import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A Stripe account in memory that lists like localstripe: oldest first, and a {@code
 * starting_after} naming an unknown object silently restarts the list at page 1.
 */
final class FakeStripeAccount implements StripeReader {

  private final Map<String, List<ObjectNode>> lists = new HashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private RuntimeException failure;

  /** Adds {@code count} objects of {@code type} with ids {@code <prefix>_<n>}. */
  FakeStripeAccount with(ObjectType type, String prefix, int count, Instant created) {
    for (int i = 0; i < count; i++) {
      add(type, prefix + "_" + i, created);
    }
    return this;
  }

  void add(ObjectType type, String id, Instant created) {
    ObjectNode object = Json.MAPPER.createObjectNode();
    object.put("id", id);
    object.put("object", type.objectName());
    object.put("created", created.getEpochSecond());
    lists.computeIfAbsent(type.stripePath(), p -> new ArrayList<>()).add(object);
  }

  void remove(ObjectType type, String id) {
    lists.get(type.stripePath()).removeIf(o -> o.get("id").asText().equals(id));
  }

  /** Adds an event to {@code /v1/events}. */
  void addEvent(String id, String type, Instant created, ObjectNode object) {
    ObjectNode event = Json.MAPPER.createObjectNode();
    event.put("id", id);
    event.put("object", "event");
    event.put("type", type);
    event.put("created", created.getEpochSecond());
    event.putObject("data").set("object", object);
    lists.computeIfAbsent("/v1/events", p -> new ArrayList<>()).add(event);
  }

  /** Every later request throws {@code failure}; null to heal. */
  void failWith(RuntimeException failure) {
    this.failure = failure;
  }

  List<String> requests() {
    return requests;
  }

  @Override
  public String get(String pathAndQuery, Supplier<Duration> remaining) {
    requests.add(pathAndQuery);
    if (failure != null) {
      throw failure;
    }
    String[] parts = pathAndQuery.split("\\?", 2);
    Map<String, String> query = new LinkedHashMap<>();
    if (parts.length == 2) {
      for (String pair : parts[1].split("&")) {
        String[] kv = pair.split("=", 2);
        query.put(
            URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
      }
    }
    List<ObjectNode> all = new ArrayList<>(lists.getOrDefault(parts[0], List.of()));
    if (query.containsKey("created[gte]")) {
      long from = Long.parseLong(query.get("created[gte]"));
      all.removeIf(o -> o.get("created").asLong() < from);
    }
    int start = 0;
    String after = query.get("starting_after");
    if (after != null) {
      for (int i = 0; i < all.size(); i++) {
        if (all.get(i).get("id").asText().equals(after)) {
          start = i + 1;
        }
      }
    }
    int limit = Integer.parseInt(query.getOrDefault("limit", "10"));
    ObjectNode page = Json.MAPPER.createObjectNode();
    page.put("object", "list");
    ArrayNode data = page.putArray("data");
    all.subList(start, Math.min(all.size(), start + limit)).forEach(data::add);
    page.put("has_more", start + limit < all.size());
    return Json.write(page);
  }
}
