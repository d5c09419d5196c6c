package com.agentbilly.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void theCeilingDoublesWithEveryRetryUpToTheCap() {
    Backoff full = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), () -> 0.9999999);

    assertThat(full.delay(0)).isEqualTo(Duration.ofMillis(500));
    assertThat(full.delay(1)).isEqualTo(Duration.ofMillis(1000));
    assertThat(full.delay(2)).isEqualTo(Duration.ofMillis(2000));
    assertThat(full.delay(4)).isEqualTo(Duration.ofMillis(8000));
    assertThat(full.delay(30)).isEqualTo(Duration.ofMillis(8000));
  }

  @Test
  void jitterKeepsAtLeastHalfOfTheCeiling() {
    Backoff least = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), () -> 0.0);
    Backoff middle = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8), () -> 0.5);

    assertThat(least.delay(0)).isEqualTo(Duration.ofMillis(250));
    assertThat(least.delay(3)).isEqualTo(Duration.ofMillis(2000));
    assertThat(middle.delay(3)).isEqualTo(Duration.ofMillis(3000));
  }
}
