package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.aws.KmsSecretsManagerKeyVault;
import com.agentbilly.adapter.dynamodb.DynamoDbEventLedger;
import com.agentbilly.adapter.dynamodb.DynamoDbKeyMetadataStore;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbSyncLease;
import com.agentbilly.adapter.dynamodb.DynamoDbSyncStateStore;
import com.agentbilly.adapter.stripe.StripeApiObjectFetcher;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.keys.KeyMetadata;
import com.agentbilly.domain.mirror.ListPage;
import com.agentbilly.domain.mirror.ListQuery;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.sync.SyncState;
import com.agentbilly.domain.sync.SyncStatus;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.sync.Backoff;
import com.agentbilly.sync.OrgSync;
import com.agentbilly.sync.RateLimiter;
import com.agentbilly.sync.RetryingStripeReader;
import com.agentbilly.sync.Sleeper;
import com.agentbilly.sync.StripeReader;
import com.agentbilly.sync.SyncRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiResource.RequestMethod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The sync engine against localstripe behind the permission layer, with the org's real (restricted)
 * sync key from the vault: a backfill of an account of several pages per type, a run interrupted by
 * its deadline and resumed, catch-up through {@code /v1/events}, a 429 storm and a permanent 500
 * injected through the layer.
 */
@WithLocalStack
class SyncIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Supplier<Duration> PLENTY = () -> Duration.ofMinutes(5);
  private static final double RATE = 20;
  private static final int CUSTOMERS = 230;
  private static final int SUBSCRIPTIONS = 40;

  private static JsonNode demoKeys;
  private static DynamoDbClient dynamo;
  private static KmsClient kms;
  private static SecretsManagerClient secrets;
  private static DynamoDbMirrorStore mirror;
  private static DynamoDbSyncStateStore states;
  private static StripeClient localStripe;
  private static StripeClient syncKeyClient;

  private final LocalStack stack;
  private final ApiClient owner;

  SyncIT(LocalStack stack) {
    this.stack = stack;
    this.owner = stack.api().as(LocalStack.OWNER);
  }

  @BeforeAll
  static void seedStripe(LocalStack stack) throws Exception {
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
    seedAccount();
  }

  @AfterAll
  static void close() {
    dynamo.close();
    kms.close();
    secrets.close();
  }

  /** No faults left over, and request counts of this test only (the key probes included). */
  @BeforeEach
  void resetLayer() throws Exception {
    layer("POST", "/_layer/reset", null);
  }

  @Test
  void aBackfillLeavesTheMirrorHoldingExactlyTheObjectsStripeListsPerType() throws Exception {
    OrgId org = newOrgWithSyncKey("Sync IT backfill");
    layer("POST", "/_layer/reset", null);

    OrgSync.Outcome outcome = orgSync(Backoff.standard()).run(org, PLENTY);

    assertThat(outcome).isEqualTo(OrgSync.Outcome.COMPLETED);
    Map<ObjectType, TreeSet<String>> listed = stripeLists();
    assertThat(listed.get(ObjectType.CUSTOMER)).hasSize(CUSTOMERS);
    assertThat(listed.get(ObjectType.SUBSCRIPTION)).hasSize(SUBSCRIPTIONS);
    assertThat(listed.get(ObjectType.PRICE)).hasSize(6);
    assertThat(listed.get(ObjectType.REFUND)).hasSize(3);
    assertThat(mirrorLists(org, false)).isEqualTo(listed);
    SyncState state = states.load(org);
    assertThat(state.status()).isEqualTo(SyncStatus.IDLE);
    assertThat(state.lastSuccessAt()).isNotNull().isAfterOrEqualTo(state.lastStartedAt());
    assertThat(state.counts().get(ObjectType.CUSTOMER)).isEqualTo(CUSTOMERS);
    assertThat(state.counts().get(ObjectType.SUBSCRIPTION)).isEqualTo(SUBSCRIPTIONS);
    JsonNode stats = JSON.readTree(layer("GET", "/_layer/stats", null).body());
    assertThat(stats.get("max_per_second").asInt()).isLessThanOrEqualTo((int) RATE + 1);
  }

  @Test
  void aRunStoppedByItsDeadlineIsCompletedByTheNextRunWithTheSameResult() throws Exception {
    OrgId org = newOrgWithSyncKey("Sync IT deadline");
    AtomicInteger asked = new AtomicInteger();
    Supplier<Duration> threePages =
        () -> asked.incrementAndGet() <= 3 ? Duration.ofMinutes(1) : Duration.ZERO;

    OrgSync.Outcome first = orgSync(Backoff.standard()).run(org, threePages);

    assertThat(first).isEqualTo(OrgSync.Outcome.PAUSED);
    SyncState paused = states.load(org);
    assertThat(paused.status()).isEqualTo(SyncStatus.QUEUED);
    assertThat(paused.currentType()).isEqualTo(ObjectType.CUSTOMER);
    assertThat(paused.lastId()).isNotNull();
    assertThat(mirrorLists(org, true).get(ObjectType.CUSTOMER)).hasSize(100);

    OrgSync.Outcome second = orgSync(Backoff.standard()).run(org, PLENTY);

    assertThat(second).isEqualTo(OrgSync.Outcome.COMPLETED);
    assertThat(mirrorLists(org, true)).isEqualTo(stripeLists());
    assertThat(states.load(org).counts().get(ObjectType.CUSTOMER)).isEqualTo(CUSTOMERS);
  }

  @Test
  void changesMadeAfterTheBackfillReachTheMirrorThroughEvents() throws Exception {
    OrgId org = newOrgWithSyncKey("Sync IT catch-up");
    assertThat(orgSync(Backoff.standard()).run(org, PLENTY)).isEqualTo(OrgSync.Outcome.COMPLETED);
    String updated = createCustomer("catchup-before@example.com");
    String deleted = createCustomer("catchup-deleted@example.com");
    stripe(RequestMethod.POST, "/v1/customers/" + updated, "email=catchup-after%40example.com");
    stripe(RequestMethod.DELETE, "/v1/customers/" + deleted, null);

    OrgSync.Outcome outcome = orgSync(Backoff.standard()).run(org, PLENTY);

    assertThat(outcome).isEqualTo(OrgSync.Outcome.COMPLETED);
    MirrorItem customer = mirror.get(org, ObjectType.CUSTOMER, updated).orElseThrow();
    assertThat(JSON.readTree(customer.json()).get("email").asText())
        .isEqualTo("catchup-after@example.com");
    assertThat(customer.deleted()).isFalse();
    MirrorItem tombstone = mirror.get(org, ObjectType.CUSTOMER, deleted).orElseThrow();
    assertThat(tombstone.deleted()).isTrue();
    assertThat(mirrorLists(org, false)).isEqualTo(stripeLists());
    stripe(RequestMethod.DELETE, "/v1/customers/" + updated, null);
  }

  @Test
  void aStormOf429sIsRiddenOutWithBackoff() throws Exception {
    OrgId org = newOrgWithSyncKey("Sync IT 429");
    layer("POST", "/_layer/reset", null);
    layer("POST", "/_layer/faults", "{\"status\":429,\"count\":5,\"should_retry\":false}");

    OrgSync.Outcome outcome = orgSync(fastBackoff()).run(org, PLENTY);

    assertThat(outcome).isEqualTo(OrgSync.Outcome.COMPLETED);
    JsonNode stats = JSON.readTree(layer("GET", "/_layer/stats", null).body());
    assertThat(stats.at("/per_status/429").asInt()).isEqualTo(5);
    assertThat(stats.get("max_per_second").asInt()).isLessThanOrEqualTo((int) RATE + 1);
    assertThat(mirrorLists(org, false)).isEqualTo(stripeLists());
  }

  @Test
  void aConflictThatStripeSaysToRetryIsRetriedLikeAThrottle() throws Exception {
    OrgId org = newOrgWithSyncKey("Sync IT should-retry");
    layer("POST", "/_layer/reset", null);
    layer("POST", "/_layer/faults", "{\"status\":409,\"count\":2,\"should_retry\":true}");

    OrgSync.Outcome outcome = orgSync(fastBackoff()).run(org, PLENTY);

    assertThat(outcome).isEqualTo(OrgSync.Outcome.COMPLETED);
    JsonNode stats = JSON.readTree(layer("GET", "/_layer/stats", null).body());
    assertThat(stats.at("/per_status/409").asInt()).isEqualTo(2);
    assertThat(mirrorLists(org, false)).isEqualTo(stripeLists());
  }

  @Test
  void aPermanent500FailsThatOrgWithItsErrorAndTheNextOrgStillCompletes() throws Exception {
    OrgId failing = newOrgWithSyncKey("Sync IT 500");
    OrgId healthy = newOrgWithSyncKey("Sync IT healthy");
    // Four answers of 500: the first request and its three retries, all of the first org.
    layer("POST", "/_layer/faults", "{\"status\":500,\"count\":4}");
    DynamoDbKeyMetadataStore allKeys = new DynamoDbKeyMetadataStore(dynamo, stack.info().table());
    assertThat(allKeys.orgsWithSyncKey()).contains(failing, healthy);

    SyncRun.Summary summary =
        new SyncRun(
                orgSync(fastBackoff()),
                onlyOrgs(allKeys, failing, healthy),
                new DynamoDbSyncLease(dynamo, stack.info().table()),
                Clock.systemUTC())
            .allOrgs(PLENTY);

    assertThat(summary).isEqualTo(new SyncRun.Summary(2, 1, 0, 1));
    SyncState failed = states.load(failing);
    assertThat(failed.status()).isEqualTo(SyncStatus.FAILED);
    assertThat(failed.lastError().code()).isEqualTo("stripe_unavailable");
    assertThat(failed.lastError().message())
        .isEqualTo("Stripe answered HTTP 500 to GET /v1/products after 3 retries.");
    assertThat(states.load(healthy).status()).isEqualTo(SyncStatus.IDLE);
    assertThat(mirrorLists(healthy, false)).isEqualTo(stripeLists());

    ApiResponse shown = owner.get("/orgs/" + failing.value() + "/sync");
    assertThat(shown.status()).as(shown.body()).isEqualTo(200);
    assertThat(shown.json().get("status").asText()).isEqualTo("failed");
    assertThat(shown.json().at("/last_error/code").asText()).isEqualTo("stripe_unavailable");
    assertThat(shown.json().at("/last_error/message").asText())
        .isEqualTo("Stripe answered HTTP 500 to GET /v1/products after 3 retries.");
  }

  @Test
  void theScheduleRunsTheSyncFunctionForEveryOrgWithASyncKey() throws Exception {
    OrgId org = newOrgWithSyncKey("Sync IT schedule");

    String output = stack.gateway().fireSchedule("SyncFunction");

    JsonNode summary = JSON.readTree(output);
    int orgs = new DynamoDbKeyMetadataStore(dynamo, stack.info().table()).orgsWithSyncKey().size();
    assertThat(summary.get("orgs").asInt()).isEqualTo(orgs);
    assertThat(states.load(org).status()).isEqualTo(SyncStatus.IDLE);
    assertThat(mirrorLists(org, false)).isEqualTo(stripeLists());

    ApiResponse shown = owner.get("/orgs/" + org.value());
    assertThat(shown.json().at("/sync/status").asText()).isEqualTo("idle");
    assertThat(shown.json().at("/sync/counts/customers").asLong()).isEqualTo(CUSTOMERS);
    assertThat(shown.json().at("/sync/last_error").isNull()).isTrue();
  }

  // ---- the engine, wired as SyncBeans does, with a test's backoff ----------------------------

  private OrgSync orgSync(Backoff backoff) {
    Settings settings = Settings.fromEnvironment();
    KmsSecretsManagerKeyVault vault =
        new KmsSecretsManagerKeyVault(
            kms,
            secrets,
            settings.kmsKeyId(),
            settings.secretPrefix(),
            EnumSet.of(SecretPurpose.SYNC),
            false,
            Clock.systemUTC(),
            KmsSecretsManagerKeyVault.DEFAULT_CACHE_TTL);
    StripeClients clients =
        new StripeClients(
            settings.stripeApiBase(), Duration.ofSeconds(5), Duration.ofSeconds(30), 0);
    Function<String, StripeReader> readers =
        key ->
            new RetryingStripeReader(
                clients.forKey(key),
                new RateLimiter(RATE, System::nanoTime, Sleeper.THREAD),
                backoff,
                Sleeper.THREAD,
                RetryingStripeReader.RetryLimits.standard());
    return new OrgSync(
        states,
        vault,
        mirror,
        new StripeApiObjectFetcher(
            vault, StripeClients.interactive(settings.stripeApiBase()), Clock.systemUTC()),
        new DynamoDbEventLedger(dynamo, stack.info().table()),
        readers,
        Clock.systemUTC(),
        Duration.ofSeconds(5));
  }

  private static Backoff fastBackoff() {
    return new Backoff(Duration.ofMillis(50), Duration.ofMillis(400), () -> 0.5);
  }

  private static KeyMetadataStore onlyOrgs(KeyMetadataStore keys, OrgId... orgs) {
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

  /** Every id Stripe lists now, per type, through the layer with the sync key. */
  private static Map<ObjectType, TreeSet<String>> stripeLists() throws Exception {
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
  private static Map<ObjectType, TreeSet<String>> mirrorLists(OrgId org, boolean withTombstones) {
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
   * 3 products with a monthly and a yearly plan each, {@value #CUSTOMERS} customers, {@value
   * #SUBSCRIPTIONS} of them subscribed (with invoices and charges; 5 subscriptions cancelled), 3
   * refunds.
   */
  private static void seedAccount() throws Exception {
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
    for (int c = 0; c < CUSTOMERS; c++) {
      String email = "email=sync-it-" + c + "%40example.com";
      if (c >= SUBSCRIPTIONS) {
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

  private static String createCustomer(String email) throws Exception {
    return stripe(RequestMethod.POST, "/v1/customers", "email=" + email.replace("@", "%40"))
        .get("id")
        .asText();
  }

  private static JsonNode stripe(RequestMethod method, String path, String form)
      throws StripeException, IOException {
    return JSON.readTree(localStripe.rawRequest(method, path, form).body());
  }

  private OrgId newOrgWithSyncKey(String name) {
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
  private static HttpResponse<String> layer(String method, String path, String json)
      throws IOException, InterruptedException {
    HttpResponse<String> response = http(method, requiredEnv("STRIPE_API_BASE") + path, json);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response;
  }

  private static HttpResponse<String> http(String method, String url, String json)
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

  private static String requiredEnv(String name) {
    String value = System.getenv(name);
    assertThat(value).as("environment variable %s (set by make test)", name).isNotBlank();
    return value;
  }
}
