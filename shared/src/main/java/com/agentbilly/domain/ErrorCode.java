package com.agentbilly.domain;

import java.util.Locale;

/** Every error code of the HTTP contract, with the status it is answered with. */
public enum ErrorCode {
  INVALID_REQUEST(400),
  INVALID_CURSOR(400),
  INVALID_SIGNATURE(400),
  FORBIDDEN(403),
  STRIPE_PERMISSION_DENIED(403),
  REFUND_LIMIT_EXCEEDED(403),
  NOT_FOUND(404),
  STRIPE_RESOURCE_MISSING(404),
  KEY_NOT_CONNECTED(409),
  LAST_OWNER(409),
  REQUEST_IN_PROGRESS(409),
  PAYLOAD_TOO_LARGE(413),
  VALIDATION_FAILED(422),
  STRIPE_INVALID_REQUEST(422),
  SECRET_KEY_REJECTED(422),
  INVALID_KEY_FORMAT(422),
  KEY_MODE_MISMATCH(422),
  KEY_INVALID(422),
  MISSING_PERMISSIONS(422),
  EXCESS_PERMISSIONS(422),
  KEY_ACCOUNT_MISMATCH(422),
  INVALID_WEBHOOK_SECRET(422),
  RATE_LIMITED(429),
  INTERNAL(500),
  STRIPE_UNAVAILABLE(502);

  private final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** The snake_case code on the wire. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
