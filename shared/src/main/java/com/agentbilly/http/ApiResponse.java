package com.agentbilly.http;

import com.agentbilly.domain.ApiProblem;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a route answers: a status and an optional JSON body.
 *
 * @param body serialised with {@link Json}; null for an empty body (204)
 */
public record ApiResponse(int status, Object body) {

  public static ApiResponse ok(Object body) {
    return new ApiResponse(200, body);
  }

  public static ApiResponse created(Object body) {
    return new ApiResponse(201, body);
  }

  public static ApiResponse accepted(Object body) {
    return new ApiResponse(202, body);
  }

  public static ApiResponse noContent() {
    return new ApiResponse(204, null);
  }

  /** The contract's error shape: {@code {"error": {"code", "message", ...extra}}}. */
  public static ApiResponse error(ApiProblem problem) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", problem.code().wireName());
    error.put("message", problem.getMessage());
    error.putAll(problem.extra());
    return new ApiResponse(problem.code().status(), Map.of("error", error));
  }
}
