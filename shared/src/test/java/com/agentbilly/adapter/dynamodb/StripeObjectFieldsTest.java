package com.agentbilly.adapter.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.testing.EventFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Field extraction from real Stripe object shapes ({@code events/stripe/objects/}). */
class StripeObjectFieldsTest {

  private static StripeObjectFields fieldsOf(ObjectType type, String fixture) throws IOException {
    return StripeObjectFields.extract(
        type, Files.readString(EventFixtures.path("stripe/objects/" + fixture)));
  }

  @Test
  void customerHasItsEmailLowerCased() throws IOException {
    assertThat(fieldsOf(ObjectType.CUSTOMER, "customer.json"))
        .isEqualTo(
            new StripeObjectFields(
                1795984927L, null, null, "jenny.rosen@example.com", "eur", null, null, null, null));
    assertThat(
            StripeObjectFields.extract(
                    ObjectType.CUSTOMER, "{\"id\":\"cus_1\",\"email\":\"Jenny@Example.COM\"}")
                .email())
        .isEqualTo("jenny@example.com");
  }

  @Test
  void subscriptionWithItemsHasStatusAndCustomer() throws IOException {
    assertThat(fieldsOf(ObjectType.SUBSCRIPTION, "subscription.json"))
        .isEqualTo(
            new StripeObjectFields(
                1795985000L, "active", "cus_test_jenny", null, "usd", null, null, null, null));
  }

  @Test
  void expandedCustomerIsReadAsItsId() throws IOException {
    assertThat(fieldsOf(ObjectType.SUBSCRIPTION, "subscription_expanded_customer.json").customer())
        .isEqualTo("cus_test_jenny");
  }

  @Test
  void legacySubscriptionFromLocalstripeHasStatusAndCustomer() throws IOException {
    StripeObjectFields fields = fieldsOf(ObjectType.SUBSCRIPTION, "subscription_legacy.json");

    assertThat(fields.status()).isEqualTo("active");
    assertThat(fields.customer()).isEqualTo("cus_test_jenny");
    assertThat(fields.created()).isEqualTo(1795984927L);
  }

  @Test
  void invoiceHasStatusCustomerCurrencyAndAmountDue() throws IOException {
    assertThat(fieldsOf(ObjectType.INVOICE, "invoice.json"))
        .isEqualTo(
            new StripeObjectFields(
                1795984927L, "paid", "cus_test_jenny", null, "usd", 2000L, null, null, null));
  }

  @Test
  void invoiceWithoutStatusGetsOneFromPaidAndForgiven() {
    assertThat(invoiceStatus("\"paid\":true")).isEqualTo("paid");
    assertThat(invoiceStatus("\"paid\":false,\"forgiven\":true")).isEqualTo("uncollectible");
    assertThat(invoiceStatus("\"paid\":false,\"closed\":false")).isEqualTo("open");
    assertThat(invoiceStatus("\"amount_due\":5")).isNull();
  }

  private static String invoiceStatus(String fields) {
    return StripeObjectFields.extract(
            ObjectType.INVOICE, "{\"id\":\"in_1\",\"object\":\"invoice\"," + fields + "}")
        .status();
  }

  @Test
  void chargesHaveStatusCustomerAndAmount() throws IOException {
    assertThat(fieldsOf(ObjectType.CHARGE, "charge_succeeded.json"))
        .isEqualTo(
            new StripeObjectFields(
                1795985000L, "succeeded", "cus_test_jenny", null, "usd", 2000L, null, null, null));
    assertThat(fieldsOf(ObjectType.CHARGE, "charge_failed.json").status()).isEqualTo("failed");
    assertThat(fieldsOf(ObjectType.CHARGE, "charge_refunded.json"))
        .isEqualTo(
            new StripeObjectFields(
                1795985000L, "succeeded", "cus_test_jenny", null, "usd", 2000L, null, null, null));
  }

  @Test
  void refundHasItsChargeAmountAndStatus() throws IOException {
    assertThat(fieldsOf(ObjectType.REFUND, "refund.json"))
        .isEqualTo(
            new StripeObjectFields(
                1795985060L, "succeeded", null, null, "usd", 2000L, null, null, "ch_test_jenny"));
    assertThat(
            StripeObjectFields.extract(
                    ObjectType.REFUND, "{\"id\":\"re_1\",\"charge\":{\"id\":\"ch_9\"}}")
                .charge())
        .isEqualTo("ch_9");
  }

  @Test
  void productHasActive() throws IOException {
    assertThat(fieldsOf(ObjectType.PRODUCT, "product.json"))
        .isEqualTo(
            new StripeObjectFields(1795984927L, null, null, null, null, null, true, null, null));
  }

  @Test
  void priceHasProductActiveAndUnitAmountWhetherProductIsAnIdOrExpanded() throws IOException {
    StripeObjectFields expected =
        new StripeObjectFields(
            1795985000L, null, null, null, "usd", 2000L, true, "prod_test_pro", null);

    assertThat(fieldsOf(ObjectType.PRICE, "price.json")).isEqualTo(expected);
    assertThat(fieldsOf(ObjectType.PRICE, "price_expanded_product.json")).isEqualTo(expected);
  }

  @Test
  void legacyPlanIsReadAsAPriceWithItsAmount() throws IOException {
    assertThat(fieldsOf(ObjectType.PRICE, "plan_legacy.json"))
        .isEqualTo(
            new StripeObjectFields(
                1795984927L, null, null, null, "usd", 2000L, true, "prod_test_pro", null));
  }

  @Test
  void oddlyTypedFieldsAreLeftOutRatherThanFailing() {
    StripeObjectFields fields =
        StripeObjectFields.extract(
            ObjectType.CHARGE,
            "{\"id\":\"ch_1\",\"created\":\"yesterday\",\"status\":7,\"customer\":[1],"
                + "\"amount\":12.5,\"currency\":null}");

    assertThat(fields)
        .isEqualTo(new StripeObjectFields(null, null, null, null, null, null, null, null, null));
    assertThat(fields.sortKey("ch_1")).isEqualTo("000000000000#ch_1");
  }

  @Test
  void sortKeyIsCreatedZeroPaddedThenId() {
    assertThat(
            StripeObjectFields.extract(ObjectType.CUSTOMER, "{\"created\":1795984927}")
                .sortKey("cus_1"))
        .isEqualTo("001795984927#cus_1");
  }

  @Test
  void matchesComparesEveryFilter() throws IOException {
    StripeObjectFields fields = fieldsOf(ObjectType.PRICE, "price.json");

    assertThat(fields.matches(Map.of("product", "prod_test_pro", "active", "true"))).isTrue();
    assertThat(fields.matches(Map.of("product", "prod_test_pro", "active", "false"))).isFalse();
    assertThat(fields.matches(Map.of())).isTrue();
  }

  @Test
  void nonObjectJsonIsRejected() {
    assertThatThrownBy(() -> StripeObjectFields.extract(ObjectType.CUSTOMER, "[1]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a JSON object: a customer");
    assertThatThrownBy(() -> StripeObjectFields.extract(ObjectType.CUSTOMER, "{"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not JSON: a customer object");
  }
}
