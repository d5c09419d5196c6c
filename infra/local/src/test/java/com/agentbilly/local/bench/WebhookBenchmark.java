package com.agentbilly.local.bench;

import static com.agentbilly.local.bench.Latencies.millis;
import static com.agentbilly.local.bench.Latencies.percentile;

import com.agentbilly.adapter.aws.KmsSecretsManagerKeyVault;
import com.agentbilly.adapter.dynamodb.DynamoDbEventLedger;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.adapter.stripe.StripeApiObjectFetcher;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.testing.WebhookRequests;
import com.agentbilly.webhook.ApplyStripeEvent;
import com.agentbilly.webhook.WebhookHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The webhook benchmark ({@code infra/bench/webhook}): signed Stripe events through {@link
 * WebhookHandler#handle} in-process, against the local stack's DynamoDB (moto) and KMS and Secrets
 * Manager (the webhook secret is decrypted once, then cached as on a warm Lambda). For every event
 * it records the DynamoDB calls the handler made and replays exactly those calls, back to back, on
 * a bare client: the floor. Prints events/s, p50 and p99 of handler latency and of the floor, and
 * their ratio, for new events (org read, ledger check, guarded write, ledger record) and for
 * redeliveries (org read, ledger check).
 *
 * <p>Arguments: {@code --events N} (measured per scenario, default 500), {@code --warmup N}
 * (default 100). Creates a fresh org and erases it, and its secret, at the end.
 */
public final class WebhookBenchmark {

  private static final String USER = "bench-webhook";

  private final CallRecorder recorder = new CallRecorder();
  private final DynamoDbClient bare;
  private final DynamoDbOrgStore orgs;
  private final KmsSecretsManagerKeyVault writableVault;
  private final WebhookHandler handler;
  private final OrgId org = OrgId.generate(new SecureRandom());
  private final String secret =
      "whsec_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(24));

  private WebhookBenchmark(Settings settings) {
    DynamoDbClient recorded =
        DynamoDbClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(c -> c.addExecutionInterceptor(recorder))
            .build();
    this.bare = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    KmsClient kms = KmsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    SecretsManagerClient secrets =
        SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    Clock clock = Clock.systemUTC();
    String table = settings.tableName();
    this.orgs = new DynamoDbOrgStore(recorded, table);
    this.writableVault = vault(kms, secrets, settings, Set.of(), true);
    KmsSecretsManagerKeyVault vault =
        vault(kms, secrets, settings, EnumSet.of(SecretPurpose.WEBHOOK, SecretPurpose.SYNC), false);
    this.handler =
        new WebhookHandler(
            new ApplyStripeEvent(
                orgs,
                vault,
                new DynamoDbMirrorStore(recorded, table, new byte[32], clock),
                new DynamoDbEventLedger(recorded, table),
                new StripeApiObjectFetcher(
                    vault, StripeClients.interactive(settings.stripeApiBase()), clock),
                clock));
  }

  private static KmsSecretsManagerKeyVault vault(
      KmsClient kms,
      SecretsManagerClient secrets,
      Settings settings,
      Set<SecretPurpose> readable,
      boolean writable) {
    return new KmsSecretsManagerKeyVault(
        () -> kms,
        () -> secrets,
        settings.kmsKeyId(),
        settings.secretPrefix(),
        readable,
        writable,
        Clock.systemUTC(),
        KmsSecretsManagerKeyVault.DEFAULT_CACHE_TTL);
  }

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) {
    Map<String, Integer> options = new LinkedHashMap<>();
    options.put("--events", 500);
    options.put("--warmup", 100);
    for (int i = 0; i < args.length; i += 2) {
      if (!options.containsKey(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "Unknown or incomplete option " + args[i] + "; use --events N, --warmup N.");
      }
      options.put(args[i], Integer.parseInt(args[i + 1]));
    }
    WebhookBenchmark benchmark = new WebhookBenchmark(Settings.fromEnvironment());
    try {
      benchmark.run(options.get("--events"), options.get("--warmup"), System.out);
    } finally {
      benchmark.orgs.deleteOrgData(benchmark.org);
      benchmark.writableVault.delete(benchmark.org, SecretPurpose.WEBHOOK);
    }
  }

  private void run(int events, int warmup, PrintStream out) {
    Instant now = Instant.now();
    orgs.createOrg(
        new Org(org, "Webhook benchmark", Mode.TEST, null, true, now, USER),
        new Membership(org, "Webhook benchmark", USER, USER + "@bench.test", Role.OWNER, now));
    writableVault.put(org, SecretPurpose.WEBHOOK, secret);
    out.printf(
        Locale.ROOT,
        "Org %s. %d warm-up + %d measured events per scenario, one thread, in-process.%n%n",
        org.value(),
        warmup,
        events);

    measure(i -> customerCreated("evt_bench_warm_" + i, "cus_bench_warm_" + i), warmup);
    Result fresh = measure(i -> customerCreated("evt_bench_" + i, "cus_bench_" + i), events);
    Result again = measure(i -> customerCreated("evt_bench_" + i, "cus_bench_" + i), events);

    out.printf(
        Locale.ROOT,
        "%-26s %6s %9s %8s %8s %10s %10s %6s %6s%n",
        "scenario",
        "calls",
        "events/s",
        "p50 ms",
        "p99 ms",
        "floor p50",
        "floor p99",
        "x p50",
        "x p99");
    print(out, "new event (applied)", fresh);
    print(out, "redelivery (duplicate)", again);
    out.printf(
        "%ncalls: DynamoDB calls per event. floor: those calls replayed back to back on a bare"
            + " client (conditional writes replayed as sent). x: handler / floor.%n");
  }

  private static void print(PrintStream out, String name, Result result) {
    out.printf(
        Locale.ROOT,
        "%-26s %6.1f %9.0f %8.2f %8.2f %10.2f %10.2f %6.2f %6.2f%n",
        name,
        result.callsPerEvent,
        result.eventsPerSecond,
        millis(percentile(result.handler, 50)),
        millis(percentile(result.handler, 99)),
        millis(percentile(result.floor, 50)),
        millis(percentile(result.floor, 99)),
        (double) percentile(result.handler, 50) / percentile(result.floor, 50),
        (double) percentile(result.handler, 99) / percentile(result.floor, 99));
  }

  private record Result(
      long[] handler, long[] floor, double callsPerEvent, double eventsPerSecond) {}

  private Result measure(IntFunction<String> body, int events) {
    long[] handlerNanos = new long[events];
    long[] floorNanos = new long[events];
    long calls = 0;
    long total = 0;
    for (int i = 0; i < events; i++) {
      APIGatewayV2HTTPEvent request = signed(body.apply(i));
      recorder.drain();
      long started = System.nanoTime();
      APIGatewayV2HTTPResponse response = handler.handle(request, null);
      handlerNanos[i] = System.nanoTime() - started;
      total += handlerNanos[i];
      if (response.getStatusCode() != 200) {
        throw new IllegalStateException(
            "The webhook answered " + response.getStatusCode() + ": " + response.getBody());
      }
      List<SdkRequest> made = recorder.drain();
      calls += made.size();
      floorNanos[i] = replay(made);
    }
    Arrays.sort(handlerNanos);
    Arrays.sort(floorNanos);
    return new Result(
        handlerNanos,
        floorNanos,
        events == 0 ? 0 : (double) calls / events,
        events / (total / 1e9));
  }

  /** The calls back to back on the bare client; their total time. */
  private long replay(List<SdkRequest> calls) {
    long started = System.nanoTime();
    for (SdkRequest call : calls) {
      try {
        switch (call) {
          case GetItemRequest get -> bare.getItem(get);
          case QueryRequest query -> bare.query(query);
          case PutItemRequest put -> bare.putItem(put);
          case UpdateItemRequest update -> bare.updateItem(update);
          default ->
              throw new IllegalStateException(
                  "The webhook made an unexpected DynamoDB call: "
                      + call.getClass().getSimpleName());
        }
      } catch (ConditionalCheckFailedException refused) {
        // The replayed write meets the state the handler wrote: a full round trip all the same.
      }
    }
    return System.nanoTime() - started;
  }

  private APIGatewayV2HTTPEvent signed(String body) {
    return WebhookRequests.signedDelivery(org.value(), body, secret);
  }

  private static String customerCreated(String eventId, String customerId) {
    return WebhookRequests.customerCreated(eventId, customerId, Instant.now().getEpochSecond());
  }
}
