package com.agentbilly.domain.summary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * The rules on objects whose fields a webhook may carry in any shape (found by WebhookFuzzTest).
 */
class SummaryRulesTest {

  private static final LocalDate DAY = LocalDate.parse("2026-11-29");

  @Test
  void aRefundWithoutAStatusIsNotCountedAsMade() {
    assertThat(SummaryRules.refund(null, 1200, "usd", DAY)).isEqualTo(Buckets.NONE);
  }

  @Test
  void aSucceededRefundIsCountedOnItsDay() {
    assertThat(SummaryRules.refund("succeeded", 1200, "usd", DAY)).isNotEqualTo(Buckets.NONE);
  }
}
