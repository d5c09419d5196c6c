package com.agentbilly.local.bench;

/** Percentiles of latency samples, for the benchmarks' tables. */
final class Latencies {

  private Latencies() {}

  /** The nearest-rank percentile of ascending {@code sorted} nanosecond samples. */
  static long percentile(long[] sorted, int percent) {
    int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }
}
