package com.agentbilly.webhook;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.mirror.EventRouting;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.Json;
import java.util.Optional;

/**
 * Which events change the mirror, and how: {@link EventRouting}, applied to a received event.
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

  private MirrorRouting() {}

  /**
   * The mirror write an event asks for; empty for an event we do not mirror.
   *
   * @throws ApiProblem {@code invalid_request} for a mirrored event whose object has no {@code id}
   */
  static Optional<MirrorDocument> documentOf(StripeEvent event) {
    Optional<ObjectType> type = EventRouting.mirroredType(event.type(), event.objectName());
    if (type.isEmpty()) {
      return Optional.empty();
    }
    String id = event.objectId();
    if (id == null) {
      throw ApiProblem.invalidRequest("The body is not a Stripe event: data.object has no id.");
    }
    boolean deleted = EventRouting.isDeletion(event.type(), type.get());
    return Optional.of(
        new MirrorDocument(type.get(), id, Json.write(event.object()), event.created(), deleted));
  }
}
