package com.agentbilly.adapter.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TtlCacheTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
  private final TtlCache<String, String> cache = new TtlCache<>(clock, Duration.ofMinutes(5));

  @Test
  void servesAStoredValueUntilTheTtlHasPassed() {
    cache.store("k", cache.version("k"), "v1");

    clock.advance(Duration.ofMinutes(5).minusNanos(1));
    assertThat(cache.get("k")).contains("v1");

    clock.advance(Duration.ofNanos(1));
    assertThat(cache.get("k")).isEmpty();
  }

  @Test
  void neverStoresAValueFetchedBeforeAnInvalidation() {
    long version = cache.version("k");
    cache.invalidate("k");

    cache.store("k", version, "fetched before a rotation");

    assertThat(cache.get("k")).isEmpty();
    cache.store("k", cache.version("k"), "fetched after it");
    assertThat(cache.get("k")).contains("fetched after it");
  }

  @Test
  void invalidationForgetsTheValue() {
    cache.store("k", cache.version("k"), "v1");

    cache.invalidate("k");

    assertThat(cache.get("k")).isEmpty();
  }

  @Test
  void keysExpireIndependently() {
    cache.store("a", cache.version("a"), "va");
    clock.advance(Duration.ofMinutes(3));
    cache.store("b", cache.version("b"), "vb");
    clock.advance(Duration.ofMinutes(3));

    assertThat(cache.get("a")).isEmpty();
    assertThat(cache.get("b")).contains("vb");
  }

  @Test
  void zeroTtlKeepsNothing() {
    TtlCache<String, String> uncached = new TtlCache<>(clock, Duration.ZERO);

    uncached.store("k", uncached.version("k"), "v1");

    assertThat(uncached.get("k")).isEmpty();
  }

  @Test
  void refusesANegativeTtl() {
    assertThatThrownBy(() -> new TtlCache<String, String>(clock, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must not be negative");
  }
}
