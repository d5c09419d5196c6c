package com.agentbilly.webhook;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.Json;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which events change the mirror, and how.
 *
 * <p>An event's family is its type without the last part ({@code customer.subscription} of {@code
 * customer.subscription.updated}). Mirrored families: {@code customer}, {@code
 * customer.subscription}, {@code invoice}, {@code charge}, {@code charge.refund}, {@code refund},
 * {@code product}, {@code price} and {@code plan}. Others — {@code customer.discount}, {@code
 * customer.source}, {@code customer.tax_id}, {@code charge.dispute}, {@code invoiceitem}, … — are
 * not mirrored, nor is {@code invoice.upcoming}, whose object is a preview without an id.
 *
 * <p>The mirrored type is read from the object's own {@code object} field where present ({@code
 * plan} is a price), so it does not depend on how an API version names events; the family decides
 * only when the field is missing. {@code *.deleted} makes a tombstone — except {@code
 * customer.subscription.deleted}, which Stripe sends when a subscription ends: the subscription
 * still exists, cancelled, and is mirrored as such. The snapshot time is the event's {@code
 * created}.
 */
final class MirrorRouting {

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

  private MirrorRouting() {}

  /**
   * The mirror write an event asks for; empty for an event we do not mirror.
   *
   * @throws ApiProblem {@code invalid_request} for a mirrored event whose object has no {@code id}
   */
  static Optional<MirrorDocument> documentOf(StripeEvent event) {
    Optional<ObjectType> type = typeOf(event);
    if (type.isEmpty()) {
      return Optional.empty();
    }
    String id = event.objectId();
    if (id == null) {
      throw ApiProblem.invalidRequest("The body is not a Stripe event: data.object has no id.");
    }
    boolean deleted = event.type().endsWith(".deleted") && type.get() != ObjectType.SUBSCRIPTION;
    return Optional.of(
        new MirrorDocument(type.get(), id, Json.write(event.object()), event.created(), deleted));
  }

  private static Optional<ObjectType> typeOf(StripeEvent event) {
    int lastDot = event.type().lastIndexOf('.');
    if (lastDot <= 0 || NOT_MIRRORED.contains(event.type())) {
      return Optional.empty();
    }
    ObjectType family = FAMILIES.get(event.type().substring(0, lastDot));
    if (family == null) {
      return Optional.empty();
    }
    String objectName = event.objectName();
    return objectName == null ? Optional.of(family) : ObjectType.fromObjectName(objectName);
  }
}
