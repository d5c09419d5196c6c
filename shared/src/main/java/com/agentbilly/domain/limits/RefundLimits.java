package com.agentbilly.domain.limits;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An org's refund limits for managers, per currency in minor units: the most one refund may return
 * ({@code per_refund}) and the most all of a UTC day's refunds may return together ({@code
 * per_day}). A currency without an entry is not limited; owners are never limited.
 *
 * @param perRefund currency (lowercase ISO 4217) to the largest amount of one refund
 * @param perDay currency to the largest total of one UTC day
 */
public record RefundLimits(Map<String, Long> perRefund, Map<String, Long> perDay) {

  /** Stripe's largest amount (eight digits of minor units) times a thousand refunds a day. */
  public static final long MAX_LIMIT = 99_999_999_000L;

  /** No limits at all: what an org has until an owner sets some. */
  public static final RefundLimits NONE = new RefundLimits(Map.of(), Map.of());

  private static final Pattern CURRENCY = Pattern.compile("[a-z]{3}");

  public RefundLimits {
    perRefund = sortedCopy(Objects.requireNonNull(perRefund, "perRefund"));
    perDay = sortedCopy(Objects.requireNonNull(perDay, "perDay"));
    for (Map<String, Long> limits : java.util.List.of(perRefund, perDay)) {
      limits.forEach(
          (currency, limit) -> {
            if (!isCurrency(currency) || !isLimit(limit)) {
              throw new IllegalArgumentException("not a refund limit: " + currency + "=" + limit);
            }
          });
    }
  }

  /** Whether {@code value} is a currency code as limits take it: three lowercase letters. */
  public static boolean isCurrency(String value) {
    return value != null && CURRENCY.matcher(value).matches();
  }

  /** Whether {@code value} is an acceptable limit: 1 to {@link #MAX_LIMIT} minor units. */
  public static boolean isLimit(Long value) {
    return value != null && value >= 1 && value <= MAX_LIMIT;
  }

  /** True when no currency is limited. */
  public boolean isEmpty() {
    return perRefund.isEmpty() && perDay.isEmpty();
  }

  /** The daily limit of {@code currency}, if it has one. */
  public Optional<Long> dailyLimit(String currency) {
    return Optional.ofNullable(perDay.get(currency));
  }

  /**
   * Checks one refund of {@code amount} minor units in {@code currency} against the per-refund
   * limit, and against the daily limit on its own (an amount above the day's limit can never fit,
   * whatever the day's total). The day's running total is checked where it is kept.
   *
   * @return the limit that is exceeded, or empty when the refund may go on
   */
  public Optional<Exceeded> check(String currency, long amount) {
    Long single = perRefund.get(currency);
    if (single != null && amount > single) {
      return Optional.of(new Exceeded(Kind.PER_REFUND, currency, single, amount));
    }
    Long daily = perDay.get(currency);
    if (daily != null && amount > daily) {
      return Optional.of(new Exceeded(Kind.PER_DAY, currency, daily, amount));
    }
    return Optional.empty();
  }

  /** Which limit a refund ran into. */
  public enum Kind {
    PER_REFUND,
    PER_DAY;

    /** {@code per_refund} or {@code per_day}, as in the request body. */
    public String wireName() {
      return this == PER_REFUND ? "per_refund" : "per_day";
    }
  }

  /**
   * A refund refused by a limit.
   *
   * @param limit the limit in minor units
   * @param amount the refund's amount in minor units
   */
  public record Exceeded(Kind kind, String currency, long limit, long amount) {

    /** The message a manager reads. */
    public String message() {
      return "This refund of "
          + amount
          + " "
          + currency
          + " (minor units) is over the org's "
          + (kind == Kind.PER_REFUND ? "limit per refund" : "daily refund limit")
          + " of "
          + limit
          + " "
          + currency
          + " for managers; an owner can refund it or raise the limit.";
    }

    /** The fields the error and the audit entry carry besides the message. */
    public Map<String, Object> details() {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("limit", kind.wireName());
      details.put("currency", currency);
      details.put("limit_amount", limit);
      details.put("amount", amount);
      return details;
    }
  }

  private static Map<String, Long> sortedCopy(Map<String, Long> limits) {
    return Collections.unmodifiableMap(new TreeMap<>(limits));
  }
}
