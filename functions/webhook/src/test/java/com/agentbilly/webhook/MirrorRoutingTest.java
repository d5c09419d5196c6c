package com.agentbilly.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.testing.EventFixtures;
import com.agentbilly.testing.WebhookRequests;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which recorded Stripe events change the mirror, as which type, and which leave tombstones. */
class MirrorRoutingTest {

  @ParameterizedTest(name = "{0} -> {1} {2}, deleted={3}")
  @CsvSource({
    "customer.created, CUSTOMER, cus_test_jenny, false",
    "customer.updated, CUSTOMER, cus_test_jenny, false",
    "customer.deleted, CUSTOMER, cus_test_jenny, true",
    "customer.subscription.created, SUBSCRIPTION, sub_test_pro, false",
    "customer.subscription.updated, SUBSCRIPTION, sub_test_pro_v2, false",
    "customer.subscription.deleted, SUBSCRIPTION, sub_test_pro, false",
    "invoice.payment_succeeded, INVOICE, in_test_first, false",
    "charge.succeeded, CHARGE, ch_test_jenny, false",
    "charge.failed, CHARGE, ch_test_declined, false",
    "charge.refunded, CHARGE, ch_test_jenny, false",
    "refund.created, REFUND, re_test_jenny, false",
    "product.created, PRODUCT, prod_test_pro, false",
    "price.created, PRICE, price_test_pro_monthly, false",
    "plan.created, PRICE, plan_test_pro_monthly, false"
  })
  void recordedEventsAreMirroredAsTheirObjectsType(
      String eventType, ObjectType type, String id, boolean deleted) throws IOException {
    String payload = Files.readString(EventFixtures.path("stripe/" + eventType + ".json"));
    StripeEvent event = StripeEvent.parse(payload);

    MirrorDocument document = MirrorRouting.documentOf(event).orElseThrow();

    assertThat(event.type()).isEqualTo(eventType);
    assertThat(document.type()).isEqualTo(type);
    assertThat(document.id()).isEqualTo(id);
    assertThat(document.deleted()).isEqualTo(deleted);
    assertThat(document.snapshot()).isEqualTo(event.created());
    assertThat(WebhookRequests.read(document.json()))
        .isEqualTo(WebhookRequests.read(payload).at("/data/object"));
  }

  @ParameterizedTest
  @CsvSource({
    "charge.refund.updated, refund, re_test_1, REFUND, false",
    "product.deleted, product, prod_test_1, PRODUCT, true",
    "price.deleted, price, price_test_1, PRICE, true",
    "plan.deleted, plan, plan_test_1, PRICE, true",
    "invoice.deleted, invoice, in_test_1, INVOICE, true",
    "invoice.paid, invoice, in_test_1, INVOICE, false",
    "customer.subscription.trial_will_end, subscription, sub_test_1, SUBSCRIPTION, false"
  })
  void eventsOfMirroredFamiliesFollowTheObject(
      String eventType, String objectName, String id, ObjectType type, boolean deleted) {
    StripeEvent event =
        event(eventType, "{\"id\":\"" + id + "\",\"object\":\"" + objectName + "\"}");

    assertThat(MirrorRouting.documentOf(event))
        .map(d -> d.type() + " " + d.id() + " " + d.deleted())
        .contains(type + " " + id + " " + deleted);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "customer.discount.created",
        "customer.source.created",
        "customer.tax_id.created",
        "charge.dispute.created",
        "invoiceitem.created",
        "invoice.upcoming",
        "payment_intent.succeeded",
        "balance.available",
        "ping"
      })
  void otherEventsAreNotMirrored(String eventType) {
    assertThat(MirrorRouting.documentOf(event(eventType, "{\"id\":\"x_test_1\"}"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"customer.created", "charge.refund.updated", "plan.created"})
  void aMirroredEventWhoseObjectHasNoIdIsNotAStripeEvent(String eventType) {
    assertThatThrownBy(() -> MirrorRouting.documentOf(event(eventType, "{\"livemode\":false}")))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }

  @ParameterizedTest
  @ValueSource(strings = {"customer.created", "invoice.created"})
  void withoutAnObjectFieldTheFamilyDecides(String eventType) {
    Optional<MirrorDocument> document =
        MirrorRouting.documentOf(event(eventType, "{\"id\":\"x_test_1\"}"));

    assertThat(document.map(MirrorDocument::type))
        .contains(eventType.startsWith("customer") ? ObjectType.CUSTOMER : ObjectType.INVOICE);
  }

  private static StripeEvent event(String type, String object) {
    return StripeEvent.parse(
        WebhookRequests.event(
            "evt_test_1",
            type,
            Instant.parse("2026-11-29T12:00:00Z").getEpochSecond(),
            false,
            object));
  }
}
