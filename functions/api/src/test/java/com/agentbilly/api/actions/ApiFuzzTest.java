package com.agentbilly.api.actions;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.api.TestApiServices;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.Route;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.mirror.GuardedMirrorWrite;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.testing.ApiEvents;
import com.agentbilly.testing.InMemoryAuditLog;
import com.agentbilly.testing.InMemoryIdempotencyStore;
import com.agentbilly.testing.InMemoryKeyVault;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.MutableClock;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes every route of the api function through its router, with the real use cases over in-memory
 * stores and a fake Stripe: any role, path parameters, query names and values, headers and JSON (or
 * not-JSON) body — field names of the contract with values of every JSON type, lone surrogates,
 * duplicate keys, huge strings — gets a contract answer: never a 5xx, an error code outside the
 * contract, a Stripe key in the answer, or a write at Stripe on a refused request. Bounded tries in
 * {@code make test} ({@code junit-platform.properties}); {@code infra/bench/fuzz} runs many more.
 */
class ApiFuzzTest {

  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final OrgId ORG = new OrgId("org_testapifuzzaaaaaaaaaaaaaaa");
  private static final OrgId OTHER = new OrgId("org_testapifuzzotheraaaaaaaaaa");
  private static final String CHARGE = "ch_fakeCharge1";
  private static final Set<String> CODES =
      Arrays.stream(ErrorCode.values()).map(ErrorCode::wireName).collect(Collectors.toSet());
  private static final Pattern KEY = Pattern.compile("(sk|rk)_(test|live)_[A-Za-z0-9]{8,}");
  private static final List<String> FIELDS =
      List.of(
          "charge",
          "amount",
          "reason",
          "name",
          "mode",
          "email",
          "role",
          "quantity",
          "price",
          "pause_collection",
          "proration_behavior",
          "item",
          "at_period_end",
          "code",
          "behavior",
          "resumes_at",
          "secret",
          "key");
  private static final List<String> QUERY_NAMES =
      List.of(
          "limit",
          "cursor",
          "email",
          "status",
          "customer",
          "charge",
          "active",
          "fresh",
          "include_deleted",
          "from",
          "to",
          "currency",
          "q");

  @Property
  void everyRequestToEveryRouteGetsAContractAnswer(
      @ForAll("routes") Route route,
      @ForAll("users") String user,
      @ForAll("orgs") String org,
      @ForAll("ids") String id,
      @ForAll("queries") Map<String, String> query,
      @ForAll("bodies") String body,
      @ForAll("idempotencyKeys") String idempotencyKey) {
    World world = new World();
    ApiEvents request = ApiEvents.request(route.method(), route.path());
    if (user != null) {
      request.as(user, user + "@x.test");
    }
    Matcher parameters = Pattern.compile("\\{([a-z_]+)}").matcher(route.path());
    while (parameters.find()) {
      request.path(parameters.group(1), parameters.group(1).equals("org") ? org : id);
    }
    query.forEach(request::query);
    if (body != null) {
      request.body(body).header("Content-Type", "application/json");
    }
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }

    APIGatewayProxyResponseEvent response = world.router.handle(request.build(), null);

    Statistics.label("answer").collect(response.getStatusCode());
    assertThat(response.getStatusCode()).as(route + " " + response.getBody()).isLessThan(500);
    assertThat(response.getBody() == null ? "" : response.getBody()).doesNotContainPattern(KEY);
    if (response.getStatusCode() >= 400 && response.getStatusCode() != 401) {
      JsonNode error = read(response.getBody()).get("error");
      assertThat(CODES).contains(error.get("code").asText());
      assertThat(error.get("message").asText()).isNotBlank();
      assertThat(world.stripe.writes()).as("a refused request wrote at Stripe").isEmpty();
    }
  }

  /**
   * The claims the Cognito authorizer passes, fuzzed: a missing, blank or non-string {@code sub}
   * answers 401 on every route; any other claims answer exactly as the member's plain claims do, so
   * a forged role, group or org claim, an odd email or username, never grants more (nor answers a
   * 5xx).
   */
  @Property
  void claimsAsTheAuthorizerPassesThemGrantNoMoreThanTheMembership(
      @ForAll("routes") Route route,
      @ForAll("subs") Object sub,
      @ForAll("claimValues") Object username,
      @ForAll("forgedClaims") Map<String, Object> forged,
      @ForAll("mostlyTrue") boolean claimsAreAMap) {
    Map<String, Object> claims = new java.util.HashMap<>(forged);
    claims.put("sub", sub);
    claims.put("cognito:username", username);
    Object passed = claimsAreAMap ? claims : String.valueOf(claims);

    World fuzzed = new World();
    APIGatewayProxyResponseEvent answer =
        fuzzed.router.handle(requestTo(route).rawClaims(passed).build(), null);

    Statistics.label("answer").collect(answer.getStatusCode());
    assertThat(answer.getStatusCode()).as(route + " " + answer.getBody()).isLessThan(500);
    if (!claimsAreAMap || !(sub instanceof String userId) || userId.isBlank()) {
      assertThat(answer.getStatusCode()).as(route + " " + answer.getBody()).isEqualTo(401);
      assertThat(fuzzed.stripe.writes()).isEmpty();
      return;
    }
    World plain = new World();
    APIGatewayProxyResponseEvent expected =
        plain.router.handle(
            requestTo(route)
                .as(userId, userId + "@x.test")
                .claim("cognito:username", username instanceof String name ? name : null)
                .claim("email", forged.get("email") instanceof String email ? email : null)
                .claim(
                    "email_verified",
                    forged.containsKey("email_verified")
                        ? String.valueOf(forged.get("email_verified"))
                        : null)
                .build(),
            null);
    assertThat(answer.getStatusCode())
        .as(route + " with " + forged.keySet() + ": " + answer.getBody())
        .isEqualTo(expected.getStatusCode());
    assertThat(fuzzed.stripe.writes()).hasSameSizeAs(plain.stripe.writes());
  }

  /** A request to {@code route} with the fuzz world's own ids and no body. */
  private static ApiEvents requestTo(Route route) {
    ApiEvents request = ApiEvents.request(route.method(), route.path());
    Matcher parameters = Pattern.compile("\\{([a-z_]+)}").matcher(route.path());
    while (parameters.find()) {
      String name = parameters.group(1);
      request.path(
          name,
          switch (name) {
            case "org" -> ORG.value();
            case "purpose" -> "viewer";
            case "user_id" -> "viewer";
            default -> route.path().contains("/charges") ? CHARGE : "sub_one";
          });
    }
    return request.header("Idempotency-Key", "claims-fuzz");
  }

  @Provide
  Arbitrary<Object> subs() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            6,
            Arbitraries.of("owner", "manager", "operator", "viewer", "outsider", "nobody")
                .map(s -> (Object) s)),
        Tuple.of(
            2,
            Arbitraries.of("", " ", "\t", "owner ", "OWNER", "owner\u0000").map(s -> (Object) s)),
        Tuple.of(2, claimValues()));
  }

  @Provide
  Arbitrary<Boolean> mostlyTrue() {
    return Arbitraries.frequencyOf(
        Tuple.of(9, Arbitraries.just(true)), Tuple.of(1, Arbitraries.just(false)));
  }

  @Provide
  Arbitrary<Object> claimValues() {
    return Arbitraries.oneOf(
        Arbitraries.just((Object) null),
        Arbitraries.strings().all().ofMaxLength(40).map(s -> (Object) s),
        Arbitraries.strings().withCharRange('a', 'z').ofLength(10_000).map(s -> (Object) s),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just((Object) List.of("owner", "manager")),
        Arbitraries.just((Object) Map.of("sub", "owner", "role", "owner")));
  }

  @Provide
  Arbitrary<Map<String, Object>> forgedClaims() {
    Arbitrary<String> names =
        Arbitraries.oneOf(
            Arbitraries.of(
                "email",
                "email_verified",
                "custom:role",
                "custom:org",
                "cognito:groups",
                "role",
                "org",
                "scope",
                "token_use",
                "aud",
                "iss"),
            Arbitraries.strings().all().ofMaxLength(12));
    Arbitrary<Object> values =
        Arbitraries.oneOf(
            Arbitraries.of(
                    "owner",
                    "manager",
                    ORG.value(),
                    OTHER.value(),
                    "true",
                    "aws.cognito.signin.user.admin")
                .map(s -> (Object) s),
            claimValues());
    return Arbitraries.maps(
            names.filter(n -> !n.equals("sub") && !n.equals("cognito:username")), values)
        .ofMaxSize(4);
  }

  @Provide
  Arbitrary<Route> routes() {
    return Arbitraries.of(List.copyOf(new World().router.routes()));
  }

  @Provide
  Arbitrary<String> users() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("owner", "manager", "operator", "viewer")),
        Tuple.of(1, Arbitraries.just("outsider")),
        Tuple.of(1, Arbitraries.just((String) null)));
  }

  @Provide
  Arbitrary<String> orgs() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(ORG.value())),
        Tuple.of(1, Arbitraries.just(OTHER.value())),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(40)));
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.oneOf(
        Arbitraries.of("sub_one", CHARGE, "cus_1", "in_1", "re_1", "prod_1", "owner", "viewer"),
        Arbitraries.strings().all().ofMaxLength(300));
  }

  @Provide
  Arbitrary<Map<String, String>> queries() {
    Arbitrary<String> names =
        Arbitraries.oneOf(Arbitraries.of(QUERY_NAMES), Arbitraries.strings().all().ofMaxLength(8));
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.of("1", "0", "100", "101", "-1", "true", "false", "usd", "active", ""),
            Arbitraries.strings().all().ofMaxLength(60));
    return Arbitraries.maps(names, values).ofMaxSize(3);
  }

  @Provide
  Arbitrary<String> idempotencyKeys() {
    return Arbitraries.oneOf(
        Arbitraries.just((String) null),
        Arbitraries.of("key-1", "key-2"),
        Arbitraries.strings().all().ofMaxLength(300));
  }

  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<Object> value =
        Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(30).map(s -> (Object) s),
            Arbitraries.of(CHARGE, "price_1", "si_only", "owner", "viewer", "test", "live")
                .map(s -> (Object) s),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.doubles().map(d -> (Object) d),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.just((Object) null),
            Arbitraries.strings().withCharRange('a', 'z').ofLength(5000).map(s -> (Object) s),
            Arbitraries.maps(Arbitraries.of("behavior", "resumes_at", "x"), Arbitraries.strings())
                .ofMaxSize(2)
                .map(m -> (Object) m));
    Arbitrary<String> objects =
        Arbitraries.maps(
                Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.strings().ofMaxLength(6)),
                value)
            .ofMaxSize(4)
            .map(ApiFuzzTest::json);
    return Arbitraries.frequencyOf(
        Tuple.of(6, objects),
        Tuple.of(1, Arbitraries.just((String) null)),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(80)),
        Tuple.of(
            1,
            Arbitraries.of(
                "{\"charge\":\"" + CHARGE + "\",\"charge\":\"ch_x\"}",
                "{\"name\":\"\\ud800\"}",
                "[]",
                "null",
                "{\"amount\":1e400}",
                "{\"quantity\":9223372036854775808}")));
  }

  private static String json(Map<String, Object> fields) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    fields.forEach((name, value) -> node.set(name, Json.MAPPER.valueToTree(value)));
    return Json.write(node);
  }

  private static JsonNode read(String body) {
    try {
      return Json.read(body);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  /** A fresh org with one member of each role, their keys, a charge and a subscription. */
  private static final class World {
    final InMemoryOrgStore orgs = new InMemoryOrgStore();
    final FakeStripeActions stripe = new FakeStripeActions();
    final ApiRouter router;

    World() {
      MutableClock clock = new MutableClock(NOW);
      orgs.createOrg(
          new Org(ORG, "Acme", Mode.TEST, null, false, NOW, "owner"),
          new Membership(ORG, "Acme", "owner", "owner@x.test", Role.OWNER, NOW));
      orgs.putMembership(new Membership(ORG, "Acme", "manager", "m@x.test", Role.MANAGER, NOW));
      orgs.putMembership(new Membership(ORG, "Acme", "operator", "o@x.test", Role.OPERATOR, NOW));
      orgs.putMembership(new Membership(ORG, "Acme", "viewer", "v@x.test", Role.VIEWER, NOW));
      orgs.createOrg(
          new Org(OTHER, "Other", Mode.TEST, null, false, NOW, "outsider"),
          new Membership(OTHER, "Other", "outsider", "x@x.test", Role.OWNER, NOW));
      InMemoryKeyVault vault = new InMemoryKeyVault();
      vault.put(ORG, SecretPurpose.MANAGER, FakeStripeActions.MANAGER_KEY);
      vault.put(ORG, SecretPurpose.OPERATOR, "rk_test_fakeOperator000000000000000000003");
      vault.put(ORG, SecretPurpose.VIEWER, FakeStripeActions.VIEWER_KEY);
      stripe.addCharge(CHARGE);
      stripe.addSubscription("sub_one", "si_only");
      InMemoryMirrorStore mirror = new InMemoryMirrorStore();
      InMemoryAuditLog audit = new InMemoryAuditLog(clock);
      ManagerActionRoutes actions =
          new ManagerActionRoutes(
              vault,
              stripe,
              new InMemoryIdempotencyStore(),
              new GuardedMirrorWrite(
                  mirror, (o, type, id) -> new StripeObjectFetcher.Unresolvable("fuzz")),
              new com.agentbilly.http.RequestAuditor(audit),
              clock,
              new com.agentbilly.testing.InMemoryRefundLimitStore());
      router =
          new TestApiServices()
              .orgs(orgs)
              .auditLog(audit)
              .mirror(mirror)
              .managerActions(actions)
              .clock(clock)
              .router();
    }
  }
}
