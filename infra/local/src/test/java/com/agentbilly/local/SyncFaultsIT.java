package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.adapter.dynamodb.DynamoDbKeyMetadataStore;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbSyncLease;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.domain.Backoff;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ListPage;
import com.agentbilly.domain.mirror.ListQuery;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.mirror.WriteOutcome;
import com.agentbilly.domain.sync.SyncState;
import com.agentbilly.domain.sync.SyncStatus;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.sync.OrgSync;
import com.agentbilly.sync.SyncRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.net.ApiResource.RequestMethod;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The sync engine against localstripe behind the permission layer, with a small account (two pages
 * of customers): catch-up through {@code /v1/events} (localstripe's own events, and recorded pages
 * of the types it never sends), 429 and 503 storms, a conflict Stripe says to retry and a permanent
 * 500 injected through the layer, the schedule, and DynamoDB going dark mid-page or answering late
 * (through a {@link SwitchableProxy} in front of moto, so the real SDK meets the fault).
 */
@WithLocalStack
class SyncFaultsIT extends SyncItSupport {

  SyncFaultsIT(LocalStack stack) {
    super(stack, 130, 30);
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
    assertThat(shown.json().at("/sync/counts/customers").asLong()).isEqualTo(customers);
    assertThat(shown.json().at("/sync/last_error").isNull()).isTrue();
  }

  @Test
  void aStormOf503sIsRiddenOutWithBackoffWithinTheConfiguredRate() throws Exception {
    OrgId org = newOrgWithSyncKey("Sync IT 503");
    layer("POST", "/_layer/reset", null);
    // Three 503s in a row on a request of each list (the most a request may retry is three),
    // and a 502 and a 503 on the catch-up's events.
    for (String list : List.of("/v1/products", "/v1/customers", "/v1/invoices", "/v1/refunds")) {
      layer(
          "POST",
          "/_layer/faults",
          "{\"status\":503,\"count\":3,\"path_prefix\":\"" + list + "\"}");
    }
    layer("POST", "/_layer/faults", "{\"status\":502,\"count\":1,\"path_prefix\":\"/v1/events\"}");
    layer("POST", "/_layer/faults", "{\"status\":503,\"count\":1,\"path_prefix\":\"/v1/events\"}");
    double rate = 4;

    OrgSync.Outcome outcome = orgSync(rate, fastBackoff()).run(org, PLENTY);

    assertThat(outcome).isEqualTo(OrgSync.Outcome.COMPLETED);
    JsonNode stats = JSON.readTree(layer("GET", "/_layer/stats", null).body());
    assertThat(stats.at("/per_status/503").asInt()).isEqualTo(13);
    assertThat(stats.at("/per_status/502").asInt()).isEqualTo(1);
    assertThat(JSON.readTree(layer("GET", "/_layer/faults", null).body()).get("faults")).isEmpty();
    // The layer counts per calendar second; evenly spaced requests may put one more into a second
    // than the rate when the network delays the first of them.
    assertThat(stats.get("max_per_second").asInt()).isLessThanOrEqualTo((int) rate + 1);
    assertThat(mirrorLists(org, false)).isEqualTo(stripeLists());
    assertThat(states.load(org).lastError()).isNull();
  }

  @Test
  void recordedEventsOfTypesLocalstripeNeverSendsAreAppliedThroughTheGuardedWriteAndOnce()
      throws Exception {
    OrgId org = newOrgWithSyncKey("Sync IT recorded events");
    assertThat(orgSync(Backoff.standard()).run(org, PLENTY)).isEqualTo(OrgSync.Outcome.COMPLETED);
    JsonNode charge = paidChargeWithSubscription();
    String chargeId = charge.get("id").asText();
    String customerId = charge.get("customer").asText();
    String subscriptionId =
        stripe(RequestMethod.GET, "/v1/subscriptions?customer=" + customerId, null)
            .at("/data/0/id")
            .asText();
    assertThat(mirrored(org, ObjectType.SUBSCRIPTION, subscriptionId).get("status").asText())
        .isEqualTo("active");
    assertThat(mirrored(org, ObjectType.CHARGE, chargeId).get("refunded").asBoolean()).isFalse();
    String refundId = "re_recorded_" + org.value().substring(4, 16);
    List<JsonNode> pages =
        recordedPages(
            "events-refund-and-past-due",
            Map.of(
                "ch_test_jenny", chargeId,
                "cus_test_jenny", customerId,
                "sub_test_pro_v2", subscriptionId,
                "re_test_jenny", refundId));
    // The subscription's event also arrives by webhook first: its copy is marked, so the mirror
    // shows which copy was applied (the page's copy, applied again, would be a same-second
    // conflict and be replaced by localstripe's state).
    JsonNode delivered = pages.get(0).at("/data/0").deepCopy();
    ((ObjectNode) delivered.at("/data/object/metadata")).put("delivered_by", "webhook");
    deliverByWebhook(org, delivered);
    String eventId = delivered.get("id").asText();
    assertThat(ledger().contains(org, eventId)).isTrue();
    layer(
        "POST",
        "/_layer/fixtures",
        JSON.writeValueAsString(Map.of("path", "/v1/events", "responses", pages)));

    OrgSync.Outcome outcome = orgSync(Backoff.standard()).run(org, PLENTY);

    assertThat(outcome).isEqualTo(OrgSync.Outcome.COMPLETED);
    assertThat(
            JSON.readTree(layer("GET", "/_layer/fixtures", null).body()).get("/v1/events").asInt())
        .as("both recorded pages were read")
        .isZero();
    JsonNode refunded = mirrored(org, ObjectType.CHARGE, chargeId);
    assertThat(refunded.get("refunded").asBoolean()).isTrue();
    assertThat(refunded.get("amount_refunded").asLong()).isEqualTo(2000);
    // refund.updated (newer, page 1) was applied before refund.created (older, page 2): the
    // guard kept the newer state.
    JsonNode refund = mirrored(org, ObjectType.REFUND, refundId);
    assertThat(refund.get("status").asText()).isEqualTo("succeeded");
    assertThat(refund.get("charge").asText()).isEqualTo(chargeId);
    JsonNode subscription = mirrored(org, ObjectType.SUBSCRIPTION, subscriptionId);
    assertThat(subscription.get("status").asText()).isEqualTo("past_due");
    assertThat(subscription.at("/metadata/delivered_by").asText()).isEqualTo("webhook");
    for (JsonNode page : pages) {
      for (JsonNode event : page.get("data")) {
        assertThat(ledger().contains(org, event.get("id").asText())).isTrue();
      }
    }
  }

  @Test
  void dynamoDbGoingDarkMidPageFailsTheRunAndTheNextRunLeavesTheMirrorEqualToStripe()
      throws Exception {
    OrgId org = newOrgWithSyncKey("Sync IT storage dark");
    // 3 products and 6 prices, the first page of 100 customers, then 10 of the second page.
    int darkAfterWrites = 3 + 6 + 100 + 10;
    try (SwitchableProxy proxy = new SwitchableProxy(URI.create(requiredEnv("AWS_ENDPOINT_URL")));
        DynamoDbClient proxied = proxy.dynamoDb()) {
      MirrorStore goesDark = afterWrites(mirrorOn(proxied), darkAfterWrites, proxy::goDark);
      OrgSync sync = SyncEngine.orgSync(proxied, kms, secrets, goesDark, RATE, Backoff.standard());

      // Saving the failure meets the same outage, so the run ends with the storage error: the
      // invocation fails, and the sync lease's expiry frees the org for the next run.
      assertThatThrownBy(() -> sync.run(org, PLENTY)).isInstanceOf(SdkClientException.class);
    }

    SyncState dark = states.load(org);
    assertThat(dark.status()).isEqualTo(SyncStatus.RUNNING);
    assertThat(dark.currentType()).isEqualTo(ObjectType.CUSTOMER);
    assertThat(dark.counts().get(ObjectType.CUSTOMER)).isEqualTo(100);
    assertThat(mirrorLists(org, true).get(ObjectType.CUSTOMER)).hasSize(110);

    OrgSync.Outcome next = orgSync(Backoff.standard()).run(org, PLENTY);

    assertThat(next).isEqualTo(OrgSync.Outcome.COMPLETED);
    Map<ObjectType, TreeSet<String>> listed = stripeLists();
    assertThat(mirrorLists(org, true)).isEqualTo(listed);
    SyncState state = states.load(org);
    assertThat(state.status()).isEqualTo(SyncStatus.IDLE);
    assertThat(state.counts()).isEqualTo(sizes(listed));
    assertThat(state.lastError()).isNull();
  }

  @Test
  void dynamoDbAnsweringLatePastTheClientsTimeoutIsRiddenOutByRetriesInOneRun() throws Exception {
    OrgId org = newOrgWithSyncKey("Sync IT storage slow");
    OrgSync.Outcome outcome;
    int late;
    try (SwitchableProxy proxy = new SwitchableProxy(URI.create(requiredEnv("AWS_ENDPOINT_URL")));
        DynamoDbClient proxied = proxy.dynamoDb()) {
      // Every 8th answer arrives after the client gave up on it (socket timeout 700 ms), often
      // for a write DynamoDB made: the SDK's retry then meets its own write.
      proxy.slowDown(Duration.ofMillis(1000), 8);

      outcome =
          SyncEngine.orgSync(proxied, kms, secrets, mirrorOn(proxied), RATE, Backoff.standard())
              .run(org, PLENTY);
      late = proxy.delayedAnswers();
    }

    assertThat(outcome).isEqualTo(OrgSync.Outcome.COMPLETED);
    assertThat(late).as("answers held back").isGreaterThanOrEqualTo(3);
    Map<ObjectType, TreeSet<String>> listed = stripeLists();
    assertThat(mirrorLists(org, true)).isEqualTo(listed);
    SyncState state = states.load(org);
    assertThat(state.status()).isEqualTo(SyncStatus.IDLE);
    assertThat(state.counts()).isEqualTo(sizes(listed));
  }

  @Test
  void stripeAnsweringPastTheReadTimeoutIsRetriedAndTheRunMatchesStripe() throws Exception {
    OrgId org = newOrgWithSyncKey("Sync IT Stripe slow");
    OrgSync.Outcome outcome;
    int late;
    try (SwitchableProxy proxy = new SwitchableProxy(URI.create(requiredEnv("STRIPE_API_BASE")))) {
      // Every 4th list page arrives after the 1 s read timeout: a timeout, retried as Stripe
      // being unreachable.
      proxy.slowDown(Duration.ofMillis(2000), 4);
      StripeClients throughProxy =
          new StripeClients(
              proxy.uri().toString(), Duration.ofSeconds(1), Duration.ofSeconds(1), 0);

      outcome =
          SyncEngine.orgSync(dynamo, kms, secrets, mirror, RATE, Backoff.standard(), throughProxy)
              .run(org, PLENTY);
      late = proxy.delayedAnswers();
    }

    assertThat(outcome).isEqualTo(OrgSync.Outcome.COMPLETED);
    assertThat(late).as("answers held back").isGreaterThanOrEqualTo(2);
    Map<ObjectType, TreeSet<String>> listed = stripeLists();
    assertThat(mirrorLists(org, true)).isEqualTo(listed);
    assertThat(states.load(org).counts()).isEqualTo(sizes(listed));
  }

  private MirrorStore mirrorOn(DynamoDbClient client) {
    return new DynamoDbMirrorStore(client, stack.info().table(), new byte[32], Clock.systemUTC());
  }

  /** {@code mirror}, running {@code fault} right after its {@code writes}-th write. */
  private static MirrorStore afterWrites(MirrorStore mirror, int writes, Runnable fault) {
    AtomicInteger done = new AtomicInteger();
    return new MirrorStore() {
      @Override
      public WriteOutcome write(OrgId org, MirrorDocument document) {
        WriteOutcome outcome = mirror.write(org, document);
        if (done.incrementAndGet() == writes) {
          fault.run();
        }
        return outcome;
      }

      @Override
      public Optional<MirrorItem> get(OrgId org, ObjectType type, String id) {
        return mirror.get(org, type, id);
      }

      @Override
      public ListPage list(OrgId org, ListQuery query) {
        return mirror.list(org, query);
      }
    };
  }
}
