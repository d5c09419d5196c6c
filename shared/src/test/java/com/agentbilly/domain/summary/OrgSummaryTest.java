package com.agentbilly.domain.summary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrgSummaryTest {

  private static final Instant AS_OF = Instant.parse("2026-11-29T23:59:59Z");
  private static final LocalDate TODAY = LocalDate.parse("2026-11-29");

  @Test
  void theWindowIsTheLastThirtyUtcDaysTodayIncluded() {
    assertThat(OrgSummary.firstDay(AS_OF)).isEqualTo(LocalDate.parse("2026-10-31"));
    Buckets stored =
        Buckets.NONE
            .plus(BucketKey.day(TODAY, "usd"), revenue(100))
            .plus(BucketKey.day(TODAY.minusDays(29), "usd"), revenue(20))
            .plus(BucketKey.day(TODAY.minusDays(30), "usd"), revenue(3))
            .plus(BucketKey.day(TODAY.plusDays(1), "usd"), revenue(4000));

    assertThat(OrgSummary.of(AS_OF, stored).byCurrency())
        .containsExactly(new CurrencySummary("usd", 0, 0, 0, 0, 120, 0, 0));
  }

  @Test
  void linesAreByCurrencyAlphabeticallyWithTotalsAndTheWindowSummed() {
    Buckets stored =
        Buckets.NONE
            .plus(BucketKey.totals("usd"), new Figures(4500, 2, 1, 3, 0, 0, 0))
            .plus(BucketKey.day(TODAY, "usd"), new Figures(0, 0, 0, 0, 700, 200, 1))
            .plus(BucketKey.day(TODAY.minusDays(3), "usd"), new Figures(0, 0, 0, 0, 300, 0, 2))
            .plus(BucketKey.totals("eur"), new Figures(900, 1, 0, 0, 0, 0, 0));

    assertThat(OrgSummary.of(AS_OF, stored))
        .isEqualTo(
            new OrgSummary(
                AS_OF,
                List.of(
                    new CurrencySummary("eur", 900, 1, 0, 0, 0, 0, 0),
                    new CurrencySummary("usd", 4500, 2, 1, 3, 1000, 200, 3))));
  }

  @Test
  void aCurrencyWithOnlyOldActivityIsLeftOut() {
    Buckets stored = Buckets.of(BucketKey.day(TODAY.minusDays(45), "gbp"), revenue(5));
    assertThat(OrgSummary.of(AS_OF, stored).byCurrency()).isEmpty();
  }

  private static Figures revenue(long amount) {
    return new Figures(0, 0, 0, 0, amount, 0, 0);
  }
}
