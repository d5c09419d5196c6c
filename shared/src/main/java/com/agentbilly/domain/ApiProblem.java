package com.agentbilly.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A refusal the caller can act on: one of the contract's error codes, a message for a person, and
 * optional extra fields (such as {@code fields}, {@code missing}, {@code purpose}). The message
 * must never contain a key, a secret or a token.
 */
public final class ApiProblem extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final Map<String, Object> extra;

  public ApiProblem(ErrorCode code, String message) {
    this(code, message, Map.of());
  }

  public ApiProblem(ErrorCode code, String message, Map<String, Object> extra) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.code = Objects.requireNonNull(code, "code");
    this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  public ErrorCode code() {
    return code;
  }

  /** Extra top-level fields of the error object, in a stable order. */
  public Map<String, Object> extra() {
    return extra;
  }

  public static ApiProblem notFound() {
    return new ApiProblem(ErrorCode.NOT_FOUND, "Not found.");
  }

  public static ApiProblem forbidden(Role needed) {
    return new ApiProblem(
        ErrorCode.FORBIDDEN, "This action needs the " + needed.wireName() + " role in this org.");
  }

  public static ApiProblem invalidRequest(String message) {
    return new ApiProblem(ErrorCode.INVALID_REQUEST, message);
  }

  /** 422 with a {@code fields} object naming each unacceptable field and why. */
  public static ApiProblem validationFailed(Map<String, String> fields) {
    return new ApiProblem(
        ErrorCode.VALIDATION_FAILED,
        "Some fields are not acceptable: " + String.join(", ", fields.keySet()) + ".",
        Map.of("fields", Collections.unmodifiableMap(new LinkedHashMap<>(fields))));
  }
}
