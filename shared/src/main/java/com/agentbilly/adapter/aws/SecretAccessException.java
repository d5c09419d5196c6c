package com.agentbilly.adapter.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * A call to KMS or Secrets Manager failed, or what it returned is unusable. The message is built
 * only from what is safe to log — the operation, the secret's name, AWS's error code, HTTP status
 * and request id — and the SDK exception is deliberately not kept as the cause, so no message of
 * its (nor any secret) can reach a log through this exception.
 */
public final class SecretAccessException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** For failures detected by our own code; {@code message} must not contain a secret. */
  public SecretAccessException(String message) {
    super(message);
  }

  /**
   * Wraps an SDK failure of {@code operation} (e.g. {@code "KMS Decrypt of agent-billy/dev/…"}),
   * keeping AWS's error code, HTTP status and request id, or the client-side exception's type.
   */
  public static SecretAccessException of(String operation, SdkException failure) {
    return new SecretAccessException(operation + " failed: " + describe(failure));
  }

  private static String describe(SdkException failure) {
    if (failure instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      return service.awsErrorDetails().errorCode()
          + " (HTTP "
          + service.statusCode()
          + ", request id "
          + service.requestId()
          + ")";
    }
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == failure
        ? failure.getClass().getSimpleName()
        : failure.getClass().getSimpleName() + " caused by " + root.getClass().getSimpleName();
  }
}
