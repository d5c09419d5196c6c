package com.agentbilly.domain.summary;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The org summary at {@code asOf}, one line per currency (alphabetical) that has any non-zero
 * figure. The 30-day figures sum the daily buckets of the last {@value #WINDOW_DAYS} UTC days,
 * today included.
 */
public record OrgSummary(Instant asOf, List<CurrencySummary> byCurrency) {

  public static final int WINDOW_DAYS = 30;

  public OrgSummary {
    Objects.requireNonNull(asOf, "asOf");
    byCurrency = List.copyOf(byCurrency);
  }

  /** The first UTC day of the 30-day window that ends with the day of {@code asOf}. */
  public static LocalDate firstDay(Instant asOf) {
    return today(asOf).minusDays(WINDOW_DAYS - 1L);
  }

  /**
   * The summary from the org's stored buckets; daily buckets outside the window (before it, or
   * dated after today) are left out.
   */
  public static OrgSummary of(Instant asOf, Buckets stored) {
    LocalDate first = firstDay(asOf);
    LocalDate last = today(asOf);
    Map<String, Figures> byCurrency = new TreeMap<>();
    for (Map.Entry<BucketKey, Figures> entry : stored.asMap().entrySet()) {
      BucketKey key = entry.getKey();
      boolean counted = key.isTotals() || (!key.day().isBefore(first) && !key.day().isAfter(last));
      if (counted) {
        byCurrency.merge(key.currency(), entry.getValue(), Figures::plus);
      }
    }
    List<CurrencySummary> lines = new ArrayList<>();
    byCurrency.forEach(
        (currency, f) -> {
          if (!f.isZero()) {
            lines.add(
                new CurrencySummary(
                    currency,
                    f.mrr(),
                    f.activeSubscriptions(),
                    f.pastDueSubscriptions(),
                    f.trialingSubscriptions(),
                    f.revenue(),
                    f.refunded(),
                    f.failedCharges()));
          }
        });
    return new OrgSummary(asOf, lines);
  }

  private static LocalDate today(Instant asOf) {
    return LocalDate.ofInstant(asOf, ZoneOffset.UTC);
  }
}
