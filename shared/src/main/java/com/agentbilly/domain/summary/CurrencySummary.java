package com.agentbilly.domain.summary;

/** One currency's line of {@code GET /orgs/{org}/summary}; amounts in integer minor units. */
public record CurrencySummary(
    String currency,
    long mrr,
    long activeSubscriptions,
    long pastDueSubscriptions,
    long trialingSubscriptions,
    long revenue30d,
    long refunded30d,
    long failedCharges30d) {}
