package com.agentbilly.http;

import static com.agentbilly.testing.ApiEvents.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.Route;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.LogLines;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ApiRouterTest {

  @RegisterExtension final LogLines logs = new LogLines();

  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final AtomicInteger calls = new AtomicInteger();
  private final List<String> denied = new ArrayList<>();
  private OrgId org;
  private ApiRouter router;

  @BeforeEach
  void setUp() {
    org = OrgId.generate(new SecureRandom());
    Instant now = Instant.parse("2026-11-29T00:00:00Z");
    orgs.createOrg(
        new Org(org, "Acme", Mode.TEST, null, false, now, "owner-1"),
        new Membership(org, "Acme", "owner-1", "owner@x.test", Role.OWNER, now));
    orgs.putMembership(new Membership(org, "Acme", "viewer-1", "viewer@x.test", Role.VIEWER, now));
    RouteHandler counting =
        req -> {
          calls.incrementAndGet();
          return ApiResponse.ok(Map.of("role", req.role() == null ? "-" : req.role().wireName()));
        };
    router =
        ApiRouter.builder(orgs)
            .allowedOrigins(List.of("https://app.example"))
            .onAccessDenied(
                (o, caller, role, route, requestId) ->
                    denied.add(caller.userId() + " " + role.wireName() + " " + route))
            .route("GET", "/me", counting)
            .route("GET", "/orgs/{org}", counting)
            .route("DELETE", "/orgs/{org}", counting)
            .route(
                "POST", "/orgs", req -> ApiResponse.created(req.jsonBody(java.util.Set.of("name"))))
            .build();
  }

  @Test
  void memberReachesTheRouteWithTheirRole() {
    var response =
        router.handle(
            request("GET", "/orgs/{org}").path("org", org.value()).as("viewer-1", "v").build(),
            null);
    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getBody()).isEqualTo("{\"role\":\"viewer\"}");
    assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
  }

  @Test
  void nonMemberGetsNotFoundAndNeverReachesTheRoute() {
    var response =
        router.handle(
            request("GET", "/orgs/{org}").path("org", org.value()).as("stranger", "s").build(),
            null);
    assertError(response, 404, "not_found");
    assertThat(calls).hasValue(0);
  }

  @Test
  void malformedOrgIdIsNotFoundWithoutTouchingStorage() {
    var response =
        router.handle(
            request("GET", "/orgs/{org}").path("org", "../../etc").as("owner-1", "o").build(),
            null);
    assertError(response, 404, "not_found");
  }

  @Test
  void tooLowRoleIsForbiddenAndReportedForTheAuditLog() {
    var response =
        router.handle(
            request("DELETE", "/orgs/{org}").path("org", org.value()).as("viewer-1", "v").build(),
            null);
    assertError(response, 403, "forbidden");
    assertThat(response.getBody()).contains("owner role");
    assertThat(calls).hasValue(0);
    assertThat(denied).containsExactly("viewer-1 viewer DELETE /orgs/{org}");
  }

  @Test
  void aCallerOverTheirQuotaIsRateLimitedBeforeAnythingIsReadOrRun() {
    List<String> taken = new ArrayList<>();
    ApiRouter limited =
        ApiRouter.builder(orgs)
            .quota(
                userId -> {
                  taken.add(userId);
                  return userId.equals("viewer-1") ? OptionalLong.of(7) : OptionalLong.empty();
                })
            .route("GET", "/orgs/{org}", req -> ApiResponse.ok(Map.of("ran", true)))
            .build();
    OrgId unknown = OrgId.generate(new SecureRandom());

    var refused =
        limited.handle(
            request("GET", "/orgs/{org}").path("org", unknown.value()).as("viewer-1", "v").build(),
            null);
    var allowed =
        limited.handle(
            request("GET", "/orgs/{org}").path("org", org.value()).as("owner-1", "o").build(),
            null);

    assertError(refused, 429, "rate_limited");
    assertThat(refused.getHeaders()).containsEntry("Retry-After", "7");
    assertThat(refused.getBody()).contains("\"retry_after\":7");
    assertThat(allowed.getStatusCode()).isEqualTo(200);
    assertThat(taken).containsExactly("viewer-1", "owner-1");
  }

  @Test
  void anUnauthenticatedRequestTakesNoQuota() {
    List<String> taken = new ArrayList<>();
    ApiRouter limited =
        ApiRouter.builder(orgs)
            .quota(
                userId -> {
                  taken.add(userId);
                  return OptionalLong.empty();
                })
            .route("GET", "/me", req -> ApiResponse.ok(Map.of()))
            .build();

    assertThat(limited.handle(request("GET", "/me").build(), null).getStatusCode()).isEqualTo(401);
    assertThat(taken).isEmpty();
  }

  @Test
  void missingClaimsAreUnauthorized() {
    var response = router.handle(request("GET", "/me").build(), null);
    assertThat(response.getStatusCode()).isEqualTo(401);
    assertThat(response.getBody()).isEqualTo("{\"message\":\"Unauthorized\"}");
    assertThat(calls).hasValue(0);
  }

  @Test
  void claimsThatAreNotWellFormedTextAreNotTrusted() {
    // A token's JSON may escape a lone surrogate; no audit entry or table item can hold one.
    var lone = request("GET", "/me").as("\ud800", "v").build();
    assertThat(ApiRouter.caller(lone)).isEmpty();

    var odd =
        request("GET", "/me")
            .as("viewer-1", "v")
            .claim("cognito:username", "name\udc00")
            .claim("email", "v\ud800@x.test")
            .build();
    assertThat(ApiRouter.caller(odd))
        .contains(new com.agentbilly.domain.Caller("viewer-1", "viewer-1", null, true));
  }

  @Test
  void unroutedPathIsNotFound() {
    var response =
        router.handle(
            request("GET", "/orgs/{org}/audit").path("org", org.value()).as("owner-1", "o").build(),
            null);
    assertError(response, 404, "not_found");
  }

  @Test
  void malformedJsonIsInvalidRequest() {
    var response =
        router.handle(request("POST", "/orgs").as("owner-1", "o").body("{\"name\":").build(), null);
    assertError(response, 400, "invalid_request");
  }

  @Test
  void bodyOver256KibIsPayloadTooLarge() {
    String big = "{\"name\":\"" + "x".repeat(ApiRouter.MAX_BODY_BYTES) + "\"}";
    var response =
        router.handle(request("POST", "/orgs").as("owner-1", "o").body(big).build(), null);
    assertError(response, 413, "payload_too_large");
  }

  @Test
  void unexpectedFailureIsInternalWithTheRequestIdAndNoDetail() {
    ApiRouter failing =
        ApiRouter.builder(orgs)
            .route(
                "GET",
                "/me",
                req -> {
                  throw new IllegalStateException("secret detail sk_test_123");
                })
            .build();
    var response = failing.handle(request("GET", "/me").as("owner-1", "o").build(), null);
    assertError(response, 500, "internal");
    assertThat(response.getBody()).contains("req-test").doesNotContain("secret detail");
  }

  @Test
  void anUnexpectedFailureOfAnIdempotentRequestSaysToRetryWithTheSameKey() throws Exception {
    ApiRouter failing =
        ApiRouter.builder(orgs)
            .route(
                "GET",
                "/me",
                req -> {
                  throw new IllegalStateException("boom");
                })
            .build();
    var keyed =
        failing.handle(
            request("GET", "/me").as("owner-1", "o").header("Idempotency-Key", "k-1").build(),
            null);
    var unkeyed = failing.handle(request("GET", "/me").as("owner-1", "o").build(), null);

    assertError(keyed, 500, "internal");
    assertThat(Json.read(keyed.getBody()).at("/error/message").asText())
        .isEqualTo(
            "Something went wrong on our side. Request id: req-test."
                + " Retry with the same Idempotency-Key: it acts at most once.");
    assertThat(Json.read(unkeyed.getBody()).at("/error/message").asText())
        .isEqualTo("Something went wrong on our side. Request id: req-test.");
  }

  @Test
  void everyRequestEndsWithOneLineOfItsRouteTemplateOrgRoleAndOutcome() {
    router.handle(
        request("GET", "/orgs/{org}").path("org", org.value()).as("viewer-1", "v").build(), null);

    assertThat(logs.withMessage("request"))
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.get("request_id").asText()).isEqualTo("req-test");
              assertThat(line.get("route").asText()).isEqualTo("GET /orgs/{org}");
              assertThat(line.get("org").asText()).isEqualTo(org.value());
              assertThat(line.get("role").asText()).isEqualTo("viewer");
              assertThat(line.get("status").asInt()).isEqualTo(200);
              assertThat(line.get("Outcome").asText()).isEqualTo("ok");
              assertThat(line.get("Function").asText()).isEqualTo("api");
              assertThat(line.get("ServerErrors").asInt()).isZero();
              assertThat(line.get("Duration").isIntegralNumber()).isTrue();
            });
  }

  @Test
  void aRefusalsLineCarriesItsErrorCodeAndTheRoleThatWasTooLow() {
    router.handle(
        request("DELETE", "/orgs/{org}").path("org", org.value()).as("viewer-1", "v").build(),
        null);
    router.handle(
        request("GET", "/orgs/{org}").path("org", org.value()).as("stranger", "s").build(), null);
    router.handle(request("GET", "/me").build(), null);

    assertThat(logs.withMessage("request"))
        .extracting(
            line -> line.get("Outcome").asText(),
            line -> line.path("role").asText("-"),
            line -> line.get("status").asInt())
        .containsExactly(
            tuple("forbidden", "viewer", 403),
            tuple("not_found", "-", 404),
            tuple("unauthorized", "-", 401));
  }

  @Test
  void theLineNeverCarriesTheTokenTheBodyOrAFailuresDetail() {
    String token = "eyJhbGciOiJSUzI1NiJ9.secret-token-payload.signature";
    String key = "rk_test_" + "A".repeat(24);
    router.handle(
        request("GET", "/orgs/{org}")
            .path("org", org.value())
            .as("owner-1", "o")
            .header("Authorization", token)
            .body("{\"name\": \"" + key + "\"}")
            .build(),
        null);
    ApiRouter failing =
        ApiRouter.builder(orgs)
            .route(
                "GET",
                "/me",
                req -> {
                  throw new IllegalStateException("detail " + key);
                })
            .build();
    failing.handle(request("GET", "/me").as("owner-1", "o").build(), null);

    assertThat(logs.withMessage("request"))
        .extracting(line -> line.get("Outcome").asText())
        .containsExactly("ok", "internal");
    assertThat(logs.withMessage("request").getLast().get("ServerErrors").asInt()).isEqualTo(1);
    assertThat(String.join("", logs.withMessage("request").stream().map(Object::toString).toList()))
        .doesNotContain(token)
        .doesNotContain(key);
  }

  @Test
  void allowedOriginIsEchoedForCors() {
    var response =
        router.handle(
            request("GET", "/me")
                .as("owner-1", "o")
                .header("Origin", "https://app.example")
                .build(),
            null);
    assertThat(response.getHeaders())
        .containsEntry("Access-Control-Allow-Origin", "https://app.example");
    var other =
        router.handle(
            request("GET", "/me")
                .as("owner-1", "o")
                .header("Origin", "https://evil.example")
                .build(),
            null);
    assertThat(other.getHeaders()).doesNotContainKey("Access-Control-Allow-Origin");
  }

  @Test
  void answersThePreflightOfEveryAllowedOriginWithoutAToken() {
    ApiRouter twoOrigins =
        ApiRouter.builder(orgs)
            .allowedOrigins(List.of("https://app.example", "https://billing.example.com"))
            .build();
    for (String origin : List.of("https://app.example", "https://billing.example.com")) {
      var response =
          twoOrigins.handle(
              request("OPTIONS", "/orgs/{org}/keys/{purpose}")
                  .header("Origin", origin)
                  .header("Access-Control-Request-Method", "PUT")
                  .build(),
              null);
      assertThat(response.getStatusCode()).isEqualTo(204);
      // One origin, the caller's: a browser refuses a list.
      assertThat(response.getHeaders())
          .containsEntry("Access-Control-Allow-Origin", origin)
          .containsEntry("Access-Control-Allow-Methods", "GET,POST,PUT,PATCH,DELETE,OPTIONS")
          .containsEntry(
              "Access-Control-Allow-Headers",
              "Authorization,Content-Type,Idempotency-Key,MCP-Protocol-Version")
          .containsEntry("Access-Control-Max-Age", "600")
          .containsEntry("Vary", "Origin");
      assertThat(response.getBody()).isNull();
    }
    var evil =
        twoOrigins.handle(
            request("OPTIONS", "/me").header("Origin", "https://evil.example").build(), null);
    assertThat(evil.getHeaders())
        .doesNotContainKeys("Access-Control-Allow-Origin", "Access-Control-Allow-Methods");
  }

  @Test
  void refusesToRouteWhatThePermissionMatrixDoesNotKnow() {
    assertThatThrownBy(
            () -> ApiRouter.builder(orgs).route("GET", "/orgs/{org}/secrets", req -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Route.of("GET", "/orgs/{org}/secrets").toString());
  }

  private static void assertError(APIGatewayProxyResponseEvent response, int status, String code) {
    assertThat(response.getStatusCode()).isEqualTo(status);
    assertThat(response.getBody()).startsWith("{\"error\":{\"code\":\"" + code + "\",\"message\":");
  }
}
