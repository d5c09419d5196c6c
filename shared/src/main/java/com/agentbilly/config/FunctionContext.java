package com.agentbilly.config;

import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.LambdaApplicationContextBuilder;

/**
 * Starts the bean context a handler's no-argument constructor takes its wiring from, once per
 * container (and so before a SnapStart snapshot).
 *
 * <p>Each function's context runs in an environment named after the function ({@code api}, {@code
 * onboarding}, {@code sync}, {@code webhook}, {@code mcp}), and each function's factory requires
 * it. So a context only ever builds its own function's beans — also where several functions share
 * one classpath, as in the dev gateway — and the api function never so much as constructs the
 * onboarding function's secret writer.
 *
 * <p>Lambda's builder builds every singleton as the context starts, the {@link SnapStartRestore}
 * hooks among them, so they are registered (and prime) before a snapshot. (Its {@code
 * eagerInitSingletons(true)} cannot be undone by a later {@code false}: Micronaut's builder only
 * ever adds to the eager set.) What a function need not pay for until a request uses it — the KMS
 * and Secrets Manager clients — is built on first use instead ({@link AwsClients}).
 */
public final class FunctionContext {

  private FunctionContext() {}

  /** A started context with Lambda's configuration, in the environment {@code function}. */
  public static ApplicationContext start(String function) {
    LambdaApplicationContextBuilder builder = new LambdaApplicationContextBuilder();
    builder.environments(function);
    return builder.start();
  }

  /** The bean of {@code type} from a newly started context of {@code function}. */
  public static <T> T bean(String function, Class<T> type) {
    return start(function).getBean(type);
  }
}
