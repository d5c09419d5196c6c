package com.agentbilly.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.testing.LogLines;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OutcomeLogTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-12-06T04:00:00.123Z");

  @RegisterExtension final LogLines logs = new LogLines();

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @Test
  void aRequestLineIsAnEmbeddedMetricFormatDocumentOfRequestsServerErrorsAndDuration()
      throws Exception {
    new OutcomeLog("agent-billy-dev-api", OutcomeLog.Kind.REQUEST, clock)
        .entry("not_found")
        .with("request_id", "req-1")
        .with("route", "GET /orgs/{org}")
        .with("status", 404)
        .write("request", Duration.ofMillis(42));

    JsonNode line = logs.withMessage("request").getFirst();
    assertThat(line.get("_aws"))
        .isEqualTo(
            JSON.readTree(
                """
                {"Timestamp": 1796529600123,
                 "CloudWatchMetrics": [
                   {"Namespace": "AgentBilly",
                    "Dimensions": [["Function", "Outcome"]],
                    "Metrics": [{"Name": "Requests", "Unit": "Count"}]},
                   {"Namespace": "AgentBilly",
                    "Dimensions": [["Function"]],
                    "Metrics": [{"Name": "ServerErrors", "Unit": "Count"},
                                {"Name": "Duration", "Unit": "Milliseconds"}]}]}
                """));
    assertThat(line.get("Function").asText()).isEqualTo("agent-billy-dev-api");
    assertThat(line.get("Outcome").asText()).isEqualTo("not_found");
    assertThat(line.get("Requests").isInt()).isTrue();
    assertThat(line.get("Requests").asInt()).isEqualTo(1);
    assertThat(line.get("ServerErrors").asInt()).isZero();
    assertThat(line.get("Duration").asLong()).isEqualTo(42);
    assertThat(line.get("request_id").asText()).isEqualTo("req-1");
    assertThat(line.get("route").asText()).isEqualTo("GET /orgs/{org}");
    assertThat(line.get("status").asInt()).isEqualTo(404);
    assertThat(line.get("level").asText()).isEqualTo("INFO");
  }

  @Test
  void everyMetricOfADirectiveAndEveryDimensionIsAMemberOfTheLine() {
    new OutcomeLog("api", OutcomeLog.Kind.REQUEST, clock)
        .entry("ok")
        .write("request", Duration.ZERO);
    new OutcomeLog("sync", OutcomeLog.Kind.ORG_SYNC, clock)
        .entry("failed")
        .write("org sync", Duration.ZERO);

    List<JsonNode> lines =
        List.of(logs.withMessage("request").getFirst(), logs.withMessage("org sync").getFirst());
    for (JsonNode line : lines) {
      for (JsonNode directive : line.get("_aws").get("CloudWatchMetrics")) {
        for (JsonNode dimensions : directive.get("Dimensions")) {
          dimensions.forEach(d -> assertThat(line.get(d.asText()).isTextual()).isTrue());
        }
        directive
            .get("Metrics")
            .forEach(m -> assertThat(line.get(m.get("Name").asText()).isNumber()).isTrue());
      }
    }
  }

  @Test
  void aServerErrorCountsOneAndIsLoggedAsAWarning() {
    new OutcomeLog("webhook", OutcomeLog.Kind.REQUEST, clock)
        .entry("internal")
        .serverError(true)
        .write("webhook request", Duration.ofMillis(3));

    JsonNode line = logs.withMessage("webhook request").getFirst();
    assertThat(line.get("ServerErrors").asInt()).isEqualTo(1);
    assertThat(line.get("level").asText()).isEqualTo("WARN");
  }

  @Test
  void anOrgSyncLineCountsOrgSyncsByOutcomeAndHasNoServerErrors() throws Exception {
    new OutcomeLog("agent-billy-dev-sync", OutcomeLog.Kind.ORG_SYNC, clock)
        .entry("failed")
        .with("org", "org_abc")
        .write("org sync", Duration.ofSeconds(2));

    JsonNode line = logs.withMessage("org sync").getFirst();
    assertThat(line.get("_aws").get("CloudWatchMetrics"))
        .isEqualTo(
            JSON.readTree(
                """
                [{"Namespace": "AgentBilly",
                  "Dimensions": [["Function", "Outcome"]],
                  "Metrics": [{"Name": "OrgSyncs", "Unit": "Count"}]},
                 {"Namespace": "AgentBilly",
                  "Dimensions": [["Function"]],
                  "Metrics": [{"Name": "Duration", "Unit": "Milliseconds"}]}]
                """));
    assertThat(line.get("OrgSyncs").asInt()).isEqualTo(1);
    assertThat(line.has("ServerErrors")).isFalse();
    assertThat(line.get("Duration").asLong()).isEqualTo(2000);
    assertThat(line.get("org").asText()).isEqualTo("org_abc");
  }

  @Test
  void aFieldWithoutAValueIsLeftOut() {
    new OutcomeLog("api", OutcomeLog.Kind.REQUEST, clock)
        .entry("ok")
        .with("org", null)
        .write("request", Duration.ZERO);

    assertThat(logs.withMessage("request").getFirst().has("org")).isFalse();
  }

  @Test
  void contextCannotOverwriteTheMetricDocument() {
    OutcomeLog.Entry entry = new OutcomeLog("api", OutcomeLog.Kind.REQUEST, clock).entry("ok");

    assertThatThrownBy(() -> entry.with("Outcome", "forged"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Outcome is a member of the metric document");
    assertThatThrownBy(() -> entry.with("_aws", "{}")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theFunctionIsTheLocalNameWhereLambdaSetsNoName() {
    assertThat(System.getenv(OutcomeLog.FUNCTION_NAME_VARIABLE)).isNull();
    assertThat(OutcomeLog.requests("webhook").function()).isEqualTo("webhook");
  }
}
