package com.agentbilly.local.bench;

import com.agentbilly.adapter.aws.KmsSecretsManagerKeyVault;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.Backoff;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.local.SyncEngine;
import com.agentbilly.sync.OrgSync;
import com.agentbilly.sync.RateLimiter;
import com.agentbilly.sync.Sleeper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.net.ApiResource.RequestMethod;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The sync benchmark ({@code infra/bench/sync}): a full sync (backfill and catch-up) of a fresh org
 * from localstripe through the permission layer into the mirror (moto's DynamoDB), next to merely
 * paging the same lists with stripe-java at the same rate limit: the floor, since a sync cannot be
 * faster than reading its source. Prints objects/s, Stripe requests/s, DynamoDB writes/s and the
 * ratio sync time / paging time, per run.
 *
 * <p>Arguments: {@code --customers N} (default 1000; the local Stripe's data is erased and replaced
 * by N customers, a tenth of them subscribed, each subscription with its invoice and charge),
 * {@code --runs N} (measured runs, default 3, after one warm-up run), {@code --rate R} (the sync's
 * requests per second, default 20, the test-mode default). Each run syncs a new org, erased with
 * its key at the end.
 */
public final class SyncBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CallRecorder recorder = new CallRecorder();
  private final Settings settings = Settings.fromEnvironment();
  private final DynamoDbClient dynamo;
  private final KmsClient kms;
  private final SecretsManagerClient secrets;
  private final KmsSecretsManagerKeyVault writableVault;
  private final DynamoDbOrgStore orgs;
  private final StripeClient localStripe;
  private final StripeClient syncKeyClient;
  private final String syncKey;
  private final double rate;

  private SyncBenchmark(JsonNode demoKeys, double rate) {
    this.dynamo =
        DynamoDbClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(c -> c.addExecutionInterceptor(recorder))
            .build();
    this.kms = KmsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    this.secrets =
        SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    this.writableVault =
        new KmsSecretsManagerKeyVault(
            () -> kms,
            () -> secrets,
            settings.kmsKeyId(),
            settings.secretPrefix(),
            Set.of(),
            true,
            Clock.systemUTC(),
            KmsSecretsManagerKeyVault.DEFAULT_CACHE_TTL);
    this.orgs = new DynamoDbOrgStore(dynamo, settings.tableName());
    this.localStripe =
        StripeClient.builder()
            .setApiKey(demoKeys.get("secret_key").asText())
            .setApiBase(env("LOCALSTRIPE_URL"))
            .build();
    this.syncKey = demoKeys.at("/keys/sync/key").asText();
    this.syncKeyClient =
        new StripeClients(
                settings.stripeApiBase(), Duration.ofSeconds(5), Duration.ofSeconds(30), 0)
            .forKey(syncKey);
    this.rate = rate;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("--customers", "1000");
    options.put("--runs", "3");
    options.put("--rate", "20");
    for (int i = 0; i < args.length; i += 2) {
      if (!options.containsKey(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "Unknown or incomplete option " + args[i] + "; use --customers N, --runs N, --rate R.");
      }
      options.put(args[i], args[i + 1]);
    }
    BenchStack.bootstrapIfMissing(Settings.fromEnvironment());
    JsonNode demoKeys = JSON.readTree(Path.of(env("STRIPE_LAYER_KEYS")).toFile());
    SyncBenchmark benchmark =
        new SyncBenchmark(demoKeys, Double.parseDouble(options.get("--rate")));
    benchmark.run(
        Integer.parseInt(options.get("--customers")),
        Integer.parseInt(options.get("--runs")),
        System.out);
  }

  private void run(int customers, int runs, PrintStream out) throws Exception {
    System.err.printf(Locale.ROOT, "== seeding %d customers into localstripe%n", customers);
    seed(customers);
    out.printf(
        Locale.ROOT,
        "Full sync of a new org (backfill + catch-up) vs paging the same lists with stripe-java;"
            + " both limited to %.0f Stripe requests/s. 1 warm-up + %d measured runs.%n%n",
        rate,
        runs);
    measure();
    out.printf(
        Locale.ROOT,
        "%-4s %8s %9s %9s %7s %9s %10s %11s %11s %9s %9s%n",
        "run",
        "objects",
        "paging s",
        "sync s",
        "ratio",
        "Dynamo s",
        "objects/s",
        "Stripe rq/s",
        "Dynamo wr/s",
        "Stripe rq",
        "Dynamo wr");
    for (int run = 1; run <= runs; run++) {
      Result r = measure();
      out.printf(
          Locale.ROOT,
          "%-4d %8d %9.2f %9.2f %7.2f %9.2f %10.0f %11.1f %11.0f %9d %9d%n",
          run,
          r.objects,
          r.pagingSeconds,
          r.syncSeconds,
          r.syncSeconds / r.pagingSeconds,
          r.dynamoSeconds,
          r.objects / r.syncSeconds,
          r.stripeRequests / r.syncSeconds,
          r.dynamoWrites / r.syncSeconds,
          r.stripeRequests,
          r.dynamoWrites);
    }
    out.printf(
        "%nobjects: listed by Stripe over all mirrored types. ratio: sync s / paging s (target"
            + " <= 1.3). Dynamo s: time the sync spent in DynamoDB calls, added up (they overlap"
            + " the Stripe reads). Stripe rq: requests the layer saw during the sync (lists and"
            + " events)."
            + " Dynamo wr: DynamoDB write calls during the sync (mirror, checkpoints, ledger).%n");
  }

  private record Result(
      long objects,
      double pagingSeconds,
      double syncSeconds,
      long stripeRequests,
      long dynamoWrites,
      double dynamoSeconds) {}

  private Result measure() throws Exception {
    long pagingStarted = System.nanoTime();
    long objects = pageEverything();
    double pagingSeconds = seconds(pagingStarted);

    OrgId org = OrgId.generate(new SecureRandom());
    writableVault.put(org, SecretPurpose.SYNC, syncKey);
    OrgSync sync =
        SyncEngine.orgSync(
            dynamo,
            kms,
            secrets,
            new DynamoDbMirrorStore(dynamo, settings.tableName(), new byte[32], Clock.systemUTC()),
            rate,
            Backoff.standard());
    try {
      layer("POST", "/_layer/reset");
      recorder.drain();
      long syncStarted = System.nanoTime();
      OrgSync.Outcome outcome = sync.run(org, () -> Duration.ofMinutes(15));
      double syncSeconds = seconds(syncStarted);
      if (outcome != OrgSync.Outcome.COMPLETED) {
        throw new IllegalStateException("the sync ended " + outcome);
      }
      double dynamoSeconds = recorder.busySeconds();
      long writes = recorder.drain().stream().filter(SyncBenchmark::isWrite).count();
      long requests = JSON.readTree(layer("GET", "/_layer/stats")).get("total").asLong();
      return new Result(objects, pagingSeconds, syncSeconds, requests, writes, dynamoSeconds);
    } finally {
      orgs.deleteOrgData(org);
      writableVault.delete(org, SecretPurpose.SYNC);
    }
  }

  /** Pages every list the sync reads, as it reads them, at the same rate; the objects listed. */
  private long pageEverything() throws Exception {
    RateLimiter limiter = new RateLimiter(rate, System::nanoTime, Sleeper.THREAD);
    long objects = 0;
    for (ObjectType type : OrgSync.BACKFILL_ORDER) {
      String after = null;
      boolean more = true;
      while (more) {
        limiter.acquire();
        JsonNode page =
            JSON.readTree(
                syncKeyClient
                    .rawRequest(RequestMethod.GET, OrgSync.listPath(type, after), null)
                    .body());
        JsonNode data = page.get("data");
        objects += data.size();
        more = page.get("has_more").asBoolean() && !data.isEmpty();
        after = data.isEmpty() ? after : data.get(data.size() - 1).get("id").asText();
      }
    }
    return objects;
  }

  private static boolean isWrite(SdkRequest request) {
    return request instanceof PutItemRequest
        || request instanceof UpdateItemRequest
        || request instanceof DeleteItemRequest
        || request instanceof BatchWriteItemRequest
        || request instanceof TransactWriteItemsRequest;
  }

  private void seed(int customers) throws Exception {
    HttpResponse<String> cleared = http("DELETE", env("LOCALSTRIPE_URL") + "/_config/data");
    if (cleared.statusCode() != 200) {
      throw new IllegalStateException("could not clear localstripe: " + cleared.statusCode());
    }
    String product = stripe("/v1/products", "name=Sync+benchmark&type=service").get("id").asText();
    String plan =
        stripe("/v1/plans", "product=" + product + "&amount=1500&currency=usd&interval=month")
            .get("id")
            .asText();
    for (int c = 0; c < customers; c++) {
      String email = "email=sync-bench-" + c + "%40example.com";
      if (c % 10 != 0) {
        stripe("/v1/customers", email);
        continue;
      }
      String token =
          stripe(
                  "/v1/tokens",
                  "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123")
              .get("id")
              .asText();
      String customer = stripe("/v1/customers", email + "&source=" + token).get("id").asText();
      stripe("/v1/subscriptions", "customer=" + customer + "&items[0][plan]=" + plan);
    }
  }

  private JsonNode stripe(String path, String form) throws Exception {
    return JSON.readTree(localStripe.rawRequest(RequestMethod.POST, path, form).body());
  }

  private String layer(String method, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = http(method, settings.stripeApiBase() + path);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(method + " " + path + ": " + response.statusCode());
    }
    return response.body();
  }

  private static HttpResponse<String> http(String method, String url)
      throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(URI.create(url))
              .method(method, HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "environment variable " + name + " is not set: run through infra/bench/sync");
    }
    return value;
  }
}
