package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The MCP endpoint through the dev gateway, driven by the official MCP Python SDK ({@code mcp},
 * pinned in infra/bin/requirements-local.txt) signed in as each role: {@code
 * src/test/python/mcp_client_check.py} lists the tools, reads the summary, refunds as a manager
 * twice with one idempotency key, is refused as a viewer and an operator, and sees no org as a
 * non-member. This test prepares the org and checks what the calls left behind: one Stripe refund,
 * one {@code refund.created} audited {@code via: mcp}.
 */
@WithLocalStack
class McpClientIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path REPOSITORY =
      SamTemplate.findRepositoryRoot(Path.of("").toAbsolutePath());
  private static final Path SCRIPT =
      REPOSITORY.resolve("infra/local/src/test/python/mcp_client_check.py");

  private final LocalStack stack;
  private final ActionsFixture fixture;
  private final HttpClient http = HttpClient.newHttpClient();

  McpClientIT(LocalStack stack) {
    this.stack = stack;
    this.fixture = new ActionsFixture(stack);
  }

  @Test
  void anAgentHoldsExactlyItsUsersRightsAndAManagersRefundHappensOnce() throws Exception {
    String org = fixture.org("manager", "operator", "viewer");
    String charge = fixture.charge(2500);
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("url", stack.apiUri() + "/mcp");
    input.put("org", org);
    input.put("charge", charge);
    input.put("idempotency_key", UUID.randomUUID().toString());
    Map<String, String> tokens = new LinkedHashMap<>();
    for (Map.Entry<String, String> user :
        Map.of(
                "owner", LocalStack.OWNER,
                "manager", LocalStack.MANAGER,
                "operator", LocalStack.OPERATOR,
                "viewer", LocalStack.VIEWER,
                "outsider", LocalStack.OUTSIDER)
            .entrySet()) {
      tokens.put(user.getKey(), stack.idToken(user.getValue()));
    }
    input.put("tokens", tokens);

    JsonNode report = runClient(JSON.writeValueAsBytes(input));

    assertThat(report.at("/owner/protocol_version").asText()).isEqualTo("2025-06-18");
    assertThat(report.at("/owner/tools")).hasSize(11);
    assertThat(report.at("/viewer/refund").asText()).isEqualTo("forbidden");
    assertThat(report.at("/operator/refund").asText()).isEqualTo("forbidden");
    assertThat(report.at("/outsider/summary").asText()).isEqualTo("not_found");
    String refundId = report.at("/manager/refund_ids/0").asText();
    JsonNode refunds = fixture.refundsOf(charge);
    assertThat(refunds).hasSize(1);
    assertThat(refunds.get(0).get("id").asText()).isEqualTo(refundId);
    assertThat(refunds.get(0).get("amount").asLong()).isEqualTo(700);

    List<JsonNode> audit = auditOf(org);
    List<JsonNode> created =
        audit.stream().filter(e -> e.get("action").asText().equals("refund.created")).toList();
    assertThat(created).hasSize(1);
    assertThat(created.getFirst().at("/details/via").asText()).isEqualTo("mcp");
    assertThat(created.getFirst().at("/actor/role").asText()).isEqualTo("manager");
    assertThat(created.getFirst().get("key_purpose").asText()).isEqualTo("manager");
    // The refused refunds of the viewer and the operator are audited too, as the HTTP route's.
    List<JsonNode> denied =
        audit.stream().filter(e -> e.get("action").asText().equals("access.denied")).toList();
    assertThat(denied.stream().map(e -> e.at("/actor/role").asText()))
        .containsExactlyInAnyOrder("viewer", "operator");
    assertThat(denied).allSatisfy(e -> assertThat(e.at("/details/via").asText()).isEqualTo("mcp"));
  }

  @Test
  void withoutATokenTheGatewayNamesTheMetadataWhichNamesTheUserPool() throws Exception {
    HttpResponse<String> unauthorized =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.apiUri() + "/mcp"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String metadataUrl = stack.apiUri() + "/.well-known/oauth-protected-resource";

    assertThat(unauthorized.statusCode()).isEqualTo(401);
    assertThat(unauthorized.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer resource_metadata=\"" + metadataUrl + "\"");

    HttpResponse<String> metadata =
        http.send(
            HttpRequest.newBuilder(URI.create(metadataUrl)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metadata.statusCode()).as(metadata.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(metadata.body());
    assertThat(body.get("resource").asText()).isEqualTo(stack.apiUri() + "/mcp");
    assertThat(body.get("authorization_servers"))
        .containsExactly(JSON.getNodeFactory().textNode(stack.info().issuer()));
    assertThat(stack.info().issuer())
        .isEqualTo(
            "https://cognito-idp."
                + stack.info().region()
                + ".amazonaws.com/"
                + stack.info().userPoolId());
  }

  @Test
  void getIsNotAnEventStream() throws Exception {
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.apiUri() + "/mcp"))
                .header("Authorization", "Bearer " + stack.idToken(LocalStack.VIEWER))
                .header("Accept", "text/event-stream")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
  }

  private JsonNode runClient(byte[] input) throws IOException, InterruptedException {
    Path python = REPOSITORY.resolve(".local/venv/bin/python");
    assertThat(python).as("the project venv (infra/bin/install-tools)").isExecutable();
    assertThat(SCRIPT).exists();
    Path stderr = Files.createTempFile("mcp-client", ".log");
    Process process =
        new ProcessBuilder(python.toString(), SCRIPT.toString())
            .redirectError(stderr.toFile())
            .start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(input);
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean ended = process.waitFor(5, TimeUnit.MINUTES);
    String errors = Files.readString(stderr);
    Files.deleteIfExists(stderr);
    assertThat(ended).as("the MCP client ended").isTrue();
    assertThat(process.exitValue()).as("the MCP client's failures:%n%s%n%s", errors, out).isZero();
    return JSON.readTree(out);
  }

  private List<JsonNode> auditOf(String org) {
    ApiResponse audit = stack.api().as(LocalStack.OWNER).get("/orgs/" + org + "/audit?limit=100");
    assertThat(audit.status()).as(audit.body()).isEqualTo(200);
    return StreamSupport.stream(audit.json().get("data").spliterator(), false).toList();
  }
}
