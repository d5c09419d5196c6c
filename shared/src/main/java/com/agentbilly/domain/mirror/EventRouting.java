package com.agentbilly.domain.mirror;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which Stripe events change the mirror, and how: shared by the webhook and the sync's event
 * catch-up, so both apply an event the same way.
 *
 * <p>An event's family is its type without the last part ({@code customer.subscription} of {@code
 * customer.subscription.updated}). Mirrored families: {@code customer}, {@code
 * customer.subscription}, {@code invoice}, {@code charge}, {@code charge.refund}, {@code refund},
 * {@code product}, {@code price} and {@code plan}; {@code invoice.upcoming} (a preview without an
 * id) is not mirrored. The mirrored type is read from the object's own {@code object} field where
 * present ({@code plan} is a price); the family decides only when the field is missing. {@code
 * *.deleted} makes a tombstone — except {@code customer.subscription.deleted}, which Stripe sends
 * when a subscription ends: the subscription still exists, cancelled.
 */
public final class EventRouting {

  private static final Map<String, ObjectType> FAMILIES =
      Map.of(
          "customer", ObjectType.CUSTOMER,
          "customer.subscription", ObjectType.SUBSCRIPTION,
          "invoice", ObjectType.INVOICE,
          "charge", ObjectType.CHARGE,
          "charge.refund", ObjectType.REFUND,
          "refund", ObjectType.REFUND,
          "product", ObjectType.PRODUCT,
          "price", ObjectType.PRICE,
          "plan", ObjectType.PRICE);

  private static final Set<String> NOT_MIRRORED = Set.of("invoice.upcoming");

  private EventRouting() {}

  /**
   * The mirrored type an event changes; empty for an event we do not mirror.
   *
   * @param eventType the event's {@code type}, e.g. {@code customer.updated}
   * @param objectName {@code data.object.object}, or null when absent
   */
  public static Optional<ObjectType> mirroredType(String eventType, String objectName) {
    int lastDot = eventType.lastIndexOf('.');
    if (lastDot <= 0 || NOT_MIRRORED.contains(eventType)) {
      return Optional.empty();
    }
    ObjectType family = FAMILIES.get(eventType.substring(0, lastDot));
    if (family == null) {
      return Optional.empty();
    }
    return objectName == null ? Optional.of(family) : ObjectType.fromObjectName(objectName);
  }

  /** Whether an event of {@code eventType} that changes {@code type} leaves a tombstone. */
  public static boolean isDeletion(String eventType, ObjectType type) {
    return eventType.endsWith(".deleted") && type != ObjectType.SUBSCRIPTION;
  }
}
