package com.agentbilly.mcp;

import com.agentbilly.config.FunctionContext;
import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.http.ProxyEventJson;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Lambda entry point of the MCP endpoint, behind the same API Gateway and Cognito authorizer as the
 * API: {@code POST /mcp} speaks the protocol ({@link McpProtocol}), {@code GET /mcp} is 405 (no
 * event stream is offered), and {@code GET /.well-known/oauth-protected-resource} — the one route
 * without the authorizer — names the Cognito issuer as the authorization server (RFC 9728).
 */
public final class McpHandler implements RequestStreamHandler {

  static final String METADATA_PATH = "/.well-known/oauth-protected-resource";

  private final McpProtocol protocol;
  private final String authorizationServer;

  /** Used by Lambda: builds the real wiring once per container. */
  public McpHandler() {
    this(FunctionContext.bean("mcp", McpEndpoint.class));
  }

  public McpHandler(McpEndpoint endpoint) {
    this.protocol = new McpProtocol(endpoint.tools());
    this.authorizationServer = endpoint.authorizationServer();
  }

  /** API Gateway's proxy event in, its answer out ({@link ProxyEventJson} says why as JSON). */
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    ProxyEventJson.writeResponse(handle(ProxyEventJson.readRequest(input), context), output);
  }

  /** One event, already read: what {@link #handleRequest} answers. */
  public APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent event, Context context) {
    String route = event.getHttpMethod() + " " + event.getResource();
    return switch (route) {
      case "POST /mcp" -> post(event, context);
      case "GET /mcp" ->
          respond(
              405,
              Map.of("Allow", "POST"),
              Json.write(Map.of("message", "This MCP endpoint answers POST only (no SSE).")));
      case "GET " + METADATA_PATH -> metadata(event);
      default -> respond(404, Map.of(), Json.write(Map.of("message", "Not found")));
    };
  }

  private APIGatewayProxyResponseEvent post(APIGatewayProxyRequestEvent event, Context context) {
    Map<String, String> claims = claims(event);
    if (claims.get("sub") == null || claims.get("sub").isBlank()) {
      // API Gateway's authorizer answers this itself; here only if the route lost its authorizer.
      return respond(
          401,
          Map.of(
              "WWW-Authenticate",
              "Bearer resource_metadata=\"" + baseUrl(event) + METADATA_PATH + "\""),
          Json.write(Map.of("message", "Unauthorized")));
    }
    String body;
    try {
      body = body(event);
    } catch (ApiProblem problem) {
      // Refused before JSON-RPC parsing, in the API's error shape: the gateway's limit, not MCP's.
      ApiResponse refusal = ApiResponse.error(problem);
      return respond(refusal.status(), Map.of(), Json.write(refusal.body()));
    }
    McpProtocol.Answer answer =
        protocol.handle(
            body, header(event, "mcp-protocol-version"), claims, requestId(event, context));
    return respond(answer.status(), Map.of(), answer.body());
  }

  /** The POST body as text, refused over {@link ApiRouter#MAX_BODY_BYTES} like the API's bodies. */
  private static String body(APIGatewayProxyRequestEvent event) {
    String body = event.getBody();
    if (body == null) {
      return null;
    }
    byte[] bytes;
    if (Boolean.TRUE.equals(event.getIsBase64Encoded())) {
      try {
        bytes = Base64.getMimeDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw new ApiProblem(ErrorCode.INVALID_REQUEST, "The body is not valid base64.");
      }
    } else {
      bytes = body.getBytes(StandardCharsets.UTF_8);
    }
    if (bytes.length > ApiRouter.MAX_BODY_BYTES) {
      throw new ApiProblem(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is larger than 256 KiB.");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private APIGatewayProxyResponseEvent metadata(APIGatewayProxyRequestEvent event) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("resource", baseUrl(event) + "/mcp");
    metadata.put("authorization_servers", List.of(authorizationServer));
    metadata.put("bearer_methods_supported", List.of("header"));
    metadata.put("scopes_supported", List.of("openid", "email"));
    metadata.put("resource_name", "Agent Billy");
    return respond(200, Map.of("Cache-Control", "max-age=300"), Json.write(metadata));
  }

  /**
   * The URL the client called, without the route: {@code https://<id>.execute-api…/<stage>} on API
   * Gateway's own domain (its first path segment is the stage), the scheme and host elsewhere.
   */
  static String baseUrl(APIGatewayProxyRequestEvent event) {
    String proto = header(event, "x-forwarded-proto");
    String host = header(event, "host");
    if (host == null || host.isBlank()) {
      host = "localhost";
    }
    String stage = event.getRequestContext() == null ? null : event.getRequestContext().getStage();
    boolean apiGatewayDomain = host.contains(".execute-api.");
    return (proto == null ? "http" : proto)
        + "://"
        + host
        + (apiGatewayDomain && stage != null ? "/" + stage : "");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> claims(APIGatewayProxyRequestEvent event) {
    if (event.getRequestContext() == null
        || event.getRequestContext().getAuthorizer() == null
        || !(event.getRequestContext().getAuthorizer().get("claims") instanceof Map<?, ?> raw)) {
      return Map.of();
    }
    Map<String, String> claims = new LinkedHashMap<>();
    ((Map<Object, Object>) raw)
        .forEach(
            (name, value) -> {
              if (name != null && value != null) {
                claims.put(String.valueOf(name), String.valueOf(value));
              }
            });
    return claims;
  }

  private static String requestId(APIGatewayProxyRequestEvent event, Context context) {
    if (event.getRequestContext() != null && event.getRequestContext().getRequestId() != null) {
      return event.getRequestContext().getRequestId();
    }
    if (context != null && context.getAwsRequestId() != null) {
      return context.getAwsRequestId();
    }
    return UUID.randomUUID().toString();
  }

  private static String header(APIGatewayProxyRequestEvent event, String name) {
    if (event.getHeaders() == null) {
      return null;
    }
    for (Map.Entry<String, String> header : event.getHeaders().entrySet()) {
      if (header.getKey() != null && header.getKey().equalsIgnoreCase(name)) {
        return header.getValue();
      }
    }
    return null;
  }

  private static APIGatewayProxyResponseEvent respond(
      int status, Map<String, String> extra, String body) {
    Map<String, String> headers = new LinkedHashMap<>(extra);
    if (body != null) {
      headers.put("Content-Type", "application/json");
    }
    return new APIGatewayProxyResponseEvent()
        .withStatusCode(status)
        .withHeaders(headers)
        .withBody(body);
  }
}
