package com.agentbilly.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiResource.RequestMethod;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the local Stripe with a small but realistic account for {@code make dev}: products with
 * monthly and yearly plans in two currencies, a few dozen customers, subscriptions that are active,
 * past due, on a trial and cancelled, paid and open invoices with their charges, declined charges
 * and refunds. The local Stripe starts empty on every {@code make dev}, so this runs once per
 * stack.
 *
 * <p>localstripe never reports {@code trialing}: a subscription created with a trial gets no
 * invoice and stays {@code incomplete} (its constructor starts every subscription {@code
 * incomplete}, and only a paid invoice makes it {@code active}), so the demo's trial subscriptions
 * show as {@code incomplete} with their {@code trial_period_days}.
 */
final class DemoAccountSeeder {

  private static final Logger LOG = LoggerFactory.getLogger(DemoAccountSeeder.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CUSTOMERS = 36;
  private static final String VISA = "4242424242424242";
  private static final String ATTACHES_BUT_DECLINES = "4000000000000341";

  private final StripeClient stripe;

  /**
   * @param secretKey the local Stripe's full secret key
   */
  DemoAccountSeeder(String apiBase, String secretKey) {
    this.stripe = StripeClient.builder().setApiKey(secretKey).setApiBase(apiBase).build();
  }

  void seed() throws StripeException {
    List<String> plans = new ArrayList<>();
    String[][] catalogue = {
      {"Starter", "usd", "1900"}, {"Pro", "usd", "4900"}, {"Team", "eur", "9900"}
    };
    for (String[] product : catalogue) {
      String id = post("/v1/products", "name=" + product[0] + "&type=service").get("id").asText();
      plans.add(plan(id, product[1], product[2], "month"));
      plans.add(plan(id, product[1], Integer.toString(Integer.parseInt(product[2]) * 10), "year"));
    }
    List<String> charged = new ArrayList<>();
    for (int c = 0; c < CUSTOMERS; c++) {
      String email = "email=customer" + c + "%40demo-shop.test&name=Demo+Customer+" + c;
      if (c % 6 == 5) {
        post("/v1/customers", email);
        continue;
      }
      String customer =
          post("/v1/customers", email + "&source=" + cardToken(VISA)).get("id").asText();
      String trial = c % 6 == 4 ? "&trial_period_days=14" : "";
      JsonNode subscription =
          post(
              "/v1/subscriptions",
              "customer="
                  + customer
                  + "&items[0][plan]="
                  + plans.get((c + c / 6) % plans.size())
                  + trial);
      if (c % 6 == 3) {
        stripe.rawRequest(
            RequestMethod.DELETE, "/v1/subscriptions/" + subscription.get("id").asText(), null);
      }
    }
    for (JsonNode charge : get("/v1/charges?limit=2").get("data")) {
      charged.add(charge.get("id").asText());
    }
    for (String charge : charged) {
      post("/v1/refunds", "charge=" + charge);
    }
    declinedCharge();
    pastDue(plans.get(2), plans.get(3), "pastdue-usd");
    pastDue(plans.get(4), plans.get(5), "pastdue-eur");
    LOG.info("Seeded the local Stripe with a demo account of {} customers", CUSTOMERS);
  }

  private String plan(String product, String currency, String amount, String interval)
      throws StripeException {
    return post(
            "/v1/plans",
            "product="
                + product
                + "&currency="
                + currency
                + "&amount="
                + amount
                + "&interval="
                + interval)
        .get("id")
        .asText();
  }

  private String cardToken(String number) throws StripeException {
    return post(
            "/v1/tokens",
            "card[number]=" + number + "&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123")
        .get("id")
        .asText();
  }

  /**
   * A charge on a card that attaches but is declined when charged (Stripe's test card
   * 4000000000000341): Stripe keeps it as a failed charge.
   */
  private void declinedCharge() throws StripeException {
    String customer =
        post(
                "/v1/customers",
                "email=declined%40demo-shop.test&name=Declined+Card&source="
                    + cardToken(ATTACHES_BUT_DECLINES))
            .get("id")
            .asText();
    try {
      post("/v1/charges", "amount=2500&currency=eur&customer=" + customer);
    } catch (StripeException declined) {
      LOG.info("The demo account's declined charge was refused, as intended");
    }
  }

  /**
   * A subscription that falls past due with an open invoice, the way localstripe can make one: it
   * starts active on {@code monthly}, the customer's default card becomes one that declines, and a
   * move to {@code yearly} (another interval, so localstripe invoices it at once) fails to charge.
   */
  private void pastDue(String monthly, String yearly, String name) throws StripeException {
    String customer =
        post(
                "/v1/customers",
                "email=" + name + "%40demo-shop.test&name=Past+Due&source=" + cardToken(VISA))
            .get("id")
            .asText();
    JsonNode subscription =
        post("/v1/subscriptions", "customer=" + customer + "&items[0][plan]=" + monthly);
    String declining =
        post("/v1/customers/" + customer + "/sources", "source=" + cardToken(ATTACHES_BUT_DECLINES))
            .get("id")
            .asText();
    post("/v1/customers/" + customer, "default_source=" + declining);
    JsonNode moved =
        post(
            "/v1/subscriptions/" + subscription.get("id").asText(),
            "items[0][id]="
                + subscription.at("/items/data/0/id").asText()
                + "&items[0][plan]="
                + yearly);
    if (!"past_due".equals(moved.path("status").asText())) {
      throw new IllegalStateException(
          "the local Stripe left the demo's past-due subscription "
              + moved.path("status").asText());
    }
  }

  private JsonNode post(String path, String form) throws StripeException {
    return parse(stripe.rawRequest(RequestMethod.POST, path, form).body());
  }

  private JsonNode get(String path) throws StripeException {
    return parse(stripe.rawRequest(RequestMethod.GET, path, null).body());
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the local Stripe answered with a body that is not JSON", e);
    }
  }
}
