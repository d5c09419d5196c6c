package com.agentbilly.sync;

/** Not enough time is left to wait for a retry: the run stops and the next one resumes. */
public final class DeadlineReached extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public DeadlineReached(String message) {
    super(message);
  }
}
