package com.agentbilly.domain.summary;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Figures by bucket: what one mirrored object contributes to the org summary, the change between
 * two states of an object, or the stored aggregates of an org. Never holds a zero entry, so two
 * {@code Buckets} are equal exactly when every figure is.
 */
public final class Buckets {

  public static final Buckets NONE = new Buckets(new TreeMap<>());

  private final TreeMap<BucketKey, Figures> figures;

  private Buckets(TreeMap<BucketKey, Figures> figures) {
    this.figures = figures;
  }

  /** {@code figures} in {@code key}. */
  public static Buckets of(BucketKey key, Figures figures) {
    return NONE.plus(key, figures);
  }

  /** The buckets of {@code figures}, zero entries left out. */
  public static Buckets of(Map<BucketKey, Figures> figures) {
    Buckets buckets = NONE;
    for (Map.Entry<BucketKey, Figures> entry : figures.entrySet()) {
      buckets = buckets.plus(entry.getKey(), entry.getValue());
    }
    return buckets;
  }

  /** These buckets with {@code added} added to {@code key}. */
  public Buckets plus(BucketKey key, Figures added) {
    TreeMap<BucketKey, Figures> sum = new TreeMap<>(figures);
    Figures total = sum.getOrDefault(key, Figures.ZERO).plus(added);
    if (total.isZero()) {
      sum.remove(key);
    } else {
      sum.put(key, total);
    }
    return new Buckets(sum);
  }

  /** The sum of these buckets and {@code other}. */
  public Buckets plus(Buckets other) {
    Buckets sum = this;
    for (Map.Entry<BucketKey, Figures> entry : other.figures.entrySet()) {
      sum = sum.plus(entry.getKey(), entry.getValue());
    }
    return sum;
  }

  /** What turns {@code before} into {@code after}: {@code after − before}, bucket by bucket. */
  public static Buckets change(Buckets before, Buckets after) {
    Buckets change = after;
    for (Map.Entry<BucketKey, Figures> entry : before.figures.entrySet()) {
      change = change.plus(entry.getKey(), entry.getValue().negated());
    }
    return change;
  }

  /** The non-zero figures by bucket, in {@link BucketKey} order. */
  public Map<BucketKey, Figures> asMap() {
    return Collections.unmodifiableMap(figures);
  }

  public boolean isEmpty() {
    return figures.isEmpty();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Buckets buckets && buckets.figures.equals(figures);
  }

  @Override
  public int hashCode() {
    return figures.hashCode();
  }

  @Override
  public String toString() {
    return figures.toString();
  }
}
