package com.agentbilly.domain.summary;

/**
 * The additive figures of the org summary kept in one {@link BucketKey}. The running totals use the
 * first four, a daily bucket the last three. Amounts are integer minor units.
 *
 * @param mrr monthly recurring revenue of active and past-due subscriptions
 * @param revenue amount of succeeded, captured charges
 * @param refunded amount of refunds that are not failed or canceled
 * @param failedCharges number of failed charges
 */
public record Figures(
    long mrr,
    long activeSubscriptions,
    long pastDueSubscriptions,
    long trialingSubscriptions,
    long revenue,
    long refunded,
    long failedCharges) {

  public static final Figures ZERO = new Figures(0, 0, 0, 0, 0, 0, 0);

  public Figures plus(Figures other) {
    return new Figures(
        Math.addExact(mrr, other.mrr),
        Math.addExact(activeSubscriptions, other.activeSubscriptions),
        Math.addExact(pastDueSubscriptions, other.pastDueSubscriptions),
        Math.addExact(trialingSubscriptions, other.trialingSubscriptions),
        Math.addExact(revenue, other.revenue),
        Math.addExact(refunded, other.refunded),
        Math.addExact(failedCharges, other.failedCharges));
  }

  public Figures negated() {
    return new Figures(
        Math.negateExact(mrr),
        Math.negateExact(activeSubscriptions),
        Math.negateExact(pastDueSubscriptions),
        Math.negateExact(trialingSubscriptions),
        Math.negateExact(revenue),
        Math.negateExact(refunded),
        Math.negateExact(failedCharges));
  }

  public boolean isZero() {
    return equals(ZERO);
  }
}
