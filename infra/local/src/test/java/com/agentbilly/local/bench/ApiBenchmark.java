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
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
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
 * The api benchmark ({@code infra/bench/api}): scenarios through {@link ApiHandler#handle}
 * in-process against the local stack (moto). For every request it records the calls the handler
 * made (membership check included) and replays exactly those, one after the other, on bare clients:
 * the floor. Prints a table — requests/s, p50 and p99 of the handler and of the floor, and their
 * ratio (target for the summary: at most 1.5, whatever the size of the mirror).
 *
 * <p>Scenarios (see {@link #scenarios}): {@code GET /orgs/{org}/summary} over a mirror of each size
 * in {@code --subscriptions} (default {@code 100,10000}), each in its own org, written through the
 * real mirror store a page at a time (see {@link #seedMirror}). Then the refund round trips of
 * {@link ActionsBenchmark}, in a table of their own (they also call Stripe).
 *
 * <p>Arguments: {@code --requests N} (measured requests per scenario, default 200), {@code --warmup
 * N} (default 50), {@code --subscriptions N,N,…}, {@code --refunds N} (measured refunds per refund
 * scenario, default 30; 0 leaves them out). Erases the orgs it seeds at the end.
 */
public final class ApiBenchmark {

  private static final String USER = "bench-api";
  private static final long DAY = 86_400;
  private static final int WRITTEN_THROUGH_THE_STORE = 100;
  private static final int PAGE = 100;
  private static final int REFUND_WARMUP = 5;

  private final DynamoDbClient bare;
  private final CallRecorder recorder;
  private final ApiHandler handler;
  private final DynamoDbMirrorStore mirror;
  private final DynamoDbOrgStore orgs;
  private final List<OrgId> seeded = new ArrayList<>();

  /** One row of the table: a request made again and again, its data prepared beforehand. */
  private record Scenario(String name, Supplier<APIGatewayProxyRequestEvent> request) {}

  private ApiBenchmark(Settings settings) {
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
    Options options = Options.parse(args);
    BenchStack.bootstrapIfMissing(Settings.fromEnvironment());
    ApiBenchmark benchmark = new ApiBenchmark(Settings.fromEnvironment());
    try {
      benchmark.run(options, System.out);
    } finally {
      benchmark.seeded.forEach(benchmark.orgs::deleteOrgData);
    }
    if (options.refunds() > 0) {
      System.out.printf("%nRefund round trips (POST /orgs/{org}/refunds).%n");
      ActionsBenchmark.run(
          Settings.fromEnvironment(), options.refunds(), REFUND_WARMUP, System.out);
    }
  }

  private record Options(int requests, int warmup, List<Integer> subscriptions, int refunds) {

    static Options parse(String[] args) {
      int requests = 200;
      int warmup = 50;
      List<Integer> subscriptions = List.of(100, 10_000);
      int refunds = 30;
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("Option " + args[i] + " needs a value.");
        }
        switch (args[i]) {
          case "--requests" -> requests = Integer.parseInt(args[i + 1]);
          case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
          case "--refunds" -> refunds = Integer.parseInt(args[i + 1]);
          case "--subscriptions" ->
              subscriptions = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
          default ->
              throw new IllegalArgumentException(
                  "Unknown option "
                      + args[i]
                      + "; use --requests, --warmup, --subscriptions, --refunds.");
        }
      }
      return new Options(requests, warmup, subscriptions, refunds);
    }
  }

  /** The rows of the table, in order; each prepares its data when listed. */
  private List<Scenario> scenarios(Options options, PrintStream out) {
    List<Scenario> scenarios = new ArrayList<>();
    for (int count : options.subscriptions()) {
      OrgId org = seedMirror(count, out);
      scenarios.add(
          new Scenario(
              String.format(Locale.ROOT, "summary, %,d subscriptions", count),
              () ->
                  ApiEvents.request("GET", "/orgs/{org}/summary")
                      .path("org", org.value())
                      .as(USER, USER + "@bench.test")
                      .build()));
    }
    return scenarios;
  }

  private void run(Options options, PrintStream out) {
    List<Scenario> scenarios = scenarios(options, out);
    out.printf(
        Locale.ROOT,
        "%n%d warm-up + %d measured requests per scenario, one thread.%n%n",
        options.warmup(),
        options.requests());
    out.printf(
        Locale.ROOT,
        "%-34s %6s %8s %9s %9s %9s %9s %7s %7s%n",
        "scenario",
        "calls",
        "req/s",
        "p50 ms",
        "p99 ms",
        "floor p50",
        "floor p99",
        "x p50",
        "x p99");
    for (Scenario scenario : scenarios) {
      Result result = measure(scenario.request(), options.requests(), options.warmup());
      out.printf(
          Locale.ROOT,
          "%-34s %6.1f %8.0f %9.2f %9.2f %9.2f %9.2f %7.2f %7.2f%n",
          scenario.name(),
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
        "%ncalls: calls per request (membership GetItem included). floor: those calls replayed"
            + " back to back on a bare client. x: handler / floor (target <= 1.5).%n");
  }

  private record Result(
      long[] handler, long[] floor, double callsPerRequest, double requestsPerSecond) {}

  private Result measure(Supplier<APIGatewayProxyRequestEvent> request, int requests, int warmup) {
    for (int i = 0; i < warmup; i++) {
      recorder.drain();
      handle(request.get());
      replay(recorder.drain());
    }
    long[] handlerNanos = new long[requests];
    long[] floorNanos = new long[requests];
    long calls = 0;
    long handlerTotal = 0;
    for (int i = 0; i < requests; i++) {
      APIGatewayProxyRequestEvent event = request.get();
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
                "A scenario made an unexpected call: " + call.getClass().getSimpleName());
      }
    }
    return System.nanoTime() - started;
  }

  /**
   * A fresh org with the user as viewer and a mirror of {@code subscriptions} subscriptions in
   * several states, currencies and intervals, with a charge for every fifth and a refund for every
   * tenth charge, over 60 days: written through the mirror store a page at a time, as sync writes
   * them, so the aggregates are the ones its writes maintain.
   */
  private OrgId seedMirror(int subscriptions, PrintStream out) {
    OrgId org = OrgId.generate(new SecureRandom());
    seeded.add(org);
    Instant now = Instant.now();
    orgs.createOrg(
        new Org(org, "Api benchmark", Mode.TEST, null, false, now, USER),
        new Membership(org, "Api benchmark", USER, USER + "@bench.test", Role.VIEWER, now));
    long started = System.nanoTime();
    long today = now.getEpochSecond();
    List<String> statuses =
        List.of("active", "active", "active", "past_due", "trialing", "canceled");
    List<String> currencies = List.of("usd", "usd", "eur");
    List<String> intervals = List.of("month", "month", "year", "week");
    Map<ObjectType, List<MirrorDocument>> pages = new EnumMap<>(ObjectType.class);
    int written = 0;
    for (int s = 0; s < subscriptions; s++) {
      String currency = currencies.get(s % currencies.size());
      ObjectNode subscription = stripeObject("sub_" + s, "subscription", today - s % 60 * DAY);
      subscription
          .put("customer", "cus_" + s)
          .put("status", statuses.get(s % statuses.size()))
          .put("currency", currency);
      ObjectNode item = subscription.putObject("items").putArray("data").addObject();
      item.put("id", "si_" + s).put("quantity", 1 + s % 3);
      ObjectNode price =
          item.putObject("price")
              .put("id", "price_" + s % 7)
              .put("unit_amount", 500 + 100 * (s % 20))
              .put("currency", currency);
      price
          .putObject("recurring")
          .put("interval", intervals.get(s % intervals.size()))
          .put("interval_count", 1)
          .put("usage_type", "licensed");
      written += add(org, pages, ObjectType.SUBSCRIPTION, subscription, now);
      if (s % 5 == 0) {
        ObjectNode charge = stripeObject("ch_" + s, "charge", today - s % 60 * DAY);
        charge
            .put("customer", "cus_" + s)
            .put("status", s % 25 == 0 ? "failed" : "succeeded")
            .put("captured", true)
            .put("amount", 1500)
            .put("currency", currency);
        written += add(org, pages, ObjectType.CHARGE, charge, now);
        if (s % 50 == 0) {
          ObjectNode refund = stripeObject("re_" + s, "refund", today - s % 60 * DAY);
          refund
              .put("charge", "ch_" + s)
              .put("status", "succeeded")
              .put("amount", 500)
              .put("currency", currency);
          written += add(org, pages, ObjectType.REFUND, refund, now);
        }
      }
    }
    pages.values().forEach(page -> mirror.writeAll(org, page));
    out.printf(
        Locale.ROOT,
        "Seeded org %s: %,d mirrored objects (%,d subscriptions) in %.1f s.%n",
        org.value(),
        written,
        subscriptions,
        (System.nanoTime() - started) / 1e9);
    recorder.drain();
    return org;
  }

  /** Adds the object to its type's page, written when full; 1. */
  private int add(
      OrgId org,
      Map<ObjectType, List<MirrorDocument>> pages,
      ObjectType type,
      ObjectNode object,
      Instant snapshot) {
    List<MirrorDocument> page = pages.computeIfAbsent(type, t -> new ArrayList<>());
    page.add(
        new MirrorDocument(type, object.get("id").asText(), object.toString(), snapshot, false));
    if (page.size() == PAGE) {
      mirror.writeAll(org, List.copyOf(page));
      page.clear();
    }
    return 1;
  }

  private static ObjectNode stripeObject(String id, String object, long created) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("id", id).put("object", object).put("created", created).put("livemode", false);
    node.putObject("metadata").put("source", "bench");
    return node;
  }
}
