package com.agentbilly.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<Duration> sleeps = new ArrayList<>();
  private final Sleeper fakeSleep =
      duration -> {
        sleeps.add(duration);
        now.addAndGet(duration.toNanos());
      };

  @Test
  void requestsInARowAreSpacedOneIntervalApart() throws InterruptedException {
    RateLimiter limiter = new RateLimiter(20, now::get, fakeSleep);
    List<Long> admitted = new ArrayList<>();

    for (int i = 0; i < 41; i++) {
      limiter.acquire();
      admitted.add(now.get());
    }

    assertThat(sleeps).hasSize(40).allMatch(d -> d.equals(Duration.ofMillis(50)));
    assertThat(admitted.get(40) - admitted.get(0)).isEqualTo(2_000_000_000L);
  }

  @Test
  void neverAdmitsMoreThanTheRateInAnyOneSecondWindow() throws InterruptedException {
    RateLimiter limiter = new RateLimiter(80, now::get, fakeSleep);
    List<Long> admitted = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      limiter.acquire();
      admitted.add(now.get());
    }

    int most = 0;
    for (int i = 0; i < admitted.size(); i++) {
      int j = i;
      while (j < admitted.size() && admitted.get(j) - admitted.get(i) < 1_000_000_000L) {
        j++;
      }
      most = Math.max(most, j - i);
    }
    assertThat(most).isEqualTo(80);
  }

  @Test
  void aRequestAfterAPauseLongerThanTheIntervalDoesNotWait() throws InterruptedException {
    RateLimiter limiter = new RateLimiter(10, now::get, fakeSleep);
    limiter.acquire();
    now.addAndGet(Duration.ofMillis(300).toNanos());

    limiter.acquire();

    assertThat(sleeps).isEmpty();
  }

  @Test
  void refusesARateThatIsNotPositive() {
    assertThatThrownBy(() -> new RateLimiter(0, now::get, fakeSleep))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("perSecond must be positive: 0.0");
  }
}
