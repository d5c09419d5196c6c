package com.agentbilly.mcp;

import com.agentbilly.domain.Route;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The MCP tools of Agent Billy. Each call is one request to the same {@link ApiRouter} routes and
 * use cases the HTTP API serves, made in-process with the caller's own Cognito claims: the router
 * applies the permission matrix (a non-member gets {@code not_found}, a role too low {@code
 * forbidden}), the caller's request quota, and each use case picks the Stripe key by the caller's
 * role and writes the audit log — so an agent holds exactly the rights its user holds.
 */
public final class McpTools implements ToolBox {

  private static final String ORG = "org";
  private static final String ORG_HELP = "The org id (an org_… id from list_orgs).";
  private static final List<String> SUBSCRIPTION_STATUSES =
      List.of(
          "active",
          "past_due",
          "unpaid",
          "canceled",
          "incomplete",
          "incomplete_expired",
          "trialing",
          "paused");

  private final ApiRouter router;
  private final Map<String, McpTool> tools;

  /**
   * @param router the routes the tools call (at least those of {@link #routes()})
   */
  public McpTools(ApiRouter router) {
    this.router = router;
    Map<String, McpTool> byName = new LinkedHashMap<>();
    for (McpTool tool : definitions()) {
      byName.put(tool.name(), tool);
    }
    this.tools = Map.copyOf(byName);
    this.order = List.copyOf(byName.keySet());
  }

  private final List<String> order;

  /** The routes the tools call. */
  public static Set<Route> routes() {
    return Set.copyOf(definitions().stream().map(McpTool::route).toList());
  }

  @Override
  public List<Map<String, Object>> list() {
    return order.stream().map(name -> tools.get(name).toJson()).toList();
  }

  @Override
  public Optional<InputSchema> inputOf(String name) {
    return Optional.ofNullable(tools.get(name)).map(McpTool::input);
  }

  @Override
  public Map<String, Object> call(
      String name, JsonNode arguments, Map<String, String> claims, String requestId) {
    McpTool tool = tools.get(name);
    if (tool == null) {
      throw new IllegalArgumentException("no tool " + name);
    }
    APIGatewayProxyResponseEvent response =
        router.handle(event(tool, arguments, claims, requestId), (Context) null);
    return result(response);
  }

  private static APIGatewayProxyRequestEvent event(
      McpTool tool, JsonNode arguments, Map<String, String> claims, String requestId) {
    Map<String, String> path = new LinkedHashMap<>();
    String filled = tool.route().path();
    for (Map.Entry<String, String> p : tool.path().entrySet()) {
      String value = arguments.path(p.getKey()).asText();
      path.put(p.getValue(), value);
      filled = filled.replace("{" + p.getValue() + "}", value);
    }
    Map<String, String> query = new LinkedHashMap<>();
    for (String name : tool.query()) {
      JsonNode value = arguments.get(name);
      if (value != null && !value.isNull()) {
        query.put(name, value.asText());
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    String body = null;
    if (!tool.route().method().equals("GET")) {
      ObjectNode fields = Json.MAPPER.createObjectNode();
      for (String name : tool.body()) {
        if (arguments.has(name)) {
          fields.set(name, arguments.get(name));
        }
      }
      body = Json.write(fields);
      headers.put("Content-Type", "application/json");
    }
    if (tool.idempotencyKey() != null && arguments.hasNonNull(tool.idempotencyKey())) {
      headers.put("Idempotency-Key", arguments.get(tool.idempotencyKey()).asText());
    }
    APIGatewayProxyRequestEvent.ProxyRequestContext context =
        new APIGatewayProxyRequestEvent.ProxyRequestContext();
    context.setRequestId(requestId);
    context.setResourcePath(tool.route().path());
    context.setHttpMethod(tool.route().method());
    context.setAuthorizer(Map.of("claims", Map.copyOf(claims)));
    return new APIGatewayProxyRequestEvent()
        .withHttpMethod(tool.route().method())
        .withResource(tool.route().path())
        .withPath(filled)
        .withPathParameters(path)
        .withQueryStringParameters(query)
        .withHeaders(headers)
        .withBody(body)
        .withRequestContext(context);
  }

  /**
   * The tool result of a route's answer: its JSON as text and as structured content; an answer of
   * 400 or more is {@code isError}, its text beginning with the contract's error code.
   */
  static Map<String, Object> result(APIGatewayProxyResponseEvent response) {
    int status = response.getStatusCode();
    Object structured;
    try {
      structured =
          response.getBody() == null
              ? Map.of()
              : Json.MAPPER.treeToValue(Json.read(response.getBody()), Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("The API answered a body that is not JSON.", e);
    }
    String text;
    if (status >= 400) {
      String code = "status_" + status;
      String message = "";
      if (structured instanceof Map<?, ?> map && map.get("error") instanceof Map<?, ?> error) {
        code = String.valueOf(error.get("code"));
        message = String.valueOf(error.get("message"));
      }
      text = code + ": " + message;
    } else {
      text = response.getBody() == null ? "{}" : response.getBody();
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("content", List.of(Map.of("type", "text", "text", text)));
    if (structured instanceof Map<?, ?>) {
      result.put("structuredContent", structured);
    }
    result.put("isError", status >= 400);
    return result;
  }

  private static List<McpTool> definitions() {
    return List.of(
        new McpTool(
            "list_orgs",
            "List my orgs",
            "The signed-in user and the orgs they belong to, with their role in each. Start here:"
                + " every other tool takes one of these org ids.",
            InputSchema.object(),
            McpTool.Hints.READ,
            Route.of("GET", "/me"),
            Map.of(),
            Set.of(),
            Set.of(),
            null),
        read(
            "get_summary",
            "Billing summary",
            "MRR, subscription counts, revenue, refunds and failed charges of the last 30 days, per"
                + " currency, from the org's mirror.",
            orgOnly(),
            "/orgs/{org}/summary",
            Set.of()),
        read(
            "search_customers",
            "Search customers",
            "The org's mirrored customers, newest first; filter by exact email.",
            listSchema().string("email", false, "Exact email address."),
            "/orgs/{org}/customers",
            Set.of("email", "limit", "cursor", "include_deleted")),
        new McpTool(
            "get_customer",
            "Customer details",
            "One customer with their subscriptions and their 10 newest invoices and charges.",
            orgOnly()
                .string("customer_id", true, "The customer's cus_… id.")
                .bool("fresh", false, "true: fetch the customer live from Stripe first."),
            McpTool.Hints.READ,
            Route.of("GET", "/orgs/{org}/customers/{id}"),
            Map.of(ORG, ORG, "customer_id", "id"),
            Set.of("fresh"),
            Set.of(),
            null),
        read(
            "list_subscriptions",
            "List subscriptions",
            "The org's mirrored subscriptions; filter by status or customer.",
            listSchema()
                .oneOf("status", false, "Only subscriptions in this status.", SUBSCRIPTION_STATUSES)
                .string("customer", false, "Only this customer's (cus_… id)."),
            "/orgs/{org}/subscriptions",
            Set.of("status", "customer", "limit", "cursor", "include_deleted")),
        read(
            "list_invoices",
            "List invoices",
            "The org's mirrored invoices; filter by status or customer.",
            listSchema()
                .oneOf(
                    "status",
                    false,
                    "Only invoices in this status.",
                    List.of("draft", "open", "paid", "uncollectible", "void"))
                .string("customer", false, "Only this customer's (cus_… id)."),
            "/orgs/{org}/invoices",
            Set.of("status", "customer", "limit", "cursor", "include_deleted")),
        read(
            "list_charges",
            "List charges",
            "The org's mirrored charges; filter by status or customer.",
            listSchema()
                .oneOf(
                    "status",
                    false,
                    "Only charges in this status.",
                    List.of("succeeded", "pending", "failed"))
                .string("customer", false, "Only this customer's (cus_… id)."),
            "/orgs/{org}/charges",
            Set.of("status", "customer", "limit", "cursor", "include_deleted")),
        new McpTool(
            "refund_charge",
            "Refund a charge",
            "Refunds a charge in full, or the amount given (managers and owners). Money leaves the"
                + " account. The same idempotency_key repeated returns the first refund and never"
                + " refunds twice: choose a fresh key per intended refund and reuse it on retries.",
            orgOnly()
                .string("charge", true, "The charge's ch_… id.")
                .integer(
                    "amount",
                    false,
                    "Minor units (cents) to refund; the whole remainder when left out.",
                    1,
                    99_999_999)
                .oneOf(
                    "reason",
                    false,
                    "Why, as Stripe records it.",
                    List.of("duplicate", "fraudulent", "requested_by_customer"))
                .string(
                    "idempotency_key",
                    true,
                    "A key unique to this refund (e.g. a UUID); a retry with the same key acts at"
                        + " most once."),
            new McpTool.Hints(false, true, true),
            Route.of("POST", "/orgs/{org}/refunds"),
            Map.of(ORG, ORG),
            Set.of(),
            Set.of("charge", "amount", "reason"),
            "idempotency_key"),
        new McpTool(
            "cancel_subscription",
            "Cancel a subscription",
            "Cancels a subscription now, or at the end of its period (managers and owners).",
            orgOnly()
                .string("subscription_id", true, "The subscription's sub_… id.")
                .bool(
                    "at_period_end",
                    true,
                    "true: cancel when the paid period ends; false: cancel now.")
                .string("idempotency_key", false, "Optional: a retry with the same key acts once."),
            new McpTool.Hints(false, true, true),
            Route.of("POST", "/orgs/{org}/subscriptions/{id}/cancel"),
            Map.of(ORG, ORG, "subscription_id", "id"),
            Set.of(),
            Set.of("at_period_end"),
            "idempotency_key"),
        new McpTool(
            "update_subscription",
            "Change a subscription",
            "Changes a subscription's quantity or price, or pauses or resumes its collection"
                + " (operators, managers and owners).",
            orgOnly()
                .string("subscription_id", true, "The subscription's sub_… id.")
                .integer("quantity", false, "The new quantity of the item.", 1, 1_000_000)
                .string("price", false, "The new price (a price_… id).")
                .objectOrNull(
                    "pause_collection",
                    "{\"behavior\": \"keep_as_draft\" | \"mark_uncollectible\" | \"void\","
                        + " \"resumes_at\"?: unix seconds} pauses; null resumes.")
                .oneOf(
                    "proration_behavior",
                    false,
                    "How Stripe prorates the change.",
                    List.of("create_prorations", "none", "always_invoice"))
                .string("item", false, "The si_… item to change, when there are several.")
                .string("idempotency_key", false, "Optional: a retry with the same key acts once."),
            new McpTool.Hints(false, false, true),
            Route.of("PATCH", "/orgs/{org}/subscriptions/{id}"),
            Map.of(ORG, ORG, "subscription_id", "id"),
            Set.of(),
            Set.of("quantity", "price", "pause_collection", "proration_behavior", "item"),
            "idempotency_key"),
        read(
            "get_sync_status",
            "Sync status",
            "When the org's mirror was last synced from Stripe, and how that went.",
            orgOnly(),
            "/orgs/{org}/sync",
            Set.of()));
  }

  private static McpTool read(
      String name,
      String title,
      String description,
      InputSchema input,
      String path,
      Set<String> query) {
    return new McpTool(
        name,
        title,
        description,
        input,
        McpTool.Hints.READ,
        Route.of("GET", path),
        Map.of(ORG, ORG),
        query,
        Set.of(),
        null);
  }

  private static InputSchema orgOnly() {
    return InputSchema.object().string(ORG, true, ORG_HELP);
  }

  private static InputSchema listSchema() {
    return orgOnly()
        .integer("limit", false, "Page size (default 25).", 1, 100)
        .string("cursor", false, "next_cursor of the previous page.")
        .bool("include_deleted", false, "true: also objects deleted in Stripe.");
  }
}
