package com.agentbilly.mcp;

import com.agentbilly.http.Json;
import com.agentbilly.logging.SecretMask;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Model Context Protocol over stateless Streamable HTTP: one POST carries one JSON-RPC 2.0
 * message (or a batch, as 2025-03-26 allows), answered with {@code application/json} — never an
 * event stream, never a session. Speaks {@code initialize} (with protocol version negotiation),
 * {@code ping}, {@code tools/list} and {@code tools/call}; a notification or a client's response is
 * accepted with 202 and no body.
 *
 * <p>Errors follow JSON-RPC and the MCP spec: not JSON -32700, not a request -32600, an unknown
 * method -32601, an unknown tool or arguments that do not fit the tool's schema -32602. A tool the
 * API refuses (403, 404, 409, 429 …) is not a protocol error but a result with {@code isError}.
 */
public final class McpProtocol {

  /** The newest version first: what {@code initialize} offers when asked for one it lacks. */
  public static final List<String> PROTOCOL_VERSIONS =
      List.of("2025-06-18", "2025-03-26", "2024-11-05");

  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INVALID_PARAMS = -32602;

  private static final String SERVER_NAME = "agent-billy";
  private static final String SERVER_VERSION = "0.1.0";
  private static final String INSTRUCTIONS =
      "Agent Billy: your team's Stripe billing, with your own role. Call list_orgs first; every"
          + " other tool takes an org id. Reads come from the org's mirror. refund_charge moves"
          + " money: give each intended refund its own idempotency_key and reuse it on retries."
          + " A refused call (forbidden, not_found, key_not_connected, rate_limited …) is a result"
          + " with isError whose text starts with the error code.";

  private final ToolBox tools;

  McpProtocol(ToolBox tools) {
    this.tools = tools;
  }

  /** An HTTP answer: its status and JSON body, or no body (null) for 202. */
  public record Answer(int status, String body) {}

  /**
   * Answers one POST body.
   *
   * @param protocolVersion the {@code MCP-Protocol-Version} header, or null
   * @param claims the caller's Cognito claims
   * @param requestId the request id, passed on to every tool call
   */
  public Answer handle(
      String body, String protocolVersion, Map<String, String> claims, String requestId) {
    if (protocolVersion != null && !PROTOCOL_VERSIONS.contains(protocolVersion)) {
      return new Answer(
          400,
          Json.write(
              error(
                  null,
                  INVALID_REQUEST,
                  "Unsupported MCP-Protocol-Version; this server speaks "
                      + String.join(", ", PROTOCOL_VERSIONS)
                      + ".")));
    }
    JsonNode message;
    try {
      message = body == null || body.isBlank() ? null : Json.read(body);
    } catch (JsonProcessingException e) {
      message = null;
    }
    if (message == null) {
      return new Answer(400, Json.write(error(null, PARSE_ERROR, "Parse error: not JSON.")));
    }
    if (message.isArray()) {
      if (message.isEmpty()) {
        return new Answer(400, Json.write(error(null, INVALID_REQUEST, "Empty batch.")));
      }
      List<Object> responses = new ArrayList<>();
      for (JsonNode element : message) {
        answer(element, claims, requestId).ifPresent(responses::add);
      }
      return responses.isEmpty() ? new Answer(202, null) : new Answer(200, Json.write(responses));
    }
    Optional<Map<String, Object>> response = answer(message, claims, requestId);
    if (response.isEmpty()) {
      return new Answer(202, null);
    }
    boolean invalid =
        response.get().get("error") instanceof Map<?, ?> error
            && error.get("code") instanceof Integer code
            && code == INVALID_REQUEST;
    return new Answer(invalid ? 400 : 200, Json.write(response.get()));
  }

  /** The response to one message; empty for a notification or a client's response. */
  private Optional<Map<String, Object>> answer(
      JsonNode message, Map<String, String> claims, String requestId) {
    if (!message.isObject() || !"2.0".equals(message.path("jsonrpc").textValue())) {
      return Optional.of(
          error(idOf(message), INVALID_REQUEST, "Invalid Request: not a JSON-RPC 2.0 message."));
    }
    JsonNode id = message.get("id");
    JsonNode method = message.get("method");
    if (method == null) {
      boolean isResponse =
          id != null && (message.has("result") || message.has("error")) && validId(id);
      return isResponse
          ? Optional.empty()
          : Optional.of(error(idOf(message), INVALID_REQUEST, "Invalid Request: no method."));
    }
    if (!method.isTextual() || (id != null && !validId(id))) {
      return Optional.of(
          error(
              idOf(message),
              INVALID_REQUEST,
              "Invalid Request: method must be a string, id a string or an integer."));
    }
    JsonNode params = message.get("params");
    if (id == null) {
      // A notification (notifications/initialized, notifications/cancelled, …): nothing to say.
      return Optional.empty();
    }
    if (params != null && !params.isObject()) {
      return Optional.of(error(id, INVALID_PARAMS, "Invalid params: params must be an object."));
    }
    ObjectNode p = params == null ? Json.MAPPER.createObjectNode() : (ObjectNode) params;
    return Optional.of(
        switch (method.textValue()) {
          case "initialize" -> success(id, initialize(p));
          case "ping" -> success(id, Map.of());
          case "tools/list" -> success(id, Map.of("tools", tools.list()));
          case "tools/call" -> call(id, p, claims, requestId);
          default -> error(id, METHOD_NOT_FOUND, "Method not found: " + safe(method.textValue()));
        });
  }

  private static Map<String, Object> initialize(JsonNode params) {
    String asked = params.path("protocolVersion").textValue();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put(
        "protocolVersion",
        asked != null && PROTOCOL_VERSIONS.contains(asked) ? asked : PROTOCOL_VERSIONS.getFirst());
    result.put("capabilities", Map.of("tools", Map.of("listChanged", false)));
    result.put("serverInfo", Map.of("name", SERVER_NAME, "version", SERVER_VERSION));
    result.put("instructions", INSTRUCTIONS);
    return result;
  }

  private Map<String, Object> call(
      JsonNode id, JsonNode params, Map<String, String> claims, String requestId) {
    JsonNode name = params.get("name");
    if (name == null || !name.isTextual()) {
      return error(id, INVALID_PARAMS, "Invalid params: name must be a tool name.");
    }
    Optional<InputSchema> input = tools.inputOf(name.textValue());
    if (input.isEmpty()) {
      return error(id, INVALID_PARAMS, "Unknown tool: " + safe(name.textValue()));
    }
    JsonNode arguments = params.get("arguments");
    if (arguments == null || arguments.isNull()) {
      arguments = Json.MAPPER.createObjectNode();
    }
    Optional<String> problem = input.get().problem(arguments);
    if (problem.isPresent()) {
      return error(
          id,
          INVALID_PARAMS,
          "Invalid params for " + name.textValue() + ": " + problem.get() + ".");
    }
    return success(id, tools.call(name.textValue(), arguments, claims, requestId));
  }

  private static boolean validId(JsonNode id) {
    return id.isTextual() || id.isIntegralNumber();
  }

  private static JsonNode idOf(JsonNode message) {
    JsonNode id = message.isObject() ? message.get("id") : null;
    return id != null && validId(id) ? id : null;
  }

  /**
   * A name the caller sent, as it may be echoed: cut short, stripped to name characters, and with
   * anything shaped like a key, secret or token masked (a pasted key is never echoed).
   */
  private static String safe(String text) {
    String cut = text.length() > 64 ? text.substring(0, 64) + "…" : text;
    return SecretMask.mask(cut.replaceAll("[^A-Za-z0-9_/.\\-…]", "?"));
  }

  private static Map<String, Object> success(JsonNode id, Object result) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("jsonrpc", "2.0");
    response.put("id", id);
    response.put("result", result);
    return response;
  }

  static Map<String, Object> error(JsonNode id, int code, String message) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("jsonrpc", "2.0");
    response.put("id", id);
    response.put("error", Map.of("code", code, "message", message));
    return response;
  }
}
