package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.dynamodb.DynamoDbEventLedger;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbSyncStateStore;
import com.agentbilly.domain.Backoff;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.keys.KeyMetadata;
import com.agentbilly.domain.mirror.ListPage;
import com.agentbilly.domain.mirror.ListQuery;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.sync.OrgSync;
import com.agentbilly.testing.EventFixtures;
import com.agentbilly.testing.StripeSignatures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiResource.RequestMethod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * What the sync ITs share: localstripe seeded once per class with an account of the class's size,
 * the engine wired as the sync function wires it (with the org's real restricted sync key from the
 * vault), the layer's test controls, and what Stripe lists next to what the mirror holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SyncItSupport {

  protected static final Logger LOG = LoggerFactory.getLogger(SyncItSupport.class);
  protected static final ObjectMapper JSON = new ObjectMapper();
  protected static final Supplier<Duration> PLENTY = () -> Duration.ofMinutes(5);
  protected static final double RATE = 20;

  protected static JsonNode demoKeys;
  protected static DynamoDbClient dynamo;
  protected static KmsClient kms;
  protected static SecretsManagerClient secrets;
  protected static DynamoDbMirrorStore mirror;
  protected static DynamoDbSyncStateStore states;
  protected static StripeClient localStripe;
  protected static StripeClient syncKeyClient;

  protected final LocalStack stack;
  protected final ApiClient owner;

  protected final int customers;
  protected final int subscriptions;

  /** An account of {@code customers} customers, the first {@code subscriptions} subscribed. */
  SyncItSupport(LocalStack stack, int customers, int subscriptions) {
    this.stack = stack;
    this.owner = stack.api().as(LocalStack.OWNER);
    this.customers = customers;
    this.subscriptions = subscriptions;
  }

  @BeforeAll
  void seedStripe() throws Exception {
    demoKeys = JSON.readTree(Path.of(requiredEnv("STRIPE_LAYER_KEYS")).toFile());
    dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    kms = KmsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    secrets = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    mirror = new DynamoDbMirrorStore(dynamo, stack.info().table(), new byte[32], Clock.systemUTC());
    states = new DynamoDbSyncStateStore(dynamo, stack.info().table());
    localStripe =
        StripeClient.builder()
            .setApiKey(demoKeys.get("secret_key").asText())
            .setApiBase(requiredEnv("LOCALSTRIPE_URL"))
            .build();
    syncKeyClient =
        StripeClient.builder()
            .setApiKey(demoKeys.at("/keys/sync/key").asText())
            .setApiBase(requiredEnv("STRIPE_API_BASE"))
            .build();
    assertThat(http("DELETE", requiredEnv("LOCALSTRIPE_URL") + "/_config/data", null).statusCode())
        .isEqualTo(200);
    long started = System.nanoTime();
    seedAccount();
    LOG.info(
        "seeded localstripe in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  @AfterAll
  void close() {
    dynamo.close();
    kms.close();
    secrets.close();
  }

  /** No faults left over, and request counts of this test only (the key probes included). */
  @BeforeEach
  void resetLayer() throws Exception {
    layer("POST", "/_layer/reset", null);
  }

  // ---- the engine, wired as SyncBeans does, with a test's rate and backoff --------------------

  protected OrgSync orgSync(Backoff backoff) {
    return orgSync(RATE, backoff);
  }

  protected OrgSync orgSync(double rate, Backoff backoff) {
    return SyncEngine.orgSync(dynamo, kms, secrets, mirror, rate, backoff);
  }

  protected static Backoff fastBackoff() {
    return SyncEngine.fastBackoff();
  }

  protected static KeyMetadataStore onlyOrgs(KeyMetadataStore keys, OrgId... orgs) {
    return new KeyMetadataStore() {
      @Override
      public Optional<KeyMetadata> find(OrgId org, SecretPurpose purpose) {
        return keys.find(org, purpose);
      }

      @Override
      public List<KeyMetadata> list(OrgId org) {
        return keys.list(org);
      }

      @Override
      public void put(KeyMetadata metadata) {
        keys.put(metadata);
      }

      @Override
      public boolean delete(OrgId org, SecretPurpose purpose) {
        return keys.delete(org, purpose);
      }

      @Override
      public List<OrgId> orgsWithSyncKey() {
        return List.of(orgs);
      }
    };
  }

  // ---- what Stripe lists and what the mirror holds -------------------------------------------

  protected static Map<ObjectType, Long> sizes(Map<ObjectType, TreeSet<String>> lists) {
    Map<ObjectType, Long> sizes = new EnumMap<>(ObjectType.class);
    lists.forEach((type, ids) -> sizes.put(type, (long) ids.size()));
    return sizes;
  }

  protected static JsonNode mirrored(OrgId org, ObjectType type, String id) throws IOException {
    return JSON.readTree(mirror.get(org, type, id).orElseThrow().json());
  }

  protected DynamoDbEventLedger ledger() {
    return new DynamoDbEventLedger(dynamo, stack.info().table());
  }

  /** A succeeded, unrefunded charge of a customer with a subscription. */
  protected static JsonNode paidChargeWithSubscription() throws Exception {
    for (JsonNode charge : stripe(RequestMethod.GET, "/v1/charges?limit=100", null).get("data")) {
      if (charge.path("customer").isTextual()
          && !charge.path("refunded").asBoolean()
          && charge.path("amount_refunded").asLong() == 0
          && "succeeded".equals(charge.path("status").asText())) {
        return charge;
      }
    }
    throw new AssertionError("the seeded account has no paid, unrefunded charge");
  }

  /**
   * The recorded {@code /v1/events} pages {@code <name>.page-<n>.json}, with the recorded ids
   * replaced by this account's and the events' times moved to just after now (newest first, as
   * recorded), so that they are newer than the backfill's snapshots.
   */
  protected static List<JsonNode> recordedPages(String name, Map<String, String> ids)
      throws IOException {
    Path folder = EventFixtures.path("stripe/pages");
    List<JsonNode> pages = new ArrayList<>();
    for (int n = 1; Files.exists(folder.resolve(name + ".page-" + n + ".json")); n++) {
      String text = Files.readString(folder.resolve(name + ".page-" + n + ".json"));
      for (Map.Entry<String, String> id : ids.entrySet()) {
        text = text.replace("\"" + id.getKey() + "\"", "\"" + id.getValue() + "\"");
      }
      pages.add(JSON.readTree(text));
    }
    assertThat(pages).as("recorded pages %s", name).hasSizeGreaterThan(1);
    long oldest = Long.MAX_VALUE;
    for (JsonNode page : pages) {
      for (JsonNode event : page.get("data")) {
        oldest = Math.min(oldest, event.get("created").asLong());
      }
    }
    long shift = Instant.now().getEpochSecond() + 1 - oldest;
    for (JsonNode page : pages) {
      for (JsonNode event : page.get("data")) {
        ((ObjectNode) event).put("created", event.get("created").asLong() + shift);
      }
    }
    return pages;
  }

  /** Delivers {@code event} to the org's webhook endpoint, signed, as Stripe would. */
  protected void deliverByWebhook(OrgId org, JsonNode event) throws Exception {
    String secret = "whsec_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
    ApiResponse configured =
        owner.put("/orgs/" + org.value() + "/webhook-secret", Map.of("secret", secret));
    assertThat(configured.status()).as(configured.body()).isEqualTo(200);
    String payload = JSON.writeValueAsString(event);
    ApiResponse delivered =
        stack
            .functionUrl()
            .withHeader(
                "Stripe-Signature",
                StripeSignatures.of(payload).secret(secret).at(Instant.now()).header())
            .post("/orgs/" + org.value(), payload);
    assertThat(delivered.status()).as(delivered.body()).isEqualTo(200);
  }

  /** Every id Stripe lists now, per type, through the layer with the sync key. */
  protected static Map<ObjectType, TreeSet<String>> stripeLists() throws Exception {
    Map<ObjectType, TreeSet<String>> lists = new EnumMap<>(ObjectType.class);
    for (ObjectType type : OrgSync.BACKFILL_ORDER) {
      TreeSet<String> ids = new TreeSet<>();
      String after = null;
      boolean more = true;
      while (more) {
        String path =
            type.stripePath()
                + "?limit=100"
                + (type == ObjectType.SUBSCRIPTION ? "&status=all" : "")
                + (after == null ? "" : "&starting_after=" + after);
        JsonNode page =
            JSON.readTree(syncKeyClient.rawRequest(RequestMethod.GET, path, null).body());
        for (JsonNode object : page.get("data")) {
          after = object.get("id").asText();
          assertThat(ids.add(after)).as("%s listed twice", after).isTrue();
        }
        more = page.get("has_more").asBoolean() && !page.get("data").isEmpty();
      }
      lists.put(type, ids);
    }
    return lists;
  }

  /** Every id the mirror holds for the org, per type; tombstones only when asked. */
  protected static Map<ObjectType, TreeSet<String>> mirrorLists(OrgId org, boolean withTombstones) {
    Map<ObjectType, TreeSet<String>> lists = new EnumMap<>(ObjectType.class);
    for (ObjectType type : OrgSync.BACKFILL_ORDER) {
      TreeSet<String> ids = new TreeSet<>();
      String cursor = null;
      do {
        ListPage page =
            mirror.list(org, new ListQuery(type, Map.of(), withTombstones, 100, cursor));
        page.items().forEach(item -> ids.add(item.id()));
        cursor = page.nextCursor();
      } while (cursor != null);
      lists.put(type, ids);
    }
    return lists;
  }

  // ---- the seeded account ---------------------------------------------------------------------

  /**
   * 3 products with a monthly and a yearly plan each, {@link #customers} customers, {@link
   * #subscriptions} of them subscribed (each with its invoice and charge; one in eight
   * subscriptions cancelled), 3 refunds: several pages of every large type.
   */
  protected void seedAccount() throws Exception {
    List<String> plans = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      String product =
          stripe(RequestMethod.POST, "/v1/products", "name=Sync+IT+" + p + "&type=service")
              .get("id")
              .asText();
      for (String interval : List.of("month", "year")) {
        plans.add(
            stripe(
                    RequestMethod.POST,
                    "/v1/plans",
                    "product="
                        + product
                        + "&amount="
                        + (1000 + p * 500)
                        + "&currency=usd&interval="
                        + interval)
                .get("id")
                .asText());
      }
    }
    for (int c = 0; c < customers; c++) {
      String email = "email=sync-it-" + c + "%40example.com";
      if (c >= subscriptions) {
        stripe(RequestMethod.POST, "/v1/customers", email);
      } else {
        String token =
            stripe(
                    RequestMethod.POST,
                    "/v1/tokens",
                    "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123")
                .get("id")
                .asText();
        String customer =
            stripe(RequestMethod.POST, "/v1/customers", email + "&source=" + token)
                .get("id")
                .asText();
        String subscription =
            stripe(
                    RequestMethod.POST,
                    "/v1/subscriptions",
                    "customer=" + customer + "&items[0][plan]=" + plans.get(c % plans.size()))
                .get("id")
                .asText();
        if (c % 8 == 0) {
          stripe(RequestMethod.DELETE, "/v1/subscriptions/" + subscription, null);
        }
      }
    }
    JsonNode charges = stripe(RequestMethod.GET, "/v1/charges?limit=3", null).get("data");
    for (JsonNode charge : charges) {
      stripe(RequestMethod.POST, "/v1/refunds", "charge=" + charge.get("id").asText());
    }
  }

  protected static String createCustomer(String email) throws Exception {
    return stripe(RequestMethod.POST, "/v1/customers", "email=" + email.replace("@", "%40"))
        .get("id")
        .asText();
  }

  protected static JsonNode stripe(RequestMethod method, String path, String form)
      throws StripeException, IOException {
    return JSON.readTree(localStripe.rawRequest(method, path, form).body());
  }

  protected OrgId newOrgWithSyncKey(String name) {
    ApiResponse created = owner.post("/orgs", Map.of("name", name, "mode", "test"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String org = created.json().get("org_id").asText();
    ApiResponse connected =
        owner.put(
            "/orgs/" + org + "/keys/sync", Map.of("key", demoKeys.at("/keys/sync/key").asText()));
    assertThat(connected.status()).as(connected.body()).isEqualTo(200);
    return new OrgId(org);
  }

  /** A request to the Stripe permission layer's own controls ({@code /_layer/…}). */
  protected static HttpResponse<String> layer(String method, String path, String json)
      throws IOException, InterruptedException {
    HttpResponse<String> response = http(method, requiredEnv("STRIPE_API_BASE") + path, json);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response;
  }

  protected static HttpResponse<String> http(String method, String url, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  protected static String requiredEnv(String name) {
    String value = System.getenv(name);
    assertThat(value).as("environment variable %s (set by make test)", name).isNotBlank();
    return value;
  }
}
