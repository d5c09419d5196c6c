package com.agentbilly.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwsClientsOnceTest {

  @Test
  void buildsOnFirstGetOnlyAndThenAlwaysAnswersTheSameValue() {
    AtomicInteger builds = new AtomicInteger();
    AwsClients.Once<Object> once = new AwsClients.Once<>(() -> builds.incrementAndGet() + "");

    assertThat(builds).hasValue(0);
    Object first = once.get();

    assertThat(once.get()).isSameAs(first).isSameAs(once.get());
    assertThat(builds).hasValue(1);
  }

  @Test
  void aFailedBuildIsTriedAgainOnTheNextGet() {
    AtomicInteger builds = new AtomicInteger();
    AwsClients.Once<String> once =
        new AwsClients.Once<>(
            () -> {
              if (builds.incrementAndGet() == 1) {
                throw new IllegalStateException("no region");
              }
              return "client";
            });

    assertThatThrownBy(once::get).hasMessage("no region");
    assertThat(once.get()).isEqualTo("client");
    assertThat(builds).hasValue(2);
  }
}
