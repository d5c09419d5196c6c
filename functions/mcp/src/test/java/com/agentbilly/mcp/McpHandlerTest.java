package com.agentbilly.mcp;

import static com.agentbilly.testing.ApiEvents.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.testing.InMemoryOrgStore;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class McpHandlerTest {

  private static final String ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool";

  private final McpHandler handler =
      new McpHandler(
          new McpEndpoint(new McpTools(ApiRouter.builder(new InMemoryOrgStore()).build()), ISSUER));

  @Test
  void theMetadataNamesTheUserPoolAndTheEndpointOnTheStagesUrl() throws Exception {
    APIGatewayProxyRequestEvent event =
        request("GET", McpHandler.METADATA_PATH)
            .header("Host", "abc123.execute-api.eu-west-1.amazonaws.com")
            .header("X-Forwarded-Proto", "https")
            .build();
    event.getRequestContext().setStage("prod");

    APIGatewayProxyResponseEvent response = handler.handle(event, null);

    assertThat(response.getStatusCode()).isEqualTo(200);
    JsonNode body = Json.read(response.getBody());
    assertThat(body.get("resource").asText())
        .isEqualTo("https://abc123.execute-api.eu-west-1.amazonaws.com/prod/mcp");
    assertThat(body.get("authorization_servers")).hasSize(1);
    assertThat(body.at("/authorization_servers/0").asText()).isEqualTo(ISSUER);
  }

  @Test
  void getIsMethodNotAllowed() {
    APIGatewayProxyResponseEvent response =
        handler.handle(request("GET", "/mcp").as("u-1", "u@x.test").build(), null);

    assertThat(response.getStatusCode()).isEqualTo(405);
    assertThat(response.getHeaders()).containsEntry("Allow", "POST");
  }

  @Test
  void aPostWithoutClaimsIsUnauthorizedAndNamesTheMetadata() {
    APIGatewayProxyResponseEvent response =
        handler.handle(
            request("POST", "/mcp")
                .header("Host", "127.0.0.1:3000")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")
                .build(),
            null);

    assertThat(response.getStatusCode()).isEqualTo(401);
    assertThat(response.getHeaders())
        .containsEntry(
            "WWW-Authenticate",
            "Bearer resource_metadata=\"http://127.0.0.1:3000/.well-known/oauth-protected-resource\"");
  }

  @Test
  void aBase64BodyIsDecodedAndAnsweredAsJson() {
    String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    APIGatewayProxyRequestEvent event =
        request("POST", "/mcp")
            .as("u-1", "u@x.test")
            .body(Base64.getEncoder().encodeToString(ping.getBytes(StandardCharsets.UTF_8)))
            .build();
    event.setIsBase64Encoded(true);

    APIGatewayProxyResponseEvent response = handler.handle(event, null);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getBody()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
    assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
  }

  @Test
  void aNotificationIsAcceptedWithNoBody() {
    APIGatewayProxyResponseEvent response =
        handler.handle(
            request("POST", "/mcp")
                .as("u-1", "u@x.test")
                .body("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .build(),
            null);

    assertThat(response.getStatusCode()).isEqualTo(202);
    assertThat(response.getBody()).isNull();
  }

  @Test
  void aBodyOverTheApisLimitIsPayloadTooLargeBeforeAnyJsonRpc() throws Exception {
    String padding = "x".repeat(ApiRouter.MAX_BODY_BYTES);
    String huge = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"pad\":\"" + padding + "\"}";

    APIGatewayProxyResponseEvent response =
        handler.handle(request("POST", "/mcp").as("u-1", "u@x.test").body(huge).build(), null);

    assertThat(response.getStatusCode()).isEqualTo(413);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("payload_too_large");
  }

  @Test
  void aBodyAtTheLimitIsStillAnswered() {
    String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"pad\":\"\"}";
    String padding = "x".repeat(ApiRouter.MAX_BODY_BYTES - ping.length());
    String atLimit = ping.replace("\"pad\":\"\"", "\"pad\":\"" + padding + "\"");

    APIGatewayProxyResponseEvent response =
        handler.handle(request("POST", "/mcp").as("u-1", "u@x.test").body(atLimit).build(), null);

    assertThat(atLimit).hasSize(ApiRouter.MAX_BODY_BYTES);
    assertThat(response.getStatusCode()).isEqualTo(200);
  }

  @Test
  void aBodyThatIsNotBase64IsInvalidRequest() throws Exception {
    APIGatewayProxyRequestEvent event =
        request("POST", "/mcp").as("u-1", "u@x.test").body("not base64 !").build();
    event.setIsBase64Encoded(true);

    APIGatewayProxyResponseEvent response = handler.handle(event, null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("invalid_request");
  }
}
