package com.agentbilly.sync;

import java.time.Duration;

/** Waits; a seam so rate limiting and backoff are tested without waiting. */
@FunctionalInterface
public interface Sleeper {

  /** The real one: {@link Thread#sleep(Duration)}. */
  Sleeper THREAD = Thread::sleep;

  void sleep(Duration duration) throws InterruptedException;
}
