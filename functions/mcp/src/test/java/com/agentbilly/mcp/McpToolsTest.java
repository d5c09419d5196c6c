package com.agentbilly.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.PermissionMatrix;
import com.agentbilly.domain.Role;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.testing.InMemoryOrgStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tools over a real {@link ApiRouter} whose routes record the request they get: arguments land
 * in the path, query, body and Idempotency-Key header the route expects, and the router's own
 * permission check decides who gets through.
 */
class McpToolsTest {

  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final List<ApiRequest> reached = new ArrayList<>();
  private OrgId org;
  private McpTools tools;

  @BeforeEach
  void setUp() {
    org = OrgId.generate(new SecureRandom());
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    orgs.createOrg(
        new Org(org, "Acme", Mode.TEST, null, false, now, "owner-1"),
        new Membership(org, "Acme", "owner-1", "owner@x.test", Role.OWNER, now));
    orgs.putMembership(new Membership(org, "Acme", "manager-1", "m@x.test", Role.MANAGER, now));
    orgs.putMembership(new Membership(org, "Acme", "viewer-1", "v@x.test", Role.VIEWER, now));
    ApiRouter.Builder router = ApiRouter.builder(orgs);
    for (var route : McpTools.routes()) {
      router.route(
          route.method(),
          route.path(),
          req -> {
            reached.add(req);
            return route.method().equals("POST")
                ? ApiResponse.created(Map.of("refund", Map.of("id", "re_1")))
                : ApiResponse.ok(Map.of("data", List.of()));
          });
    }
    tools = new McpTools(router.build());
  }

  private static Map<String, String> claims(String sub) {
    Map<String, String> claims = new LinkedHashMap<>();
    claims.put("sub", sub);
    claims.put("cognito:username", sub + "@x.test");
    return claims;
  }

  private Map<String, Object> call(String tool, String arguments, String sub) throws Exception {
    JsonNode args = Json.read(arguments.replace("ORG", org.value()));
    assertThat(tools.inputOf(tool).orElseThrow().problem(args)).isEmpty();
    return tools.call(tool, args, claims(sub), "req-1");
  }

  @Test
  void theElevenToolsEachCallARouteOfThePermissionMatrix() {
    assertThat(tools.list())
        .extracting(t -> t.get("name"))
        .containsExactly(
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
    assertThat(PermissionMatrix.routes().keySet()).containsAll(McpTools.routes());
  }

  @Test
  void everyToolIsAnnotatedAndOnlyTheActionsAreNotReadOnly() {
    for (Map<String, Object> tool : tools.list()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> annotations = (Map<String, Object>) tool.get("annotations");
      boolean action =
          List.of("refund_charge", "cancel_subscription", "update_subscription")
              .contains(tool.get("name"));
      assertThat(annotations.get("readOnlyHint")).as("%s", tool.get("name")).isEqualTo(!action);
      assertThat(annotations).containsKeys("destructiveHint", "idempotentHint");
    }
  }

  @Test
  void aRefundGoesToTheRefundRouteWithItsIdempotencyKeyAsTheHeader() throws Exception {
    Map<String, Object> result =
        call(
            "refund_charge",
            "{\"org\":\"ORG\",\"charge\":\"ch_1\",\"amount\":500,\"idempotency_key\":\"k-1\"}",
            "manager-1");

    assertThat(result.get("isError")).isEqualTo(false);
    assertThat(reached).hasSize(1);
    ApiRequest req = reached.getFirst();
    assertThat(req.route().path()).isEqualTo("/orgs/{org}/refunds");
    assertThat(req.org()).isEqualTo(org);
    assertThat(req.role()).isEqualTo(Role.MANAGER);
    assertThat(req.header("Idempotency-Key")).hasValue("k-1");
    assertThat(Json.read(req.body())).isEqualTo(Json.read("{\"charge\":\"ch_1\",\"amount\":500}"));
  }

  @Test
  void aViewersRefundIsAnErrorResultNamingForbiddenAndReachesNoRoute() throws Exception {
    Map<String, Object> result =
        call(
            "refund_charge",
            "{\"org\":\"ORG\",\"charge\":\"ch_1\",\"idempotency_key\":\"k-2\"}",
            "viewer-1");

    assertThat(result.get("isError")).isEqualTo(true);
    assertThat(text(result)).startsWith("forbidden: ");
    assertThat(reached).isEmpty();
  }

  @Test
  void aNonMemberGetsNotFoundForAnyOrgTool() throws Exception {
    Map<String, Object> result = call("get_summary", "{\"org\":\"ORG\"}", "stranger");

    assertThat(result.get("isError")).isEqualTo(true);
    assertThat(text(result)).startsWith("not_found: ");
    assertThat(reached).isEmpty();
  }

  @Test
  void listFiltersBecomeTheRoutesQueryAndIdsItsPath() throws Exception {
    call("list_charges", "{\"org\":\"ORG\",\"status\":\"failed\",\"limit\":5}", "viewer-1");
    call("get_customer", "{\"org\":\"ORG\",\"customer_id\":\"cus_9\",\"fresh\":true}", "viewer-1");

    assertThat(reached.get(0).route().path()).isEqualTo("/orgs/{org}/charges");
    assertThat(reached.get(0).query()).isEqualTo(Map.of("status", "failed", "limit", "5"));
    assertThat(reached.get(1).pathParameter("id")).isEqualTo("cus_9");
    assertThat(reached.get(1).query()).isEqualTo(Map.of("fresh", "true"));
  }

  @Test
  void theRefundToolRequiresAnIdempotencyKey() throws Exception {
    JsonNode withoutKey = Json.read("{\"org\":\"" + org.value() + "\",\"charge\":\"ch_1\"}");

    assertThat(tools.inputOf("refund_charge").orElseThrow().problem(withoutKey))
        .hasValue("missing required argument idempotency_key");
  }

  @SuppressWarnings("unchecked")
  private static String text(Map<String, Object> result) {
    List<Map<String, Object>> content = (List<Map<String, Object>>) result.get("content");
    return String.valueOf(content.getFirst().get("text"));
  }
}
