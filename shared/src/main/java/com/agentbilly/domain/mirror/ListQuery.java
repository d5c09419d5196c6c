package com.agentbilly.domain.mirror;

import java.util.Map;
import java.util.Objects;

/**
 * One page of a mirrored list, newest first by {@code created}.
 *
 * @param filters at most the type's {@link ObjectType#filters()}; values as the API received them
 *     ({@code active} is {@code true}/{@code false})
 * @param cursor the previous page's {@code next_cursor}, or null for the first page
 */
public record ListQuery(
    ObjectType type,
    Map<String, String> filters,
    boolean includeDeleted,
    int limit,
    String cursor) {

  public static final int MAX_LIMIT = 100;
  public static final int DEFAULT_LIMIT = 25;

  public ListQuery {
    Objects.requireNonNull(type, "type");
    filters = Map.copyOf(filters);
    if (!type.filters().containsAll(filters.keySet())) {
      throw new IllegalArgumentException(
          "unsupported filter for " + type + ": " + filters.keySet());
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit out of range: " + limit);
    }
  }
}
