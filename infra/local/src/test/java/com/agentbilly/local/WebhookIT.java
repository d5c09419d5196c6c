package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.agentbilly.adapter.dynamodb.DynamoDbEventLedger;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.testing.StripeSignatures;
import com.agentbilly.testing.WebhookRequests;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiResource.RequestMethod;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Webhooks end to end: objects created in localstripe reach the mirror through localstripe's signed
 * webhook → the dev gateway's function URL → the webhook function → DynamoDB. localstripe sends its
 * events about a second after each change, all in the same second, so same-second ties are the rule
 * here and are resolved by re-fetching with the org's sync key through the permission layer.
 */
@WithLocalStack
class WebhookIT {

  /** One registration id, so runs replace their registration instead of piling up. */
  private static final String REGISTRATION = "agent-billy-webhook-it";

  private static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension final CapturedLogs logs = new CapturedLogs();

  private static JsonNode demoKeys;
  private static DynamoDbClient dynamo;
  private static DynamoDbMirrorStore mirror;
  private static DynamoDbEventLedger ledger;
  private static StripeClient localStripe;

  private final LocalStack stack;
  private final ApiClient owner;

  WebhookIT(LocalStack stack) {
    this.stack = stack;
    this.owner = stack.api().as(LocalStack.OWNER);
  }

  @BeforeAll
  static void connect(LocalStack stack) throws IOException {
    demoKeys = JSON.readTree(Path.of(requiredEnv("STRIPE_LAYER_KEYS")).toFile());
    dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    mirror = new DynamoDbMirrorStore(dynamo, stack.info().table(), new byte[32], Clock.systemUTC());
    ledger = new DynamoDbEventLedger(dynamo, stack.info().table());
    localStripe =
        StripeClient.builder()
            .setApiKey(demoKeys.get("secret_key").asText())
            .setApiBase(requiredEnv("LOCALSTRIPE_URL"))
            .build();
  }

  @AfterAll
  static void unregister() throws IOException, InterruptedException {
    // localstripe cannot delete a webhook: narrow this one to an event type nobody sends.
    registerWebhook(
        "http://127.0.0.1:9/unregistered", "whsec_unregistered", "agent_billy.unregistered");
    dynamo.close();
  }

  @Test
  void objectsCreatedInLocalStripeReachTheMirrorAndADeletedCustomerBecomesATombstone()
      throws Exception {
    OrgId org = newOrgWithSyncKey();
    String secret = "whsec_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
    ApiResponse configured =
        owner.put("/orgs/" + org + "/webhook-secret", Map.of("secret", secret));
    assertThat(configured.status()).as(configured.body()).isEqualTo(200);
    String url = configured.json().path("url").asText(stack.webhookUri() + "/orgs/" + org);
    assertThat(URI.create(url)).isEqualTo(stack.webhookUri().resolve("/orgs/" + org.value()));
    registerWebhook(url, secret, null);

    Subscribed created = subscribe("webhook-it@example.com", 2000);
    JsonNode product = created.product();
    JsonNode plan = created.plan();
    String customerId = created.customer().get("id").asText();
    String subscriptionId = created.subscription().get("id").asText();

    MirrorItem mirroredCustomer =
        awaitMirrored(org, ObjectType.CUSTOMER, customerId, item -> !item.deleted());
    MirrorItem mirroredSubscription =
        awaitMirrored(org, ObjectType.SUBSCRIPTION, subscriptionId, item -> true);
    MirrorItem mirroredPlan =
        awaitMirrored(org, ObjectType.PRICE, plan.get("id").asText(), item -> true);
    awaitMirrored(org, ObjectType.PRODUCT, product.get("id").asText(), item -> true);

    assertThat(JSON.readTree(mirroredCustomer.json()).get("email").asText())
        .isEqualTo("webhook-it@example.com");
    assertThat(JSON.readTree(mirroredSubscription.json()).get("customer").asText())
        .isEqualTo(customerId);
    assertThat(JSON.readTree(mirroredSubscription.json()).get("status").asText())
        .isEqualTo("active");
    assertThat(JSON.readTree(mirroredPlan.json()).get("amount").asInt()).isEqualTo(2000);

    localStripe.rawRequest(RequestMethod.DELETE, "/v1/customers/" + customerId, null);

    MirrorItem tombstone = awaitMirrored(org, ObjectType.CUSTOMER, customerId, MirrorItem::deleted);
    assertThat(tombstone.deleted()).isTrue();
    assertThat(JSON.readTree(tombstone.json()).get("email").asText())
        .isEqualTo("webhook-it@example.com");
    assertThat(tombstone.snapshot()).isAfterOrEqualTo(mirroredCustomer.snapshot());
    assertThat(logs.text()).doesNotContain(secret).doesNotContain("v1=");
  }

  @Test
  void aSubscriptionEventNamingItsDiscountsByIdIsReadAgainWithTheSyncKeyBeforeItIsMirrored()
      throws Exception {
    OrgId org = newOrgWithSyncKey();
    String secret = "whsec_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
    assertThat(owner.put("/orgs/" + org + "/webhook-secret", Map.of("secret", secret)).status())
        .isEqualTo(200);
    String subscriptionId =
        subscribe("coupons-it@example.com", 3000).subscription().get("id").asText();
    // The event's payload as Stripe sends it: the discount only by its id.
    ObjectNode payload =
        (ObjectNode)
            JSON.readTree(
                localStripe
                    .rawRequest(RequestMethod.GET, "/v1/subscriptions/" + subscriptionId, null)
                    .body());
    payload.putArray("discounts").add("di_test_webhook_it");
    long created = Instant.now().getEpochSecond() - 30;
    String event =
        WebhookRequests.event(
            "evt_test_coupons_" + subscriptionId,
            "customer.subscription.updated",
            created,
            false,
            payload.toString());

    ApiResponse delivered =
        stack
            .functionUrl()
            .withHeader(
                "Stripe-Signature",
                StripeSignatures.of(event).secret(secret).at(Instant.now()).header())
            .post("/orgs/" + org, event);

    assertThat(delivered.status()).as(delivered.body()).isEqualTo(200);
    MirrorItem mirrored = mirror.get(org, ObjectType.SUBSCRIPTION, subscriptionId).orElseThrow();
    assertThat(mirrored.snapshot())
        .as("read again after the event, not the event's own snapshot")
        .isAfter(Instant.ofEpochSecond(created));
    assertThat(JSON.readTree(mirrored.json()).get("discounts"))
        .as("the subscription as Stripe (here: the layer over localstripe) has it now")
        .isEqualTo(JSON.readTree("[]"));
    assertThat(logs.text()).doesNotContain(secret);
  }

  @Test
  void aDeliveryForAnOrgWithoutWebhookSecretIsNotFoundOnTheFunctionUrl() {
    OrgId org = newOrgWithSyncKey();

    ApiResponse response =
        stack
            .functionUrl()
            .withHeader("Stripe-Signature", "t=" + Instant.now().getEpochSecond() + ",v1=00")
            .post("/orgs/" + org, Map.of("id", "evt_test_1"));

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("not_found");
    assertThat(ledger.contains(org, "evt_test_1")).isFalse();
  }

  @Test
  void aSignedEventWhoseObjectIdIsPastDynamoDbsKeyLimitIsRejectedWith400NotRetriedAs500() {
    OrgId org = newOrgWithSyncKey();
    String secret = "whsec_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
    assertThat(owner.put("/orgs/" + org + "/webhook-secret", Map.of("secret", secret)).status())
        .isEqualTo(200);
    String objectId = "cus_" + "x".repeat(1100); // a sort key may hold at most 1024 bytes
    String event =
        WebhookRequests.event(
            "evt_test_long_object_id",
            "customer.created",
            Instant.now().getEpochSecond(),
            false,
            "{\"id\":\"" + objectId + "\",\"object\":\"customer\",\"livemode\":false}");

    ApiResponse delivered =
        stack
            .functionUrl()
            .withHeader(
                "Stripe-Signature",
                StripeSignatures.of(event).secret(secret).at(Instant.now()).header())
            .post("/orgs/" + org, event);

    assertThat(delivered.status()).as(delivered.body()).isEqualTo(400);
    assertThat(delivered.json().at("/error/code").asText()).isEqualTo("invalid_request");
    assertThat(ledger.contains(org, "evt_test_long_object_id")).isFalse();
    assertThat(logs.jsonLinesWithMessage("webhook request"))
        .extracting(line -> line.path("Outcome").asText(), line -> line.path("reason").asText())
        .containsExactly(tuple("rejected", "invalid_request"));
  }

  private OrgId newOrgWithSyncKey() {
    ApiResponse created = owner.post("/orgs", Map.of("name", "Webhook IT", "mode", "test"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String org = created.json().get("org_id").asText();
    ApiResponse connected =
        owner.put(
            "/orgs/" + org + "/keys/sync", Map.of("key", demoKeys.at("/keys/sync/key").asText()));
    assertThat(connected.status()).as(connected.body()).isEqualTo(200);
    return new OrgId(org);
  }

  private static MirrorItem awaitMirrored(
      OrgId org, ObjectType type, String id, Predicate<MirrorItem> condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(DELIVERY_DEADLINE);
    Optional<MirrorItem> item = mirror.get(org, type, id);
    while (item.filter(condition).isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      item = mirror.get(org, type, id);
    }
    assertThat(item)
        .as("%s %s in the mirror within %s", type, id, DELIVERY_DEADLINE)
        .hasValueSatisfying(i -> assertThat(condition.test(i)).isTrue());
    return item.orElseThrow();
  }

  /** What {@link #subscribe} made in localstripe. */
  private record Subscribed(
      JsonNode product, JsonNode plan, JsonNode customer, JsonNode subscription) {}

  /** A product, its monthly plan of {@code amount} cents, a customer with a card, subscribed. */
  private static Subscribed subscribe(String email, int amount)
      throws StripeException, IOException {
    JsonNode product = stripe("/v1/products", "name=Webhook+IT+Pro&type=service");
    JsonNode plan =
        stripe(
            "/v1/plans",
            "product="
                + product.get("id").asText()
                + "&amount="
                + amount
                + "&currency=usd&interval=month&nickname=Pro+monthly");
    JsonNode token =
        stripe(
            "/v1/tokens",
            "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123");
    JsonNode customer =
        stripe(
            "/v1/customers",
            "email="
                + URLEncoder.encode(email, StandardCharsets.UTF_8)
                + "&name=Webhook+IT&source="
                + token.get("id").asText());
    JsonNode subscription =
        stripe(
            "/v1/subscriptions",
            "customer="
                + customer.get("id").asText()
                + "&items[0][plan]="
                + plan.get("id").asText());
    return new Subscribed(product, plan, customer, subscription);
  }

  private static JsonNode stripe(String path, String form) throws StripeException, IOException {
    return JSON.readTree(localStripe.rawRequest(RequestMethod.POST, path, form).body());
  }

  /** localstripe's own endpoint registration; {@code onlyEvent} null sends every event. */
  private static void registerWebhook(String url, String secret, String onlyEvent)
      throws IOException, InterruptedException {
    String form =
        "url="
            + URLEncoder.encode(url, StandardCharsets.UTF_8)
            + "&secret="
            + URLEncoder.encode(secret, StandardCharsets.UTF_8)
            + (onlyEvent == null ? "" : "&events[]=" + onlyEvent);
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        requiredEnv("LOCALSTRIPE_URL") + "/_config/webhooks/" + REGISTRATION))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static String requiredEnv(String name) {
    String value = System.getenv(name);
    assertThat(value).as("%s (set by make test)", name).isNotBlank();
    return value;
  }
}
