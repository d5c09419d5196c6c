package com.agentbilly.local.bench;

import static com.agentbilly.local.bench.Latencies.millis;
import static com.agentbilly.local.bench.Latencies.percentile;

import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.api.ApiHandler;
import com.agentbilly.api.ApiRoutes;
import com.agentbilly.config.AwsClients;
import com.agentbilly.config.Settings;
import com.agentbilly.config.StackSecrets;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.Json;
import com.agentbilly.testing.ApiEvents;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The reads benchmark ({@code infra/bench/reads}): list and customer-view requests through {@link
 * ApiHandler#handle} in-process, against the local stack's DynamoDB (moto). For every request it
 * records the DynamoDB calls the handler made (membership check included) and replays exactly those
 * calls, one after the other, on a bare client: the floor. Prints requests/s, p50 and p99 of
 * handler latency and of the floor, and their ratio (target: at most 1.5).
 *
 * <p>Arguments: {@code --requests N} (measured requests per scenario, default 50), {@code --warmup
 * N} (default 10), {@code --customers N} (seeded customers, default 40). Seeds a fresh org and
 * erases it at the end.
 */
public final class ReadsBenchmark {

  private static final String USER = "bench-reader";
  private static final long BASE_CREATED = 1_700_000_000L;

  private final DynamoDbClient bare;
  private final CallRecorder recorder;
  private final ApiHandler handler;
  private final DynamoDbMirrorStore mirror;
  private final DynamoDbOrgStore orgs;
  private final OrgId org = OrgId.generate(new SecureRandom());

  private ReadsBenchmark(Settings settings) {
    this.recorder = new CallRecorder();
    DynamoDbClient recorded =
        DynamoDbClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(c -> c.addExecutionInterceptor(recorder))
            .build();
    this.bare = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    StackSecrets secrets = new StackSecrets(AwsClients::secretsManager, settings);
    Clock clock = Clock.systemUTC();
    String table = settings.tableName();
    this.orgs = new DynamoDbOrgStore(recorded, table);
    this.mirror = new DynamoDbMirrorStore(recorded, table, secrets::cursorKey, clock);
    this.handler =
        new ApiHandler(ApiRoutes.router(BenchApi.services(recorded, settings, secrets, clock)));
  }

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    Map<String, Integer> options = options(args);
    BenchStack.bootstrapIfMissing(Settings.fromEnvironment());
    ReadsBenchmark benchmark = new ReadsBenchmark(Settings.fromEnvironment());
    try {
      benchmark.run(
          options.get("--requests"),
          options.get("--warmup"),
          options.get("--customers"),
          System.out);
    } finally {
      benchmark.orgs.deleteOrgData(benchmark.org);
    }
  }

  private static Map<String, Integer> options(String[] args) {
    Map<String, Integer> options = new LinkedHashMap<>();
    options.put("--requests", 50);
    options.put("--warmup", 10);
    options.put("--customers", 40);
    for (int i = 0; i < args.length; i += 2) {
      if (!options.containsKey(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "Unknown or incomplete option "
                + args[i]
                + "; use "
                + String.join(", ", options.keySet())
                + " followed by a number.");
      }
      options.put(args[i], Integer.parseInt(args[i + 1]));
    }
    return options;
  }

  private void run(int requests, int warmup, int customers, PrintStream out) {
    long seeded = seed(customers);
    out.printf(
        Locale.ROOT,
        "Seeded org %s with %d mirrored objects. %d warm-up + %d measured requests per scenario,"
            + " one thread.%n%n",
        org.value(),
        seeded,
        warmup,
        requests);
    String cursor = nextCursor(list("customers").query("limit", "25"));
    Map<String, Supplier<ApiEvents>> scenarios = new LinkedHashMap<>();
    scenarios.put("customers, limit 25", () -> list("customers").query("limit", "25"));
    scenarios.put(
        "customers, page 2 (cursor)",
        () -> list("customers").query("limit", "25").query("cursor", cursor));
    scenarios.put("customers, email=", () -> list("customers").query("email", "c7@bench.test"));
    scenarios.put(
        "subscriptions, status=active", () -> list("subscriptions").query("status", "active"));
    scenarios.put("invoices, customer=", () -> list("invoices").query("customer", "cus_3"));
    scenarios.put("charges, limit 100", () -> list("charges").query("limit", "100"));
    scenarios.put("products (+ prices), limit 10", () -> list("products").query("limit", "10"));
    scenarios.put("customer view", () -> one("customers", "cus_3"));
    scenarios.put("one charge", () -> one("charges", "ch_5"));

    out.printf(
        Locale.ROOT,
        "%-32s %6s %8s %9s %9s %9s %9s %7s %7s%n",
        "scenario",
        "calls",
        "req/s",
        "p50 ms",
        "p99 ms",
        "floor p50",
        "floor p99",
        "x p50",
        "x p99");
    for (Map.Entry<String, Supplier<ApiEvents>> scenario : scenarios.entrySet()) {
      Result result = measure(scenario.getValue(), requests, warmup);
      out.printf(
          Locale.ROOT,
          "%-32s %6.1f %8.0f %9.2f %9.2f %9.2f %9.2f %7.2f %7.2f%n",
          scenario.getKey(),
          result.callsPerRequest,
          result.requestsPerSecond,
          millis(percentile(result.handler, 50)),
          millis(percentile(result.handler, 99)),
          millis(percentile(result.floor, 50)),
          millis(percentile(result.floor, 99)),
          (double) percentile(result.handler, 50) / percentile(result.floor, 50),
          (double) percentile(result.handler, 99) / percentile(result.floor, 99));
    }
    out.printf(
        "%ncalls: DynamoDB calls per request (membership GetItem included). floor: those calls"
            + " replayed back to back on a bare client. x: handler / floor (target <= 1.5).%n");
  }

  private record Result(
      long[] handler, long[] floor, double callsPerRequest, double requestsPerSecond) {}

  private Result measure(Supplier<ApiEvents> request, int requests, int warmup) {
    for (int i = 0; i < warmup; i++) {
      recorder.drain();
      handle(request.get().build());
      replay(recorder.drain());
    }
    long[] handlerNanos = new long[requests];
    long[] floorNanos = new long[requests];
    long calls = 0;
    long handlerTotal = 0;
    for (int i = 0; i < requests; i++) {
      APIGatewayProxyRequestEvent event = request.get().build();
      recorder.drain();
      long started = System.nanoTime();
      handle(event);
      handlerNanos[i] = System.nanoTime() - started;
      handlerTotal += handlerNanos[i];
      List<SdkRequest> made = recorder.drain();
      calls += made.size();
      floorNanos[i] = replay(made);
    }
    Arrays.sort(handlerNanos);
    Arrays.sort(floorNanos);
    return new Result(
        handlerNanos,
        floorNanos,
        (double) calls / requests,
        requests / (handlerTotal / 1_000_000_000.0));
  }

  private void handle(APIGatewayProxyRequestEvent event) {
    APIGatewayProxyResponseEvent response = handler.handle(event, null);
    if (response.getStatusCode() != 200) {
      throw new IllegalStateException(
          event.getPath() + " answered " + response.getStatusCode() + ": " + response.getBody());
    }
  }

  /** The calls back to back on the bare client; their total time. */
  private long replay(List<SdkRequest> calls) {
    long started = System.nanoTime();
    for (SdkRequest call : calls) {
      switch (call) {
        case QueryRequest query -> bare.query(query);
        case GetItemRequest get -> bare.getItem(get);
        default ->
            throw new IllegalStateException(
                "A read made an unexpected DynamoDB call: " + call.getClass().getSimpleName());
      }
    }
    return System.nanoTime() - started;
  }

  private String nextCursor(ApiEvents request) {
    APIGatewayProxyResponseEvent response = handler.handle(request.build(), null);
    try {
      return Json.read(response.getBody()).get("next_cursor").asText();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Not JSON: " + response.getBody(), e);
    }
  }

  private ApiEvents list(String list) {
    return ApiEvents.request("GET", "/orgs/{org}/" + list)
        .path("org", org.value())
        .as(USER, USER + "@bench.test");
  }

  private ApiEvents one(String list, String id) {
    return ApiEvents.request("GET", "/orgs/{org}/" + list + "/{id}")
        .path("org", org.value())
        .path("id", id)
        .as(USER, USER + "@bench.test");
  }

  /** A fresh org with the user as viewer, and a mirror of realistic proportions. */
  private long seed(int customers) {
    Instant now = Instant.now();
    orgs.createOrg(
        new Org(org, "Reads benchmark", Mode.TEST, null, false, now, USER),
        new Membership(org, "Reads benchmark", USER, USER + "@bench.test", Role.VIEWER, now));
    long written = 0;
    List<String> subscriptionStatuses = List.of("active", "active", "past_due", "canceled");
    for (int c = 0; c < customers; c++) {
      String customer = "cus_" + c;
      ObjectNode object = stripeObject(customer, "customer", c);
      object.put("email", "c" + c + "@bench.test").put("name", "Customer " + c);
      object.putObject("address").put("country", "DE").put("postal_code", "10115");
      written += write(ObjectType.CUSTOMER, object);
      for (int s = 0; s < 2; s++) {
        ObjectNode subscription = stripeObject("sub_" + c + "_" + s, "subscription", c);
        subscription
            .put("customer", customer)
            .put("status", subscriptionStatuses.get((c + s) % subscriptionStatuses.size()))
            .put("currency", "usd");
        ObjectNode item = subscription.putObject("items").putArray("data").addObject();
        item.put("id", "si_" + c + "_" + s).put("quantity", 1);
        item.putObject("price")
            .put("id", "price_" + (c % 5))
            .put("unit_amount", 1500)
            .put("currency", "usd");
        written += write(ObjectType.SUBSCRIPTION, subscription);
      }
      for (int i = 0; i < 6; i++) {
        ObjectNode invoice = stripeObject("in_" + c + "_" + i, "invoice", c * 10 + i);
        invoice
            .put("customer", customer)
            .put("status", i == 0 ? "open" : "paid")
            .put("amount_due", 1500)
            .put("amount_paid", i == 0 ? 0 : 1500)
            .put("currency", "usd");
        invoice.putArray("lines").addObject().put("amount", 1500).put("description", "Plan");
        written += write(ObjectType.INVOICE, invoice);
        ObjectNode charge = stripeObject("ch_" + (c * 6 + i), "charge", c * 10 + i);
        charge
            .put("customer", customer)
            .put("status", i == 3 ? "failed" : "succeeded")
            .put("amount", 1500)
            .put("currency", "usd")
            .put("invoice", "in_" + c + "_" + i);
        charge.putObject("outcome").put("risk_score", 20).put("seller_message", "ok");
        written += write(ObjectType.CHARGE, charge);
      }
    }
    for (int p = 0; p < 10; p++) {
      ObjectNode product = stripeObject("prod_" + p, "product", p);
      product.put("name", "Product " + p).put("active", true);
      written += write(ObjectType.PRODUCT, product);
      for (int q = 0; q < 3; q++) {
        ObjectNode price = stripeObject("price_" + p + "_" + q, "price", p * 10 + q);
        price
            .put("product", "prod_" + p)
            .put("active", true)
            .put("unit_amount", 500 * (q + 1))
            .put("currency", "usd");
        price.putObject("recurring").put("interval", "month").put("interval_count", 1);
        written += write(ObjectType.PRICE, price);
      }
    }
    return written;
  }

  private static ObjectNode stripeObject(String id, String object, long offset) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("id", id)
        .put("object", object)
        .put("created", BASE_CREATED + offset * 60)
        .put("livemode", false);
    node.putObject("metadata").put("source", "bench");
    return node;
  }

  private int write(ObjectType type, ObjectNode object) {
    mirror.write(
        org,
        new MirrorDocument(
            type, object.get("id").asText(), object.toString(), Instant.now(), false));
    return 1;
  }
}
