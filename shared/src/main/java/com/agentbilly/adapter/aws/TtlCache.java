package com.agentbilly.adapter.aws;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Values kept in memory for a fixed time after they were fetched. Every key carries a version that
 * {@link #invalidate} bumps, so a value fetched before an invalidation (a read racing a rotation)
 * is never stored afterwards. Expired values are dropped, not just ignored, so a decrypted secret
 * does not outlive its TTL in the heap by much. Thread-safe.
 */
final class TtlCache<K, V> {

  private final Clock clock;
  private final Duration ttl;
  private final ConcurrentHashMap<K, Slot<V>> slots = new ConcurrentHashMap<>();

  TtlCache(Clock clock, Duration ttl) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must not be negative");
    }
  }

  /** The value stored for {@code key} if it has not expired yet. */
  Optional<V> get(K key) {
    Instant now = clock.instant();
    Slot<V> slot = slots.computeIfPresent(key, (k, s) -> s.isFreshAt(now) ? s : s.emptied());
    return slot == null || !slot.isFreshAt(now) ? Optional.empty() : Optional.of(slot.value());
  }

  /** The key's current version: take it before fetching a value, pass it to {@link #store}. */
  long version(K key) {
    Slot<V> slot = slots.get(key);
    return slot == null ? 0 : slot.version();
  }

  /**
   * Keeps {@code value} for the TTL unless {@code key} was invalidated since {@code version} was
   * taken. With a zero TTL nothing is kept.
   */
  void store(K key, long version, V value) {
    Objects.requireNonNull(value, "value");
    if (ttl.isZero()) {
      return;
    }
    Instant now = clock.instant();
    slots.replaceAll((k, s) -> s.isFreshAt(now) ? s : s.emptied());
    Slot<V> fresh = new Slot<>(version, value, now.plus(ttl));
    slots.compute(
        key,
        (k, current) -> {
          long currentVersion = current == null ? 0 : current.version();
          return currentVersion == version ? fresh : current;
        });
  }

  /** Forgets the value of {@code key}; a fetch that started before this call is not stored. */
  void invalidate(K key) {
    slots.compute(key, (k, s) -> Slot.empty(s == null ? 1 : s.version() + 1));
  }

  private record Slot<V>(long version, V value, Instant expiresAt) {

    static <V> Slot<V> empty(long version) {
      return new Slot<>(version, null, Instant.MIN);
    }

    boolean isFreshAt(Instant now) {
      return value != null && now.isBefore(expiresAt);
    }

    Slot<V> emptied() {
      return value == null ? this : empty(version);
    }

    /** Never prints the value: it is a decrypted secret. */
    @Override
    public String toString() {
      return "Slot[version=" + version + ", expiresAt=" + expiresAt + "]";
    }
  }
}
