package com.agentbilly.mcp;

import static com.agentbilly.testing.ApiEvents.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.testing.InMemoryOrgStore;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Any JSON-RPC message an MCP client could post — any method, id and params, any tool name and
 * arguments of any JSON type, as any member — gets an answer from MCP's contract: 200 with a
 * JSON-RPC result or error, 202 for a notification, 400 for what is not JSON-RPC; never a 5xx, an
 * exception or a stack trace. A tool call that is refused (a JSON-RPC error, or a result with
 * {@code isError}) reached no route that writes, and its text starts with the contract's error
 * code.
 */
class McpFuzzTest {

  private static final OrgId ORG = new OrgId("org_" + "a".repeat(26));
  private static final List<String> TOOLS =
      List.of(
          "list_orgs",
          "get_summary",
          "search_customers",
          "get_customer",
          "list_subscriptions",
          "list_invoices",
          "list_charges",
          "refund_charge",
          "cancel_subscription",
          "update_subscription",
          "get_sync_status");

  @Property
  void everyMessageGetsAContractAnswerAndOnlyAnAcceptedCallWrites(
      @ForAll("messages") String message, @ForAll("members") String member) throws Exception {
    List<ApiRequest> writes = new ArrayList<>();
    McpHandler handler = handler(writes);

    APIGatewayProxyResponseEvent response =
        handler.handle(
            request("POST", "/mcp").as(member, member + "@x.test").body(message).build(), null);

    assertThat(response.getStatusCode()).as(message).isIn(200, 202, 400, 413);
    Statistics.label("answer")
        .collect(response.getStatusCode() + (writes.isEmpty() ? "" : " wrote"));
    if (response.getBody() == null) {
      assertThat(response.getStatusCode()).isEqualTo(202);
      assertThat(writes).isEmpty();
      return;
    }
    assertThat(response.getBody()).doesNotContain("Exception").doesNotContain("\tat ");
    JsonNode answer = Json.read(response.getBody());
    for (JsonNode one : answer.isArray() ? answer : List.of(answer)) {
      boolean refused = one.has("error") || one.path("result").path("isError").asBoolean(false);
      Statistics.label("kind")
          .collect(
              one.has("error")
                  ? "json-rpc error " + one.at("/error/code").asInt()
                  : refused
                      ? "tool refused " + one.at("/result/content/0/text").asText().split(":")[0]
                      : "result");
      if (one.path("result").path("isError").asBoolean(false)) {
        assertThat(one.at("/result/content/0/text").asText()).as(message).matches("^[a-z_]+: .*");
      }
      if (refused && !answer.isArray()) {
        assertThat(writes).as(message).isEmpty();
      }
    }
  }

  @Provide
  Arbitrary<String> members() {
    return Arbitraries.of("owner-1", "manager-1", "operator-1", "viewer-1", "stranger-1");
  }

  @Provide
  Arbitrary<String> messages() {
    Arbitrary<String> toolCall =
        Combinators.combine(ids(), toolNames(), arguments())
            .as(
                (id, name, args) ->
                    "{\"jsonrpc\":\"2.0\",\"id\":"
                        + id
                        + ",\"method\":\"tools/call\",\"params\":{\"name\":"
                        + name
                        + ",\"arguments\":"
                        + args
                        + "}}");
    Arbitrary<String> other =
        Combinators.combine(
                ids(),
                Arbitraries.of(
                    "\"initialize\"",
                    "\"ping\"",
                    "\"tools/list\"",
                    "\"notifications/initialized\"",
                    "\"resources/list\"",
                    "7",
                    "null"),
                jsonValue())
            .as(
                (id, method, params) ->
                    "{\"jsonrpc\":\"2.0\",\"id\":"
                        + id
                        + ",\"method\":"
                        + method
                        + ",\"params\":"
                        + params
                        + "}");
    Arbitrary<String> broken =
        Arbitraries.of(
            "",
            "[]",
            "{",
            "null",
            "\"text\"",
            "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},7]",
            "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"refund_charge\"}}");
    Arbitrary<String> wellFormedCall =
        Combinators.combine(ids(), wellFormed())
            .as(
                (id, call) ->
                    "{\"jsonrpc\":\"2.0\",\"id\":"
                        + id
                        + ",\"method\":\"tools/call\",\"params\":"
                        + call
                        + "}");
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, wellFormedCall),
        net.jqwik.api.Tuple.of(4, toolCall),
        net.jqwik.api.Tuple.of(2, other),
        net.jqwik.api.Tuple.of(1, broken));
  }

  /** Calls whose arguments fit the tool's schema, so the role check and the route decide. */
  private Arbitrary<String> wellFormed() {
    String org = "\"org\":\"" + ORG.value() + "\"";
    return Arbitraries.of(
        "{\"name\":\"list_orgs\",\"arguments\":{}}",
        "{\"name\":\"get_summary\",\"arguments\":{" + org + "}}",
        "{\"name\":\"list_charges\",\"arguments\":{" + org + ",\"status\":\"failed\"}}",
        "{\"name\":\"get_customer\",\"arguments\":{" + org + ",\"customer_id\":\"cus_1\"}}",
        "{\"name\":\"refund_charge\",\"arguments\":{"
            + org
            + ",\"charge\":\"ch_1\",\"amount\":500,\"idempotency_key\":\"k-1\"}}",
        "{\"name\":\"cancel_subscription\",\"arguments\":{"
            + org
            + ",\"subscription_id\":\"sub_1\",\"idempotency_key\":\"k-2\"}}",
        "{\"name\":\"update_subscription\",\"arguments\":{"
            + org
            + ",\"subscription_id\":\"sub_1\",\"quantity\":3,\"idempotency_key\":\"k-3\"}}",
        "{\"name\":\"get_summary\",\"arguments\":{\"org\":\"org_" + "b".repeat(26) + "\"}}");
  }

  private Arbitrary<String> ids() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.of("1", "\"a\"", "-7")),
        net.jqwik.api.Tuple.of(1, Arbitraries.of("null", "1.5", "{}", "[1]", "true")));
  }

  private Arbitrary<String> toolNames() {
    return Arbitraries.oneOf(
        Arbitraries.of(TOOLS).map(Json::write),
        Arbitraries.of("\"nope\"", "7", "null", "[\"list_orgs\"]", "\"\"", "\"refund_charge \""));
  }

  /** Arguments: mostly an object of the tools' own field names with values of any JSON type. */
  private Arbitrary<String> arguments() {
    Arbitrary<String> field =
        Arbitraries.of(
            "org",
            "charge",
            "amount",
            "reason",
            "idempotency_key",
            "subscription",
            "quantity",
            "price",
            "pause_collection",
            "proration_behavior",
            "item",
            "at_period_end",
            "email",
            "customer",
            "status",
            "limit",
            "cursor",
            "fresh",
            "surprise");
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.just(Json.write(ORG.value())),
            Arbitraries.of("\"ch_1\"", "\"sub_1\"", "\"k-1\"", "\"cus_1\"", "\"active\""),
            Arbitraries.longs().between(-2, 100_000_000_000L).map(String::valueOf),
            jsonValue());
    Arbitrary<String> object =
        Combinators.combine(field, value)
            .as((f, v) -> "\"" + f + "\":" + v)
            .list()
            .ofMaxSize(6)
            .map(entries -> "{" + String.join(",", entries) + "}");
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, object), net.jqwik.api.Tuple.of(1, jsonValue()));
  }

  private Arbitrary<String> jsonValue() {
    return Arbitraries.oneOf(
        Arbitraries.of("null", "true", "0", "-1", "1e400", "\"\"", "[]", "{}", "\"\\ud800\""),
        Arbitraries.strings().ofMaxLength(20).map(Json::write));
  }

  /** The tools over a router whose routes answer as Stripe accepted, recording every write. */
  private static McpHandler handler(List<ApiRequest> writes) {
    InMemoryOrgStore orgs = new InMemoryOrgStore();
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    orgs.createOrg(
        new Org(ORG, "Acme", Mode.TEST, null, false, now, "owner-1"),
        new Membership(ORG, "Acme", "owner-1", "owner@x.test", Role.OWNER, now));
    orgs.putMembership(new Membership(ORG, "Acme", "manager-1", "m@x.test", Role.MANAGER, now));
    orgs.putMembership(new Membership(ORG, "Acme", "operator-1", "o@x.test", Role.OPERATOR, now));
    orgs.putMembership(new Membership(ORG, "Acme", "viewer-1", "v@x.test", Role.VIEWER, now));
    ApiRouter.Builder router = ApiRouter.builder(orgs);
    for (var route : McpTools.routes()) {
      router.route(
          route.method(),
          route.path(),
          req -> {
            if (!route.method().equals("GET")) {
              writes.add(req);
            }
            return route.method().equals("GET")
                ? ApiResponse.ok(Map.of("data", List.of()))
                : ApiResponse.ok(Map.of("id", "obj_1"));
          });
    }
    return new McpHandler(
        new McpEndpoint(
            new McpTools(router.build()),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool"));
  }
}
