package com.agentbilly.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class McpProtocolTest {

  private static final Map<String, String> CLAIMS = Map.of("sub", "user-1");

  /** One tool, {@code echo(text, times?)}, that records its calls. */
  private final List<String> calls = new ArrayList<>();

  private final ToolBox tools =
      new ToolBox() {
        private final InputSchema input =
            InputSchema.object()
                .string("text", true, "What to echo.")
                .integer("times", false, "How often.", 1, 3);

        @Override
        public List<Map<String, Object>> list() {
          return List.of(Map.of("name", "echo", "inputSchema", input.toJson()));
        }

        @Override
        public Optional<InputSchema> inputOf(String name) {
          return name.equals("echo") ? Optional.of(input) : Optional.empty();
        }

        @Override
        public Map<String, Object> call(
            String name, JsonNode arguments, Map<String, String> claims, String requestId) {
          calls.add(name + " " + arguments + " " + claims.get("sub") + " " + requestId);
          return Map.of(
              "content",
              List.of(Map.of("type", "text", "text", arguments.get("text").asText())),
              "isError",
              false);
        }
      };

  private final McpProtocol protocol = new McpProtocol(tools);

  private McpProtocol.Answer post(String body) {
    return protocol.handle(body, null, CLAIMS, "req-1");
  }

  private static JsonNode json(McpProtocol.Answer answer) throws Exception {
    return Json.read(answer.body());
  }

  @Test
  void initializeAnswersTheVersionAskedForWhenItIsSpoken() throws Exception {
    for (String version : List.of("2025-06-18", "2025-03-26", "2024-11-05")) {
      McpProtocol.Answer answer =
          post(
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                  + "{\"protocolVersion\":\""
                  + version
                  + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");

      assertThat(answer.status()).isEqualTo(200);
      JsonNode result = json(answer).get("result");
      assertThat(result.get("protocolVersion").asText()).isEqualTo(version);
      assertThat(result.at("/capabilities/tools/listChanged").asBoolean(true)).isFalse();
      assertThat(result.at("/serverInfo/name").asText()).isEqualTo("agent-billy");
      assertThat(json(answer).get("id").asInt()).isEqualTo(1);
    }
  }

  @Test
  void initializeOffersTheNewestVersionForOneItDoesNotSpeak() throws Exception {
    McpProtocol.Answer answer =
        post(
            "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2099-01-01\",\"capabilities\":{}}}");

    assertThat(json(answer).at("/result/protocolVersion").asText()).isEqualTo("2025-06-18");
    assertThat(json(answer).get("id").asText()).isEqualTo("a");
  }

  @Test
  void aNotificationOrAClientsResponseIsAcceptedWithoutABody() {
    McpProtocol.Answer initialized =
        post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    McpProtocol.Answer response = post("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}");

    assertThat(initialized).isEqualTo(new McpProtocol.Answer(202, null));
    assertThat(response).isEqualTo(new McpProtocol.Answer(202, null));
    assertThat(calls).isEmpty();
  }

  @Test
  void pingAnswersAnEmptyResult() throws Exception {
    McpProtocol.Answer answer = post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");

    assertThat(answer.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}");
  }

  @Test
  void notJsonIsAParseErrorWithoutAnId() throws Exception {
    McpProtocol.Answer answer = post("{\"jsonrpc\": \"2.0\", ");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(json(answer).at("/error/code").asInt()).isEqualTo(-32700);
    assertThat(json(answer).get("id").isNull()).isTrue();
  }

  @Test
  void somethingThatIsNotAJsonRpcRequestIsAnInvalidRequest() throws Exception {
    for (String body :
        List.of(
            "42",
            "{\"id\":1,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}",
            "{\"jsonrpc\":\"2.0\",\"id\":{\"x\":1},\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":1}",
            "[]")) {
      McpProtocol.Answer answer = post(body);

      assertThat(answer.status()).as(body).isEqualTo(400);
      assertThat(json(answer).at("/error/code").asInt()).as(body).isEqualTo(-32600);
    }
  }

  @Test
  void anUnknownMethodIsMethodNotFoundWithTheRequestsId() throws Exception {
    McpProtocol.Answer answer =
        post("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"resources/list\"}");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(json(answer).at("/error/code").asInt()).isEqualTo(-32601);
    assertThat(json(answer).get("id").asInt()).isEqualTo(9);
  }

  @Test
  void paramsThatAreNotAnObjectAreInvalidParams() throws Exception {
    McpProtocol.Answer answer =
        post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":[1]}");

    assertThat(json(answer).at("/error/code").asInt()).isEqualTo(-32602);
  }

  @Test
  void toolsListIsTheToolBoxsList() throws Exception {
    McpProtocol.Answer answer = post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

    assertThat(json(answer).at("/result/tools/0/name").asText()).isEqualTo("echo");
    assertThat(json(answer).at("/result/tools/0/inputSchema/required/0").asText())
        .isEqualTo("text");
  }

  @Test
  void toolsCallPassesTheArgumentsTheCallerAndTheRequestId() throws Exception {
    McpProtocol.Answer answer =
        post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\",\"times\":2}}}");

    assertThat(json(answer).at("/result/content/0/text").asText()).isEqualTo("hi");
    assertThat(calls).containsExactly("echo {\"text\":\"hi\",\"times\":2} user-1 req-1");
  }

  @Test
  void anUnknownToolOrArgumentsOutsideTheSchemaAreInvalidParamsAndCallNothing() throws Exception {
    for (String params :
        List.of(
            "{\"name\":\"rm\",\"arguments\":{}}",
            "{\"arguments\":{\"text\":\"hi\"}}",
            "{\"name\":\"echo\",\"arguments\":{}}",
            "{\"name\":\"echo\",\"arguments\":{\"text\":5}}",
            "{\"name\":\"echo\",\"arguments\":{\"text\":\"\"}}",
            "{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\",\"times\":4}}",
            "{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\",\"times\":1.5}}",
            "{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\",\"sudo\":true}}",
            "{\"name\":\"echo\",\"arguments\":[\"hi\"]}")) {
      McpProtocol.Answer answer =
          post(
              "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":" + params + "}");

      assertThat(answer.status()).as(params).isEqualTo(200);
      assertThat(json(answer).at("/error/code").asInt()).as(params).isEqualTo(-32602);
      assertThat(json(answer).get("id").asInt()).as(params).isEqualTo(5);
    }
    assertThat(calls).isEmpty();
  }

  @Test
  void theErrorOfAnUnknownToolNamesItButNeverEchoesAPastedKey() throws Exception {
    String key = "rk_test_51AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    McpProtocol.Answer pasted =
        post(
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\""
                + key
                + "\",\"arguments\":{}}}");
    McpProtocol.Answer typo =
        post(
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"list \\\"orgs\",\"arguments\":{}}}");

    assertThat(json(pasted).at("/error/message").asText())
        .startsWith("Unknown tool: ")
        .doesNotContain("51AbCdEf");
    assertThat(json(typo).at("/error/message").asText()).isEqualTo("Unknown tool: list??orgs");
  }

  @Test
  void aBatchAnswersEachRequestAndNoNotification() throws Exception {
    McpProtocol.Answer answer =
        post(
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"}]");

    assertThat(answer.status()).isEqualTo(200);
    JsonNode responses = json(answer);
    assertThat(responses).hasSize(2);
    assertThat(responses.get(0).get("result").isEmpty()).isTrue();
    assertThat(responses.get(1).at("/error/code").asInt()).isEqualTo(-32601);
  }

  @Test
  void aBatchOfNotificationsOnlyIsAcceptedWithoutABody() {
    McpProtocol.Answer answer =
        post("[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{}}]");

    assertThat(answer).isEqualTo(new McpProtocol.Answer(202, null));
  }

  @Test
  void anUnsupportedProtocolVersionHeaderIsABadRequest() throws Exception {
    McpProtocol.Answer answer =
        protocol.handle(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "1999-01-01", CLAIMS, "r");
    McpProtocol.Answer spoken =
        protocol.handle(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "2025-03-26", CLAIMS, "r");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(json(answer).at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(spoken.status()).isEqualTo(200);
  }
}
