package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.Role;
import com.agentbilly.domain.Route;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input through the dev gateway, sent by an owner (so the role check is never the reason):
 * every route that takes a body refuses oversized, malformed and non-object bodies and unknown
 * fields; the lists refuse unknown query values; each route's own fields refuse wrong types,
 * out-of-range numbers, unknown values and over-long strings. Each answer is the contract's 4xx
 * with its error code, and nothing is written: the org's audit trail and the caller's orgs are the
 * same afterwards.
 */
@WithLocalStack
class BadInputIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LONG = "x".repeat(10_000);

  private final LocalStack stack;
  private final ApiClient owner;
  private RouteProbes.Target org;

  BadInputIT(LocalStack stack) {
    this.stack = stack;
    this.owner = stack.api().as(LocalStack.OWNER);
  }

  @BeforeEach
  void createOrg() {
    org =
        new ProbeOrgs(stack)
            .create(LocalStack.OWNER, Map.of(LocalStack.VIEWER, Role.VIEWER), "bi_");
  }

  @Test
  void everyRouteWithABodyRefusesOversizedMalformedAndUnknownBodies() throws Exception {
    String before = writtenState();
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (Route route : routesWithABody()) {
      RouteProbes.Probe probe = RouteProbes.of(route).orElseThrow();
      RouteProbes.Request valid = probe.at(route, org);
      String huge = "{\"name\": \"" + "x".repeat(300 * 1024) + "\"}";
      checked += expect(wrong, withBody(valid, huge), 413, "payload_too_large");
      if (route.path().equals("/mcp")) {
        // Past the size limit /mcp answers JSON-RPC errors, MCP's contract (McpProtocolTest).
        continue;
      }
      checked += expect(wrong, withBody(valid, "{\"name\": "), 400, "invalid_request");
      checked += expect(wrong, withBody(valid, "[1, 2]"), 400, "invalid_request");
      checked += expect(wrong, withBody(valid, "\"text\""), 400, "invalid_request");
      if (valid.body() != null) {
        ObjectNode withUnknown = (ObjectNode) JSON.readTree(valid.body());
        withUnknown.put("surprise", true);
        checked += expect(wrong, withBody(valid, withUnknown.toString()), 422, "validation_failed");
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(routesWithABody())
        .contains(
            Route.of("POST", "/orgs"),
            Route.of("PUT", "/orgs/{org}/keys/{purpose}"),
            Route.of("PUT", "/orgs/{org}/webhook-secret"));
    assertThat(routesWithABody()).contains(Route.of("POST", "/mcp"));
    assertThat(checked).isEqualTo(5 * (routesWithABody().size() - 1) + 1);
    assertThat(writtenState()).isEqualTo(before);
  }

  @Test
  void listsRefuseUnknownQueryValues() {
    String before = writtenState();
    List<String> wrong = new ArrayList<>();
    String base = "/orgs/" + org.org();
    for (String list : RouteProbes.mirrorLists()) {
      for (String query :
          List.of(
              "limit=0",
              "limit=101",
              "limit=ten",
              "limit=-1",
              "cursor=not-ours",
              "include_deleted=maybe",
              "colour=blue")) {
        String code = query.startsWith("cursor") ? "invalid_cursor" : "invalid_request";
        expect(wrong, get(base + "/" + list + "?" + query), 400, code);
      }
      expect(
          wrong,
          get(base + "/" + list + "/" + org.objectId(list) + "?fresh=maybe"),
          400,
          "invalid_request");
    }
    for (String list : List.of("subscriptions", "invoices", "charges")) {
      expect(wrong, get(base + "/" + list + "?status=bogus"), 400, "invalid_request");
    }
    expect(wrong, get(base + "/products?active=perhaps"), 400, "invalid_request");
    expect(wrong, get(base + "/audit?limit=0"), 400, "invalid_request");
    expect(wrong, get(base + "/audit?cursor=forged"), 400, "invalid_cursor");
    assertThat(wrong).isEmpty();
    assertThat(writtenState()).isEqualTo(before);
  }

  /** Each route's own fields; {org} is the test's org, {charge} one of its charges. */
  @ParameterizedTest(name = "{0} {1} {2} -> {3} {4}")
  @CsvSource(
      delimiter = '|',
      value = {
        "POST | /orgs                      | {\"name\": 7, \"mode\": \"test\"}            | 400 | invalid_request",
        "POST | /orgs                      | {\"name\": \"A\", \"mode\": \"prod\"}        | 422 | validation_failed",
        "POST | /orgs                      | {\"name\": \"A\"}                            | 422 | validation_failed",
        "POST | /orgs                      | {\"name\": \"LONG\", \"mode\": \"test\"}     | 422 | validation_failed",
        "POST | /orgs                      | {\"name\": null, \"mode\": \"test\"}         | 422 | validation_failed",
        "PUT  | /orgs/{org}/keys/viewer    | {\"key\": 42}                                | 400 | invalid_request",
        "PUT  | /orgs/{org}/keys/viewer    | {\"key\": \"LONG\"}                          | 422 | invalid_key_format",
        "PUT  | /orgs/{org}/keys/viewer    | {}                                           | 422 | validation_failed",
        "PUT  | /orgs/{org}/keys/everything| {\"key\": \"rk_test_abc\"}                   | 404 | not_found",
        "PUT  | /orgs/{org}/webhook-secret | {\"secret\": [\"whsec_x\"]}                  | 400 | invalid_request",
        "PUT  | /orgs/{org}/webhook-secret | {\"secret\": \"whsec_LONG\"}                 | 422 | invalid_webhook_secret",
      })
  void fieldsOfEachRoute(String method, String path, String body, int status, String code) {
    String before = writtenState();
    String filledPath = path.replace("{org}", org.org());
    String filledBody = body.replace("LONG", LONG).replace("{charge}", org.objectId("charges"));
    List<String> wrong = new ArrayList<>();
    expect(wrong, new RouteProbes.Request(method, filledPath, filledBody, Map.of()), status, code);
    assertThat(wrong).isEmpty();
    assertThat(writtenState()).isEqualTo(before);
  }

  private int expect(List<String> wrong, RouteProbes.Request request, int status, String code) {
    ApiResponse response = request.sendWith(owner);
    JsonNode error = response.status() >= 400 ? response.json().path("error") : null;
    boolean right =
        response.status() == status && error != null && code.equals(error.path("code").asText());
    if (!right) {
      wrong.add(
          abbreviate(request.toString())
              + " -> "
              + response.status()
              + " "
              + abbreviate(response.body())
              + " (expected "
              + status
              + " "
              + code
              + ")");
    } else {
      assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
    return 1;
  }

  /**
   * What a refused request must not change: the org's audit trail (other than the record of the
   * refusal itself, {@code key.rejected}), its keys and webhook, and the owner's orgs.
   */
  private String writtenState() {
    ApiResponse audit = owner.get("/orgs/" + org.org() + "/audit?limit=100");
    ApiResponse described = owner.get("/orgs/" + org.org());
    ApiResponse me = owner.get("/me");
    assertThat(audit.status()).isEqualTo(200);
    List<String> actions = new ArrayList<>();
    audit.json().get("data").forEach(entry -> actions.add(entry.get("action").asText()));
    actions.removeIf("key.rejected"::equals);
    return actions
        + " "
        + described.json().get("keys")
        + " "
        + described.json().get("webhook")
        + " "
        + me.json().get("memberships").size();
  }

  private RouteProbes.Request get(String path) {
    return new RouteProbes.Request("GET", path, null, Map.of());
  }

  private static RouteProbes.Request withBody(RouteProbes.Request request, String body) {
    return new RouteProbes.Request(request.method(), request.path(), body, request.headers());
  }

  private List<Route> routesWithABody() {
    List<Route> routes = new ArrayList<>();
    for (SamTemplate.Function function : stack.template().functions()) {
      for (SamTemplate.ApiRoute route : function.apiRoutes()) {
        Route parsed = Route.of(route.method(), route.path());
        if (List.of("POST", "PUT", "PATCH").contains(parsed.method())
            && RouteProbes.of(parsed).orElseThrow().body() != null) {
          routes.add(parsed);
        }
      }
    }
    return routes;
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
