package com.agentbilly.local;

/**
 * A function failed: its handler could not be created or threw (Lambda's {@code Unhandled} function
 * error). The cause is the handler's exception.
 */
public final class FunctionInvocationException extends Exception {

  FunctionInvocationException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The {@code errorType} Lambda reports: the class of the exception the handler threw. */
  public String errorType() {
    return getCause() == null ? getClass().getName() : getCause().getClass().getName();
  }
}
