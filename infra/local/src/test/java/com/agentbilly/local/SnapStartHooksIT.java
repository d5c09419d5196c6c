package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.config.FunctionContext;
import com.agentbilly.config.SnapStartRestore;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every function's context registers its SnapStart hooks as it starts, before any request. The
 * context builds singletons lazily and nothing depends on {@link SnapStartRestore}, so without
 * {@link FunctionContext#start} asking for it, Lambda would snapshot a container with no priming
 * and no reload of the stack secrets after restore — and every request would still work, so no
 * other test would notice.
 */
@WithLocalStack
class SnapStartHooksIT {

  /** The stack's start sets what the functions read, such as mcp's authorization server. */
  SnapStartHooksIT(LocalStack stack) {}

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"api", "onboarding", "sync", "webhook", "mcp"})
  void startingAFunctionsContextRegistersItsHooksOnce(String function) {
    try (ApplicationContext context = FunctionContext.start(function)) {
      assertThat(context.getActiveBeanRegistrations(SnapStartRestore.class)).hasSize(1);
    }
  }
}
