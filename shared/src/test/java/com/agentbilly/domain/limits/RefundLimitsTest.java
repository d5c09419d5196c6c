package com.agentbilly.domain.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RefundLimitsTest {

  @Property(tries = 300)
  void aRefundIsRefusedExactlyWhenItIsOverOneOfItsCurrencysLimits(
      @ForAll @LongRange(min = 1, max = 1_000_000) long perRefund,
      @ForAll @LongRange(min = 1, max = 1_000_000) long perDay,
      @ForAll @LongRange(min = 1, max = 2_000_000) long amount) {
    RefundLimits limits = new RefundLimits(Map.of("usd", perRefund), Map.of("usd", perDay));

    Optional<RefundLimits.Exceeded> exceeded = limits.check("usd", amount);

    assertThat(exceeded.isPresent()).isEqualTo(amount > perRefund || amount > perDay);
    exceeded.ifPresent(
        e -> {
          // The per-refund limit is named first when both are passed.
          RefundLimits.Kind expected =
              amount > perRefund ? RefundLimits.Kind.PER_REFUND : RefundLimits.Kind.PER_DAY;
          assertThat(e.kind()).isEqualTo(expected);
          assertThat(e.amount()).isEqualTo(amount);
          assertThat(e.limit()).isEqualTo(amount > perRefund ? perRefund : perDay);
        });
    assertThat(limits.check("eur", amount)).isEmpty();
  }

  @Test
  void aCurrencyWithoutLimitsIsNotLimited() {
    RefundLimits limits = new RefundLimits(Map.of("usd", 1L), Map.of());

    assertThat(limits.check("eur", 99_999_999L)).isEmpty();
    assertThat(limits.dailyLimit("usd")).isEmpty();
    assertThat(RefundLimits.NONE.isEmpty()).isTrue();
  }

  @Test
  void onlyLowercaseThreeLetterCodesAndAmountsWithinTheBoundAreLimits() {
    assertThat(RefundLimits.isCurrency("usd")).isTrue();
    assertThat(RefundLimits.isCurrency("USD")).isFalse();
    assertThat(RefundLimits.isCurrency("usdt")).isFalse();
    assertThat(RefundLimits.isCurrency("u1d")).isFalse();
    assertThat(RefundLimits.isLimit(1L)).isTrue();
    assertThat(RefundLimits.isLimit(RefundLimits.MAX_LIMIT)).isTrue();
    assertThat(RefundLimits.isLimit(0L)).isFalse();
    assertThat(RefundLimits.isLimit(RefundLimits.MAX_LIMIT + 1)).isFalse();
    assertThatThrownBy(() -> new RefundLimits(Map.of("USD", 5L), Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RefundLimits(Map.of(), Map.of("usd", -5L)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRefusalNamesTheLimitForAPerson() {
    RefundLimits.Exceeded exceeded =
        new RefundLimits.Exceeded(RefundLimits.Kind.PER_DAY, "usd", 200000, 5000);

    assertThat(exceeded.message())
        .isEqualTo(
            "This refund of 5000 usd (minor units) is over the org's daily refund limit of 200000"
                + " usd for managers; an owner can refund it or raise the limit.");
    assertThat(exceeded.details())
        .containsExactly(
            Map.entry("limit", "per_day"),
            Map.entry("currency", "usd"),
            Map.entry("limit_amount", 200000L),
            Map.entry("amount", 5000L));
  }
}
