package com.agentbilly.local.bench;

import static com.agentbilly.local.bench.Latencies.millis;
import static com.agentbilly.local.bench.Latencies.percentile;

import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.http.Json;
import com.agentbilly.local.CognitoSignIn;
import com.agentbilly.local.bench.LoadEvents.Contribution;
import com.agentbilly.local.bench.LoadEvents.Delivery;
import com.agentbilly.local.bench.LoadEvents.State;
import com.agentbilly.local.bench.LoadEvents.StripeObject;
import com.agentbilly.testing.StripeSignatures;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.MessageActionType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A bounded load on the local stack through the dev gateway, loopback only (issue #14 item 3), and
 * the check that follows it. Used by {@code LoadBenchmark} ({@code infra/bench/load}) and {@code
 * LoadIT}.
 *
 * <ol>
 *   <li>Setup, through the API: an owner (a new Cognito user, signed in as the browser does)
 *       creates the orgs and sets a webhook secret on each; readers (new users too) are added to
 *       every org as viewers, the way an accepted invitation does.
 *   <li>Load: sender threads post the {@link LoadEvents} deliveries, each signed with its org's
 *       secret when sent, to the webhook function's URL, while reader threads read lists and the
 *       summary of random orgs as members through the API, until every delivery is sent or the time
 *       is up. Latency of every request is recorded; answers other than 2xx are counted by status
 *       and error code.
 *   <li>Check (the mirror read through the AWS SDK): every acknowledged event is in its org's event
 *       ledger, once, and nothing else is; every event got exactly one first answer ({@code
 *       "duplicate": false}) and its other deliveries were answered as duplicates; every object
 *       holds its newest acknowledged state (snapshot, tombstone, data); and every org's summary —
 *       the aggregates that a doubly applied event would throw off — equals the sum of those
 *       states.
 *   <li>Clean-up: the orgs are deleted through the API, the users from the pool.
 * </ol>
 */
public final class LoadRun {

  /** Reads spread over these, in turn ({@code %s} is the org). */
  private static final List<String> READS =
      List.of(
          "/orgs/%s/customers",
          "/orgs/%s/summary",
          "/orgs/%s/subscriptions?status=active",
          "/orgs/%s/charges",
          "/orgs/%s/invoices?status=paid",
          "/orgs/%s/products",
          "/orgs/%s/refunds",
          "/orgs/%s/customers?limit=100&include_deleted=true");

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final int SETUP_ATTEMPTS = 20;

  /** How big and how long. */
  public record Options(
      int orgs, int events, int senders, int readers, Duration limit, double redeliveryShare) {

    public Options {
      if (orgs < 1 || events < orgs || senders < 1 || readers < 0 || limit.isNegative()) {
        throw new IllegalArgumentException(
            "need orgs >= 1, events >= orgs, senders >= 1, readers >= 0 and a time limit");
      }
    }
  }

  /** The stack under load: the dev gateway's API and function URL, the user pool, the table. */
  public record Target(URI api, URI webhook, String userPoolId, String clientId, String table) {

    public Target {
      requireLoopback(api);
      requireLoopback(webhook);
    }
  }

  /** Requests of one kind: latencies (sorted, ns), the span they were sent in, other answers. */
  public record Traffic(long[] latencies, long wallNanos, Map<String, Long> notOk) {

    public long count() {
      return latencies.length;
    }

    public double perSecond() {
      return wallNanos == 0 ? 0 : latencies.length / (wallNanos / 1e9);
    }

    /** Answers with a 5xx status, and requests that got no answer at all. */
    public long serverErrorsOrNoAnswer() {
      return notOk.entrySet().stream()
          .filter(e -> e.getKey().startsWith("5") || e.getKey().startsWith("no answer"))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }
  }

  /** What the check found; {@link #passed} when every list is empty and nothing was lost. */
  public record Check(
      int eventsSent,
      int eventsAcknowledged,
      int objectsChecked,
      int orgsChecked,
      long duplicateAnswers,
      List<String> lost,
      List<String> ledger,
      List<String> answers,
      List<String> objects,
      List<String> summaries) {

    public boolean passed() {
      return lost.isEmpty()
          && ledger.isEmpty()
          && answers.isEmpty()
          && objects.isEmpty()
          && summaries.isEmpty();
    }

    /** Every problem found, one per line (the first few of each kind). */
    public List<String> problems() {
      List<String> all = new ArrayList<>();
      for (List<String> kind : List.of(lost, ledger, answers, objects, summaries)) {
        all.addAll(kind.subList(0, Math.min(kind.size(), 5)));
        if (kind.size() > 5) {
          all.add("… and " + (kind.size() - 5) + " more like it");
        }
      }
      return all;
    }
  }

  /** The run's figures and the check. */
  public record Report(
      Options options,
      int planned,
      int sent,
      int redeliveriesSent,
      Traffic webhooks,
      Traffic reads,
      Check check) {

    /** Prints the table and the check's result. */
    public void print(PrintStream out) {
      out.printf(
          Locale.ROOT,
          "Load through the dev gateway (loopback): %d orgs, %d webhook senders, %d readers;"
              + " %d deliveries planned (%d redeliveries), at most %d s.%n%n",
          options.orgs(),
          options.senders(),
          options.readers(),
          planned,
          Math.round(planned * options.redeliveryShare()),
          options.limit().toSeconds());
      out.printf(
          Locale.ROOT,
          "%-22s %7s %9s %8s %8s %8s  %s%n",
          "",
          "count",
          "per s",
          "p50 ms",
          "p99 ms",
          "max ms",
          "answers other than 2xx");
      row(out, "webhook deliveries", webhooks);
      row(out, "API reads", reads);
      out.printf(
          Locale.ROOT,
          "%nSent %d of %d deliveries in %.1f s: %d distinct events, %d redeliveries.%n",
          sent,
          planned,
          webhooks.wallNanos() / 1e9,
          check.eventsSent(),
          redeliveriesSent);
      out.printf(
          Locale.ROOT,
          "Check: %d events acknowledged, %d answered as duplicates; %d objects and %d summaries"
              + " compared with the mirror: %s%n",
          check.eventsAcknowledged(),
          check.duplicateAnswers(),
          check.objectsChecked(),
          check.orgsChecked(),
          check.passed()
              ? "PASSED (each event in the ledger once, each object at its newest state,"
                  + " each summary as the events add up)"
              : "FAILED");
      for (String problem : check.problems()) {
        out.println("  " + problem);
      }
    }

    private static void row(PrintStream out, String name, Traffic traffic) {
      long[] sorted = traffic.latencies();
      boolean none = sorted.length == 0;
      out.printf(
          Locale.ROOT,
          "%-22s %7d %9.1f %8s %8s %8s  %s%n",
          name,
          traffic.count(),
          traffic.perSecond(),
          none ? "-" : String.format(Locale.ROOT, "%.2f", millis(percentile(sorted, 50))),
          none ? "-" : String.format(Locale.ROOT, "%.2f", millis(percentile(sorted, 99))),
          none ? "-" : String.format(Locale.ROOT, "%.2f", millis(sorted[sorted.length - 1])),
          traffic.notOk().isEmpty() ? "none" : traffic.notOk().toString());
    }
  }

  private record User(String email, String sub, String token) {}

  private record LoadOrg(OrgId id, String name, String secret) {}

  private record Answer(int status, String body, long nanos) {}

  private final Target target;
  private final Options options;
  private final PrintStream progress;
  private final String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final DynamoDbClient dynamo =
      DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
  private final CognitoIdentityProviderClient cognito =
      CognitoIdentityProviderClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
  private final List<User> users = new ArrayList<>();
  private final List<LoadOrg> orgs = new ArrayList<>();
  private User owner;

  private LoadRun(Target target, Options options, PrintStream progress) {
    this.target = target;
    this.options = options;
    this.progress = progress;
  }

  /**
   * Sets up, loads, checks and cleans up; progress lines go to {@code progress}. Throws if the
   * setup fails; a failed check is in the report.
   */
  public static Report run(Target target, Options options, PrintStream progress)
      throws InterruptedException {
    LoadRun run = new LoadRun(target, options, progress);
    try {
      run.setUp();
      return run.load();
    } finally {
      run.cleanUp();
    }
  }

  // ---------------------------------------------------------------- setup

  private void setUp() throws InterruptedException {
    progress.printf(
        Locale.ROOT, "== setting up %d orgs and %d readers%n", options.orgs(), options.readers());
    owner = newUser("owner");
    DynamoDbOrgStore orgStore = new DynamoDbOrgStore(dynamo, target.table());
    List<User> readers = new ArrayList<>();
    for (int i = 0; i < options.readers(); i++) {
      readers.add(newUser("reader" + i));
    }
    for (int i = 0; i < options.orgs(); i++) {
      String name = "Load " + tag + " " + i;
      JsonNode created =
          setupCall("POST", "/orgs", Map.of("name", name, "mode", "test"), 201).orElseThrow();
      OrgId org = new OrgId(created.get("org_id").asText());
      String secret = "whsec_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
      orgs.add(new LoadOrg(org, name, secret));
      setupCall("PUT", "/orgs/" + org.value() + "/webhook-secret", Map.of("secret", secret), 200);
      for (User reader : readers) {
        orgStore.putMembership(
            new Membership(org, name, reader.sub(), reader.email(), Role.VIEWER, Instant.now()));
      }
    }
  }

  /** A new verified user in the pool, signed in with USER_PASSWORD_AUTH. */
  private User newUser(String role) {
    String email = "load-" + tag + "-" + role + "@load.test";
    String pool = target.userPoolId();
    cognito.adminCreateUser(
        r ->
            r.userPoolId(pool)
                .username(email)
                .messageAction(MessageActionType.SUPPRESS)
                .userAttributes(
                    AttributeType.builder().name("email").value(email).build(),
                    AttributeType.builder().name("email_verified").value("true").build()));
    User placeholder = new User(email, null, null);
    users.add(placeholder);
    String password =
        "Pw1"
            + HexFormat.of().formatHex(new SecureRandom().generateSeed(8)).toUpperCase(Locale.ROOT)
            + HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
    cognito.adminSetUserPassword(
        r -> r.userPoolId(pool).username(email).password(password).permanent(true));
    String sub =
        cognito.adminGetUser(r -> r.userPoolId(pool).username(email)).userAttributes().stream()
            .filter(a -> a.name().equals("sub"))
            .map(AttributeType::value)
            .findFirst()
            .orElseThrow();
    String token;
    try (CognitoSignIn signIn = new CognitoSignIn(target.clientId())) {
      token = signIn.signIn(email, password);
    }
    User user = new User(email, sub, token);
    users.set(users.indexOf(placeholder), user);
    return user;
  }

  /**
   * An owner's call of the setup, the check or the clean-up: a 429 of the member quota is tried
   * again a second later; any other answer than {@code expected} fails.
   */
  private Optional<JsonNode> setupCall(String method, String path, Object body, int expected)
      throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      Answer answer =
          send(api(method, path, owner.token(), body == null ? null : Json.write(body)));
      if (answer.status() == 429 && attempt < SETUP_ATTEMPTS) {
        Thread.sleep(1000);
        continue;
      }
      if (answer.status() != expected) {
        throw new IllegalStateException(
            method + " " + path + " answered " + answer.status() + ": " + answer.body());
      }
      return answer.body().isEmpty() ? Optional.empty() : Optional.of(parse(answer.body()));
    }
  }

  // ---------------------------------------------------------------- load

  private Report load() throws InterruptedException {
    LoadEvents events =
        LoadEvents.plan(
            options.orgs(),
            options.events(),
            options.redeliveryShare(),
            tag,
            Instant.now(),
            new SecureRandom().nextLong());
    List<Delivery> deliveries = events.deliveries();
    int total = deliveries.size();
    int[] status = new int[total];
    boolean[] duplicate = new boolean[total];
    long[] nanos = new long[total];
    Map<String, LongAdder> webhookNotOk = new ConcurrentHashMap<>();
    Map<String, LongAdder> readNotOk = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean sending = new AtomicBoolean(true);
    progress.printf(
        Locale.ROOT,
        "== loading: %d deliveries, %d senders, %d readers, at most %d s%n",
        total,
        options.senders(),
        options.readers(),
        options.limit().toSeconds());

    long started = System.nanoTime();
    long deadline = started + options.limit().toNanos();
    List<Thread> senders = new ArrayList<>();
    for (int s = 0; s < options.senders(); s++) {
      senders.add(
          Thread.ofPlatform()
              .name("load-sender-" + s)
              .start(
                  () -> {
                    for (int i = next.getAndIncrement();
                        i < total && System.nanoTime() < deadline;
                        i = next.getAndIncrement()) {
                      Answer answer = deliver(deliveries.get(i));
                      status[i] = answer.status();
                      nanos[i] = answer.nanos();
                      if (answer.status() == 200) {
                        duplicate[i] = parse(answer.body()).path("duplicate").asBoolean();
                      } else {
                        count(webhookNotOk, answer);
                      }
                    }
                  }));
    }
    List<List<Long>> readLatencies = new ArrayList<>();
    List<Thread> readers = new ArrayList<>();
    List<User> readerUsers = users.subList(1, users.size());
    for (int r = 0; r < readerUsers.size(); r++) {
      User reader = readerUsers.get(r);
      List<Long> latencies = new ArrayList<>();
      readLatencies.add(latencies);
      SplittableRandom random = new SplittableRandom(r);
      int first = r;
      readers.add(
          Thread.ofPlatform()
              .name("load-reader-" + r)
              .start(
                  () -> {
                    for (int k = first; sending.get() && System.nanoTime() < deadline; k++) {
                      String org = orgs.get(random.nextInt(orgs.size())).id().value();
                      String path = READS.get(k % READS.size()).formatted(org);
                      Answer answer = send(api("GET", path, reader.token(), null));
                      latencies.add(answer.nanos());
                      if (answer.status() / 100 != 2) {
                        count(readNotOk, answer);
                      }
                    }
                  }));
    }
    for (Thread sender : senders) {
      sender.join();
    }
    long sendersDone = System.nanoTime();
    sending.set(false);
    for (Thread reader : readers) {
      reader.join();
    }
    long readersDone = System.nanoTime();

    int sent = 0;
    List<Long> webhookLatencies = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      if (status[i] != 0) {
        sent++;
        webhookLatencies.add(nanos[i]);
      }
    }
    Set<String> seen = new HashSet<>();
    int redeliveriesSent = 0;
    for (int i = 0; i < total; i++) {
      if (status[i] != 0 && !seen.add(deliveries.get(i).event().eventId())) {
        redeliveriesSent++;
      }
    }
    progress.printf(Locale.ROOT, "== checking the mirror%n");
    Check check = check(events, status, duplicate);
    return new Report(
        options,
        total,
        sent,
        redeliveriesSent,
        new Traffic(sorted(webhookLatencies), sendersDone - started, frozen(webhookNotOk)),
        new Traffic(
            sorted(readLatencies.stream().flatMap(List::stream).toList()),
            readersDone - started,
            frozen(readNotOk)),
        check);
  }

  private Answer deliver(Delivery delivery) {
    LoadOrg org = orgs.get(delivery.org());
    String body = delivery.event().body();
    return send(
        HttpRequest.newBuilder(target.webhook().resolve("/orgs/" + org.id().value()))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .header(
                "Stripe-Signature",
                StripeSignatures.of(body).secret(org.secret()).at(Instant.now()).header())
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private HttpRequest api(String method, String path, String token, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target.api().resolve(path))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", token);
    if (body == null) {
      return request.method(method, HttpRequest.BodyPublishers.noBody()).build();
    }
    return request
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** Sends and times a request; status 0 never happens, -1 is no answer (timeout, I/O error). */
  private Answer send(HttpRequest request) {
    long started = System.nanoTime();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body(), System.nanoTime() - started);
    } catch (IOException e) {
      return new Answer(-1, e.getClass().getSimpleName(), System.nanoTime() - started);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "interrupted", System.nanoTime() - started);
    }
  }

  /** Counts an answer by status and error code ({@code 429 rate_limited}), or as no answer. */
  private static void count(Map<String, LongAdder> counts, Answer answer) {
    String key;
    if (answer.status() < 0) {
      key = "no answer (" + answer.body() + ")";
    } else {
      String code = "";
      try {
        JsonNode body = Json.read(answer.body());
        code = body.path("error").path("code").asText(body.path("message").asText(""));
      } catch (JsonProcessingException notJson) {
        // counted by status alone
      }
      key = (answer.status() + " " + code).trim();
    }
    counts.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  // ---------------------------------------------------------------- check

  private Check check(LoadEvents events, int[] status, boolean[] duplicate)
      throws InterruptedException {
    List<Delivery> deliveries = events.deliveries();
    Map<String, Integer> firstAnswers = new HashMap<>();
    Set<String> sent = new HashSet<>();
    Set<String> acknowledged = new HashSet<>();
    long duplicateAnswers = 0;
    for (int i = 0; i < deliveries.size(); i++) {
      String id = deliveries.get(i).event().eventId();
      if (status[i] != 0) {
        sent.add(id);
      }
      if (status[i] == 200) {
        acknowledged.add(id);
        if (duplicate[i]) {
          duplicateAnswers++;
        } else {
          firstAnswers.merge(id, 1, Integer::sum);
        }
      }
    }
    List<String> lost = new ArrayList<>();
    for (String id : sent) {
      if (!acknowledged.contains(id)) {
        lost.add(id + " was sent but never answered 200");
      }
    }
    List<String> answers = new ArrayList<>();
    for (String id : acknowledged) {
      int first = firstAnswers.getOrDefault(id, 0);
      if (first != 1) {
        answers.add(id + " was answered as new " + first + " times, not once");
      }
    }

    List<String> ledger = new ArrayList<>();
    for (int o = 0; o < orgs.size(); o++) {
      OrgId org = orgs.get(o).id();
      Set<String> expected = new HashSet<>();
      Set<String> mayBe = new HashSet<>();
      for (Delivery delivery : deliveries) {
        String id = delivery.event().eventId();
        if (delivery.org() == o && acknowledged.contains(id)) {
          expected.add(id);
        }
        if (delivery.org() == o && sent.contains(id)) {
          mayBe.add(id);
        }
      }
      List<String> recorded = ledgerIds(org);
      Set<String> once = new HashSet<>(recorded);
      if (once.size() != recorded.size()) {
        ledger.add(org.value() + ": the ledger holds an event id more than once");
      }
      for (String id : expected) {
        if (!once.contains(id)) {
          ledger.add(org.value() + ": acknowledged " + id + " is not in the ledger");
        }
      }
      for (String id : once) {
        if (!mayBe.contains(id)) {
          ledger.add(org.value() + ": the ledger holds " + id + ", never sent to this org");
        }
      }
    }

    DynamoDbMirrorStore mirror =
        new DynamoDbMirrorStore(dynamo, target.table(), new byte[32], Clock.systemUTC());
    List<String> objects = new ArrayList<>();
    Map<Integer, Contribution> expectedSummaries = new HashMap<>();
    int objectsChecked = 0;
    for (StripeObject object : events.objects()) {
      Optional<State> newest =
          object.states().stream()
              .filter(s -> acknowledged.contains(s.eventId()))
              .reduce((a, b) -> b.created() > a.created() ? b : a);
      if (newest.isEmpty()) {
        continue;
      }
      State state = newest.get();
      objectsChecked++;
      expectedSummaries.merge(object.org(), state.contribution(), Contribution::plus);
      OrgId org = orgs.get(object.org()).id();
      Optional<MirrorItem> item = mirror.get(org, object.type(), object.id());
      String problem = compare(state, item);
      if (problem != null) {
        objects.add(org.value() + " " + object.id() + ": " + problem);
      }
    }

    List<String> summaries = new ArrayList<>();
    for (int o = 0; o < orgs.size(); o++) {
      String org = orgs.get(o).id().value();
      JsonNode summary = setupCall("GET", "/orgs/" + org + "/summary", null, 200).orElseThrow();
      Contribution actual = Contribution.NONE;
      for (JsonNode line : summary.path("by_currency")) {
        if (line.path("currency").asText().equals("usd")) {
          actual =
              new Contribution(
                  line.path("mrr").asLong(),
                  line.path("active_subscriptions").asInt(),
                  line.path("trialing_subscriptions").asInt(),
                  line.path("revenue_30d").asLong(),
                  line.path("refunded_30d").asLong(),
                  line.path("failed_charges_30d").asInt());
        }
      }
      Contribution expected = expectedSummaries.getOrDefault(o, Contribution.NONE);
      if (!actual.equals(expected)) {
        summaries.add(org + ": summary " + actual + ", the events add up to " + expected);
      }
    }
    return new Check(
        sent.size(),
        acknowledged.size(),
        objectsChecked,
        orgs.size(),
        duplicateAnswers,
        lost,
        ledger,
        answers,
        objects,
        summaries);
  }

  /** What differs between the newest acknowledged state and the mirror's item; null if nothing. */
  private static String compare(State expected, Optional<MirrorItem> stored) {
    if (stored.isEmpty()) {
      return "not in the mirror";
    }
    MirrorItem item = stored.get();
    if (item.snapshot().getEpochSecond() != expected.created()) {
      return "snapshot "
          + item.snapshot()
          + ", but the newest acknowledged event is of "
          + Instant.ofEpochSecond(expected.created());
    }
    if (item.deleted() != expected.deleted()) {
      return "deleted " + item.deleted() + ", expected " + expected.deleted();
    }
    JsonNode held = parse(item.json());
    if (!held.equals(parse(expected.body()).path("data").path("object"))) {
      return "holds state "
          + held.path("metadata").path("load_state").asText()
          + ", not the data of state "
          + expected.number();
    }
    return null;
  }

  /** The event ids in an org's ledger ({@code ORG#<org>#EVT}, one item per id), by Query. */
  private List<String> ledgerIds(OrgId org) {
    List<String> ids = new ArrayList<>();
    dynamo
        .queryPaginator(
            q ->
                q.tableName(target.table())
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(
                        Map.of(":pk", AttributeValue.fromS("ORG#" + org.value() + "#EVT")))
                    .projectionExpression("sk")
                    .consistentRead(true))
        .items()
        .forEach(item -> ids.add(item.get("sk").s()));
    return ids;
  }

  // ---------------------------------------------------------------- clean-up

  private void cleanUp() throws InterruptedException {
    progress.printf(Locale.ROOT, "== cleaning up%n");
    try {
      for (LoadOrg org : orgs) {
        setupCall("DELETE", "/orgs/" + org.id().value(), null, 204);
      }
    } catch (RuntimeException e) {
      progress.println("warning: could not delete every load org: " + e.getMessage());
    } finally {
      for (User user : users) {
        cognito.adminDeleteUser(r -> r.userPoolId(target.userPoolId()).username(user.email()));
      }
      http.close();
      dynamo.close();
      cognito.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static JsonNode parse(String json) {
    try {
      return Json.read(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Not JSON: " + json, e);
    }
  }

  private static long[] sorted(List<Long> values) {
    long[] array = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(array);
    return array;
  }

  private static Map<String, Long> frozen(Map<String, LongAdder> counts) {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((key, value) -> out.put(key, value.sum()));
    return Collections.unmodifiableMap(out);
  }

  /** The load is for servers on this machine only: refuses any other address. */
  static void requireLoopback(URI uri) {
    try {
      if (!InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
        throw new IllegalArgumentException("Not a loopback address, refused: " + uri);
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("Unknown host, refused: " + uri, e);
    }
  }
}
