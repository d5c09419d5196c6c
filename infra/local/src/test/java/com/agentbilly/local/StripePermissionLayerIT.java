package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.PermissionException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.Price;
import com.stripe.model.Product;
import com.stripe.param.ChargeListParams;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerListParams;
import com.stripe.param.PlanCreateParams;
import com.stripe.param.PriceListParams;
import com.stripe.param.ProductCreateParams;
import com.stripe.param.SubscriptionListParams;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local Stripe permission layer (infra/stripe/permission_layer.py) seen through stripe-java:
 * restricted demo keys are refused exactly as Stripe refuses them, allowed calls reach localstripe,
 * prices are served from plans, and the test controls under {@code /_layer/} work.
 */
class StripePermissionLayerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String STACK_HINT =
      " is not set: run `make test`, which starts the local stack (or infra/bin/stack-up test"
          + " and eval \"$(infra/bin/stack-env test)\")";

  private static String apiBase;
  private static String localStripeUrl;
  private static JsonNode keyConfig;
  private static final Map<String, StripeClient> CLIENTS = new HashMap<>();

  @BeforeAll
  static void findLocalStack() throws IOException {
    apiBase = requiredEnv("STRIPE_API_BASE");
    localStripeUrl = requiredEnv("LOCALSTRIPE_URL");
    keyConfig = JSON.readTree(Path.of(requiredEnv("STRIPE_LAYER_KEYS")).toFile());
  }

  @BeforeEach
  void resetLayer() throws Exception {
    assertThat(layer("POST", "/_layer/reset", null).statusCode()).isEqualTo(200);
  }

  @Test
  void viewerKeyListsWhatLocalStripeHolds() throws StripeException {
    String email = uniqueEmail();
    Customer created =
        secretClient()
            .v1()
            .customers()
            .create(CustomerCreateParams.builder().setEmail(email).build());

    List<Customer> listed =
        client("viewer")
            .v1()
            .customers()
            .list(CustomerListParams.builder().setEmail(email).build())
            .getData();

    assertThat(listed).extracting(Customer::getId).containsExactly(created.getId());
    assertThat(listed.get(0).getEmail()).isEqualTo(email);
  }

  @Test
  void viewerKeyCannotCreateCustomerAndNothingIsCreated() throws StripeException {
    String email = uniqueEmail();

    assertThatThrownBy(
            () ->
                client("viewer")
                    .v1()
                    .customers()
                    .create(CustomerCreateParams.builder().setEmail(email).build()))
        .isInstanceOfSatisfying(
            PermissionException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(403);
              assertThat(e.getStripeError().getMessage())
                  .isEqualTo(
                      "The provided key '"
                          + redacted(key("viewer"))
                          + "' does not have the required permissions for this endpoint on"
                          + " account 'acct_1BillyDemo00000001'. Having the 'rak_customer_write'"
                          + " permission would allow this request to continue.");
            });
    assertThat(customersInLocalStripe(email)).isEmpty();
  }

  @Test
  void foreignKeyRefusalNamesTheOtherAccount() {
    String foreignAccount = keyConfig.at("/keys/foreign/account").asText();
    assertThat(foreignAccount).isNotEqualTo(keyConfig.at("/keys/viewer/account").asText());

    assertThatThrownBy(
            () ->
                client("foreign")
                    .v1()
                    .customers()
                    .create(CustomerCreateParams.builder().setEmail(uniqueEmail()).build()))
        .isInstanceOfSatisfying(
            PermissionException.class,
            e ->
                assertThat(e.getStripeError().getMessage())
                    .contains("on account '" + foreignAccount + "'")
                    .contains("'rak_customer_write'"));
  }

  @Test
  void underscopedKeyCannotReadCharges() {
    assertThatThrownBy(
            () ->
                client("underscoped")
                    .v1()
                    .charges()
                    .list(ChargeListParams.builder().setLimit(1L).build()))
        .isInstanceOfSatisfying(
            PermissionException.class,
            e ->
                assertThat(e.getStripeError().getMessage())
                    .contains("Having the 'rak_charge_read' permission"));
  }

  @Test
  void unknownRestrictedKeyIsUnauthenticatedAndNotEchoed() {
    String unknownKey = "rk_test_unknown_" + UUID.randomUUID().toString().replace("-", "");

    assertThatThrownBy(() -> clientFor(unknownKey).v1().customers().list())
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(401);
              assertThat(e.getStripeError().getMessage())
                  .isEqualTo("Invalid API Key provided: " + redacted(unknownKey))
                  .doesNotContain(unknownKey);
            });
  }

  @Test
  void secretKeyHasFullAccess() throws StripeException {
    StripeClient secret = secretClient();
    String email = uniqueEmail();

    Product product =
        secret.v1().products().create(ProductCreateParams.builder().setName("Full access").build());
    Customer customer =
        secret.v1().customers().create(CustomerCreateParams.builder().setEmail(email).build());

    assertThat(secret.v1().products().retrieve(product.getId()).getName()).isEqualTo("Full access");
    assertThat(secret.v1().customers().retrieve(customer.getId()).getEmail()).isEqualTo(email);
    assertThat(customersInLocalStripe(email)).containsExactly(customer.getId());
  }

  @Test
  void managerKeyReadsSubscriptionsThroughItsWritePermission() throws StripeException {
    StripeClient manager = client("manager");

    assertThat(
            manager
                .v1()
                .subscriptions()
                .list(SubscriptionListParams.builder().setLimit(1L).build())
                .getObject())
        .isEqualTo("list");
    assertThatThrownBy(() -> manager.v1().customers().list())
        .isInstanceOfSatisfying(
            PermissionException.class,
            e ->
                assertThat(e.getStripeError().getMessage())
                    .contains("Having the 'rak_customer_read' permission"));
  }

  @Test
  void pricesAreServedFromPlans() throws StripeException {
    StripeClient secret = secretClient();
    Product product =
        secret.v1().products().create(ProductCreateParams.builder().setName("Pro").build());
    String planId =
        secret
            .v1()
            .plans()
            .create(
                PlanCreateParams.builder()
                    .setProduct(product.getId())
                    .setAmount(4200L)
                    .setCurrency("usd")
                    .setInterval(PlanCreateParams.Interval.MONTH)
                    .build())
            .getId();

    List<Price> prices =
        client("sync")
            .v1()
            .prices()
            .list(PriceListParams.builder().setProduct(product.getId()).build())
            .getData();

    assertThat(prices).hasSize(1);
    Price price = prices.get(0);
    assertThat(price.getId()).isEqualTo(planId);
    assertThat(price.getProduct()).isEqualTo(product.getId());
    assertThat(price.getUnitAmount()).isEqualTo(4200L);
    assertThat(price.getCurrency()).isEqualTo("usd");
    assertThat(price.getType()).isEqualTo("recurring");
    assertThat(price.getRecurring().getInterval()).isEqualTo("month");
  }

  @Test
  void rateLimitFaultFailsTheNextCallThenClears() throws Exception {
    HttpResponse<String> armed =
        layer(
            "POST",
            "/_layer/faults",
            "{\"status\": 429, \"count\": 1, \"path_prefix\": \"/v1/customers\"}");
    assertThat(armed.statusCode()).isEqualTo(200);
    StripeClient viewer = client("viewer");

    assertThatThrownBy(() -> viewer.v1().customers().list())
        .isInstanceOfSatisfying(
            RateLimitException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(429);
              assertThat(e.getCode()).isEqualTo("rate_limit");
            });
    assertThat(viewer.v1().customers().list().getObject()).isEqualTo("list");
  }

  @Test
  void statsCountRequestsPerKeyAndPath() throws Exception {
    client("viewer").v1().customers().list();
    client("viewer").v1().customers().list();
    client("sync").v1().prices().list();

    JsonNode stats = JSON.readTree(layer("GET", "/_layer/stats", null).body());

    assertThat(stats.get("total").asInt()).isEqualTo(3);
    assertThat(stats.at("/per_key/viewer").asInt()).isEqualTo(2);
    assertThat(stats.at("/per_key/sync").asInt()).isEqualTo(1);
    assertThat(stats.at("/per_path/~1v1~1customers").asInt()).isEqualTo(2);
    assertThat(stats.at("/per_path/~1v1~1prices").asInt()).isEqualTo(1);
    int perSecondSum = 0;
    for (JsonNode count : stats.get("per_second")) {
      perSecondSum += count.asInt();
    }
    assertThat(perSecondSum).isEqualTo(3);
    assertThat(stats.get("max_per_second").asInt()).isBetween(1, 3);
  }

  private static String requiredEnv(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(name + STACK_HINT);
    }
    return value;
  }

  private static String key(String purpose) {
    return keyConfig.at("/keys/" + purpose + "/key").asText();
  }

  private static StripeClient client(String purpose) {
    return clientFor(key(purpose));
  }

  private static StripeClient secretClient() {
    return clientFor(keyConfig.get("secret_key").asText());
  }

  private static StripeClient clientFor(String apiKey) {
    return CLIENTS.computeIfAbsent(apiKey, k -> clientAt(apiBase, k));
  }

  private static StripeClient clientAt(String base, String apiKey) {
    return StripeClient.builder()
        .setApiKey(apiKey)
        .setApiBase(base)
        .setMaxNetworkRetries(0)
        .setConnectTimeout(5_000)
        .setReadTimeout(20_000)
        .build();
  }

  /** Customers with this email in localstripe itself, asked past the layer. */
  private static List<String> customersInLocalStripe(String email) throws StripeException {
    return clientAt(localStripeUrl, keyConfig.get("secret_key").asText())
        .v1()
        .customers()
        .list(CustomerListParams.builder().setEmail(email).build())
        .getData()
        .stream()
        .map(Customer::getId)
        .toList();
  }

  /** Stripe's redaction of a key in its messages: prefix, one '*' per hidden char, last 4. */
  private static String redacted(String apiKey) {
    return "rk_test_"
        + "*".repeat(apiKey.length() - "rk_test_".length() - 4)
        + apiKey.substring(apiKey.length() - 4);
  }

  private static String uniqueEmail() {
    return "layer-it-" + UUID.randomUUID() + "@demo.test";
  }

  private static HttpResponse<String> layer(String method, String path, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiBase + path));
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
