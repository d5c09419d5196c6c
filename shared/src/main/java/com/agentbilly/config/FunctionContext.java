package com.agentbilly.config;

import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.LambdaApplicationContextBuilder;

/**
 * Starts the bean context a handler's no-argument constructor takes its wiring from, once per
 * container (and so before a SnapStart snapshot).
 *
 * <p>Each function's context runs in an environment named after the function ({@code api}, {@code
 * onboarding}, {@code sync}, {@code webhook}), and each function's factory requires it. So a
 * context only ever builds its own function's beans — also where several functions share one
 * classpath, as in the dev gateway — and the api function never so much as constructs the
 * onboarding function's secret writer.
 *
 * <p>Singletons are built when first asked for, not all at start as Lambda's builder would: the
 * handler's bean pulls in what it uses and nothing else (a function's factory holds a few beans
 * only some routes need). The one bean nothing depends on, the {@link SnapStartRestore} hooks, is
 * asked for here, so it is registered (and primes) before a SnapStart snapshot.
 */
public final class FunctionContext {

  private FunctionContext() {}

  /** A started context with Lambda's configuration, in the environment {@code function}. */
  public static ApplicationContext start(String function) {
    LambdaApplicationContextBuilder builder = new LambdaApplicationContextBuilder();
    builder.environments(function);
    builder.eagerInitSingletons(false);
    builder.eagerInitConfiguration(false);
    ApplicationContext context = builder.start();
    context.getBean(SnapStartRestore.class);
    return context;
  }

  /** The bean of {@code type} from a newly started context of {@code function}. */
  public static <T> T bean(String function, Class<T> type) {
    return start(function).getBean(type);
  }
}
