package com.agentbilly.config;

import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.LambdaApplicationContextBuilder;

/**
 * Starts the bean context a handler's no-argument constructor takes its wiring from, once per
 * container (and so before a SnapStart snapshot).
 */
public final class FunctionContext {

  private FunctionContext() {}

  /** A started context with Lambda's configuration. */
  public static ApplicationContext start() {
    return new LambdaApplicationContextBuilder().start();
  }

  /** The bean of {@code type} from a newly started context. */
  public static <T> T bean(Class<T> type) {
    return start().getBean(type);
  }
}
