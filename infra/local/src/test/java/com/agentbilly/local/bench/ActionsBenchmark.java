package com.agentbilly.local.bench;

import static com.agentbilly.local.bench.Latencies.millis;
import static com.agentbilly.local.bench.Latencies.percentile;

import com.agentbilly.adapter.dynamodb.DynamoDbAuditLog;
import com.agentbilly.adapter.dynamodb.DynamoDbIdempotencyStore;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.adapter.dynamodb.DynamoDbRefundLimitStore;
import com.agentbilly.adapter.stripe.StripeApiActions;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.api.ApiHandler;
import com.agentbilly.api.actions.ManagerActionRoutes;
import com.agentbilly.config.AwsClients;
import com.agentbilly.config.Settings;
import com.agentbilly.config.StackSecrets;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.mirror.GuardedMirrorWrite;
import com.agentbilly.port.StripeActions;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.testing.ApiEvents;
import com.agentbilly.testing.InMemoryKeyVault;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiResource.RequestMethod;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The refund scenarios of the api benchmark ({@code infra/bench/api}): {@code POST
 * /orgs/{org}/refunds} through {@link ApiHandler#handle} in-process, with the real DynamoDB stores
 * (moto) and Stripe (localstripe behind the permission layer, the demo manager key), next to the
 * floor: the same DynamoDB requests replayed back to back on a bare client plus the same Stripe
 * calls made directly with stripe-java. Each measured refund is of a fresh charge, made before the
 * clock starts. The decrypted key comes from memory, as in a warm function (its KMS and Secrets
 * Manager reads are cached for minutes), so neither side pays for it.
 *
 * <p>Run by {@link ApiBenchmark} after the summary scenarios ({@code --refunds N}, default 30).
 */
public final class ActionsBenchmark {

  private static final String USER = "bench-manager";

  private final CallRecorder recorder = new CallRecorder();
  private final DynamoDbClient bare;
  private final RecordingStripe stripe;
  private final StripeActions bareStripe;
  private final StripeClient secretStripe;
  private final String managerKey;
  private final ApiHandler handler;
  private final DynamoDbOrgStore orgs;
  private final OrgId org = OrgId.generate(new SecureRandom());

  private ActionsBenchmark(Settings settings) throws IOException {
    DynamoDbClient recorded =
        DynamoDbClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(c -> c.addExecutionInterceptor(recorder))
            .build();
    this.bare = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    StackSecrets secrets = new StackSecrets(AwsClients::secretsManager, settings);
    JsonNode demoKeys = Json.read(Files.readString(Path.of(System.getenv("STRIPE_LAYER_KEYS"))));
    this.managerKey = demoKeys.at("/keys/manager/key").asText();
    this.secretStripe =
        StripeClient.builder()
            .setApiKey(demoKeys.get("secret_key").asText())
            .setApiBase(settings.stripeApiBase())
            .build();
    StripeClients clients = StripeClients.interactive(settings.stripeApiBase());
    this.stripe = new RecordingStripe(new StripeApiActions(clients));
    this.bareStripe = new StripeApiActions(clients);
    Clock clock = Clock.systemUTC();
    String table = settings.tableName();
    this.orgs = new DynamoDbOrgStore(recorded, table);
    InMemoryKeyVault vault = new InMemoryKeyVault();
    vault.put(org, SecretPurpose.MANAGER, managerKey);
    DynamoDbMirrorStore mirror =
        new DynamoDbMirrorStore(recorded, table, secrets::cursorKey, clock);
    RequestAuditor audit =
        new RequestAuditor(new DynamoDbAuditLog(recorded, table, secrets.auditKey(), clock));
    ManagerActionRoutes actions =
        new ManagerActionRoutes(
            vault,
            stripe,
            new DynamoDbIdempotencyStore(recorded, table),
            new GuardedMirrorWrite(
                mirror, (o, type, id) -> new StripeObjectFetcher.Unresolvable("no ties here")),
            audit,
            clock,
            new DynamoDbRefundLimitStore(recorded, table));
    this.handler = new ApiHandler(actions.addTo(ApiRouter.builder(orgs)).build());
  }

  /**
   * Measures the refund scenarios in a new org, erased afterwards, and prints their table.
   *
   * @param requests measured refunds per scenario
   * @param warmup refunds before measuring
   */
  static void run(Settings settings, int requests, int warmup, PrintStream out) throws IOException {
    ActionsBenchmark benchmark = new ActionsBenchmark(settings);
    benchmark.seedOrg();
    try {
      benchmark.run(requests, warmup, out);
    } finally {
      benchmark.orgs.deleteOrgData(benchmark.org);
    }
  }

  private void seedOrg() {
    Instant now = Instant.now();
    orgs.createOrg(
        new Org(org, "Bench", Mode.TEST, null, false, now, USER),
        new Membership(org, "Bench", USER, USER + "@bench.test", Role.MANAGER, now));
  }

  private void run(int requests, int warmup, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "Org %s. %d warm-up + %d measured requests per scenario, one thread.%n%n",
        org.value(),
        warmup,
        requests);
    out.printf(
        Locale.ROOT,
        "%-30s %5s %6s %7s %9s %9s %9s %9s %7s %7s%n",
        "scenario",
        "ddb",
        "stripe",
        "req/s",
        "p50 ms",
        "p99 ms",
        "floor p50",
        "floor p99",
        "x p50",
        "x p99");
    print(out, "refund, new key", measure(requests, warmup, false));
    print(out, "refund, same key (replay)", measure(requests, warmup, true));
    out.printf(
        "%nddb / stripe: DynamoDB and Stripe calls per request (membership GetItem included)."
            + " floor: the same DynamoDB requests replayed back to back on a bare client (a"
            + " conditional write that now fails costs the same round trip) plus the same Stripe"
            + " calls made directly. x: handler / floor.%n");
  }

  private void print(PrintStream out, String name, Result result) {
    out.printf(
        Locale.ROOT,
        "%-30s %5.1f %6.1f %7.1f %9.2f %9.2f %9.2f %9.2f %7.2f %7.2f%n",
        name,
        result.dynamoCalls,
        result.stripeCalls,
        result.requestsPerSecond,
        millis(percentile(result.handler, 50)),
        millis(percentile(result.handler, 99)),
        millis(percentile(result.floor, 50)),
        millis(percentile(result.floor, 99)),
        (double) percentile(result.handler, 50) / percentile(result.floor, 50),
        (double) percentile(result.handler, 99) / percentile(result.floor, 99));
  }

  private record Result(
      long[] handler,
      long[] floor,
      double dynamoCalls,
      double stripeCalls,
      double requestsPerSecond) {}

  private Result measure(int requests, int warmup, boolean replay) {
    long[] handlerNanos = new long[requests];
    long[] floorNanos = new long[requests];
    long dynamoCalls = 0;
    long stripeCalls = 0;
    long handlerTotal = 0;
    String sharedCharge = charge();
    String sharedKey = UUID.randomUUID().toString();
    if (replay) {
      refund(sharedCharge, sharedKey);
    }
    for (int i = -warmup; i < requests; i++) {
      String charge = replay ? sharedCharge : charge();
      String key = replay ? sharedKey : UUID.randomUUID().toString();
      String floorCharge = replay ? sharedCharge : charge();
      recorder.drain();
      stripe.drain();
      long started = System.nanoTime();
      refund(charge, key);
      long took = System.nanoTime() - started;
      List<SdkRequest> dynamo = recorder.drain();
      List<String> stripeMade = stripe.drain();
      long floor = replayDynamo(dynamo) + replayStripe(stripeMade, floorCharge);
      if (i >= 0) {
        handlerNanos[i] = took;
        handlerTotal += took;
        floorNanos[i] = floor;
        dynamoCalls += dynamo.size();
        stripeCalls += stripeMade.size();
      }
    }
    Arrays.sort(handlerNanos);
    Arrays.sort(floorNanos);
    return new Result(
        handlerNanos,
        floorNanos,
        (double) dynamoCalls / requests,
        (double) stripeCalls / requests,
        requests / (handlerTotal / 1_000_000_000.0));
  }

  private void refund(String charge, String key) {
    APIGatewayProxyResponseEvent response =
        handler.handle(
            ApiEvents.request("POST", "/orgs/{org}/refunds")
                .path("org", org.value())
                .as(USER, USER + "@bench.test")
                .header("Idempotency-Key", key)
                .body("{\"charge\":\"" + charge + "\",\"amount\":100}")
                .build(),
            null);
    if (response.getStatusCode() != 201) {
      throw new IllegalStateException(
          "refund answered " + response.getStatusCode() + ": " + response.getBody());
    }
  }

  /** The DynamoDB requests back to back on the bare client; their total time. */
  private long replayDynamo(List<SdkRequest> calls) {
    long started = System.nanoTime();
    for (SdkRequest call : calls) {
      try {
        switch (call) {
          case GetItemRequest get -> bare.getItem(get);
          case QueryRequest query -> bare.query(query);
          case PutItemRequest put -> bare.putItem(put);
          case UpdateItemRequest update -> bare.updateItem(update);
          case TransactWriteItemsRequest transaction -> bare.transactWriteItems(transaction);
          default ->
              throw new IllegalStateException(
                  "A refund made an unexpected DynamoDB call: " + call.getClass().getSimpleName());
        }
      } catch (ConditionalCheckFailedException | TransactionCanceledException alreadyDone) {
        // The replayed write met its own earlier effect: the round trip is what is measured.
      }
    }
    return System.nanoTime() - started;
  }

  /** The same Stripe calls, made directly (a refund of the floor's own charge); their time. */
  private long replayStripe(List<String> calls, String charge) {
    long started = System.nanoTime();
    for (String call : calls) {
      switch (call) {
        case "createRefund" ->
            bareStripe.createRefund(
                managerKey,
                new StripeActions.Refund(charge, 100L, null, "bench"),
                "bench-" + UUID.randomUUID());
        case "retrieve" -> bareStripe.retrieve(managerKey, ObjectType.CHARGE, charge);
        default -> throw new IllegalStateException("unexpected Stripe call " + call);
      }
    }
    return System.nanoTime() - started;
  }

  /** A paid charge of 100 USD on the demo account (made with the local Stripe's secret key). */
  private String charge() {
    try {
      String token =
          Json.read(
                  secretStripe
                      .rawRequest(
                          RequestMethod.POST,
                          "/v1/tokens",
                          "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123")
                      .body())
              .get("id")
              .asText();
      String customer =
          Json.read(
                  secretStripe
                      .rawRequest(RequestMethod.POST, "/v1/customers", "source=" + token)
                      .body())
              .get("id")
              .asText();
      return Json.read(
              secretStripe
                  .rawRequest(
                      RequestMethod.POST,
                      "/v1/charges",
                      "amount=10000&currency=usd&customer=" + customer)
                  .body())
          .get("id")
          .asText();
    } catch (StripeException | IOException e) {
      throw new IllegalStateException("could not make a charge on the local Stripe", e);
    }
  }

  /** Passes calls through and remembers which were made. */
  private static final class RecordingStripe implements StripeActions {
    private final StripeActions delegate;
    private final List<String> calls = new ArrayList<>();

    RecordingStripe(StripeActions delegate) {
      this.delegate = delegate;
    }

    synchronized List<String> drain() {
      List<String> drained = List.copyOf(calls);
      calls.clear();
      return drained;
    }

    private synchronized void note(String call) {
      calls.add(call);
    }

    @Override
    public String createRefund(String key, Refund refund, String idempotencyKey) {
      note("createRefund");
      return delegate.createRefund(key, refund, idempotencyKey);
    }

    @Override
    public Optional<String> findRefund(String key, String charge, String marker) {
      note("findRefund");
      return delegate.findRefund(key, charge, marker);
    }

    @Override
    public String retrieve(String key, ObjectType type, String id) {
      note("retrieve");
      return delegate.retrieve(key, type, id);
    }

    @Override
    public String updateSubscription(
        String key, String subscription, SubscriptionChange change, String idempotencyKey) {
      note("updateSubscription");
      return delegate.updateSubscription(key, subscription, change, idempotencyKey);
    }

    @Override
    public String cancelSubscription(
        String key, String subscription, boolean atPeriodEnd, String idempotencyKey) {
      note("cancelSubscription");
      return delegate.cancelSubscription(key, subscription, atPeriodEnd, idempotencyKey);
    }
  }
}
