package com.agentbilly.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLineEncoderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoggerContext context = new LoggerContext();
  private final JsonLineEncoder encoder = new JsonLineEncoder();

  @Test
  void writesOneFlatObjectPerLineWithPairsAtTheTopLevel() throws Exception {
    LoggingEvent event = event(Level.INFO, "request");
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("status", 200));
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("duration", 12L));
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("route", "GET /me"));
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("missing", null));
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("list", List.of(List.of("a", "b")));
    nested.put("flag", true);
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("_aws", nested));

    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    assertThat(line).endsWith("}\n").doesNotContain("\n{").hasLineCount(1);
    assertThat(JSON.readTree(line))
        .isEqualTo(
            JSON.readTree(
                """
                {"timestamp": "2026-12-06T04:00:00.123Z", "level": "INFO",
                 "logger": "com.agentbilly.Example", "message": "request",
                 "status": 200, "duration": 12, "route": "GET /me", "missing": null,
                 "_aws": {"list": [["a", "b"]], "flag": true}}
                """));
  }

  @Test
  void aPairNamedLikeAStandardFieldDoesNotReplaceIt() throws Exception {
    LoggingEvent event = event(Level.WARN, "real message");
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("message", "forged"));

    JsonNode line = JSON.readTree(encoder.encode(event));

    assertThat(line.get("message").asText()).isEqualTo("real message");
    assertThat(line.get("level").asText()).isEqualTo("WARN");
  }

  @Test
  void anExceptionIsOneStringFieldAndTheLineStaysOneLine() throws Exception {
    LoggingEvent event = event(Level.ERROR, "failed");
    event.setThrowableProxy(
        new ch.qos.logback.classic.spi.ThrowableProxy(new IllegalStateException("boom")));

    byte[] bytes = encoder.encode(event);
    JsonNode line = JSON.readTree(bytes);

    assertThat(new String(bytes, StandardCharsets.UTF_8)).hasLineCount(1);
    assertThat(line.get("exception").asText()).startsWith("java.lang.IllegalStateException: boom");
  }

  @Test
  void aSecretAnywhereInTheEventIsWrittenRedacted() throws Exception {
    String key = "rk_live_51Abc_DEF0123456789xyz";
    String webhookSecret = "whsec_" + "s3cr3t".repeat(5);
    String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1LTEifQ.c2lnbmF0dXJlLWJ5dGVz";
    LoggingEvent event = event(Level.ERROR, "connecting " + key + " failed");
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("header", "Bearer " + token));
    event.addKeyValuePair(
        new org.slf4j.event.KeyValuePair("details", java.util.Map.of("secret", webhookSecret)));
    event.setThrowableProxy(
        new ch.qos.logback.classic.spi.ThrowableProxy(
            new IllegalStateException(
                "outer", new IllegalArgumentException("the key " + key + " was refused"))));

    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    assertThat(line)
        .doesNotContain(key)
        .doesNotContain("51Abc")
        .doesNotContain(webhookSecret)
        .doesNotContain(token)
        .doesNotContain("eyJzdWIi");
    JsonNode json = JSON.readTree(line);
    assertThat(json.get("message").asText()).isEqualTo("connecting [redacted] failed");
    assertThat(json.get("header").asText()).isEqualTo("Bearer [redacted]");
    assertThat(json.at("/details/secret").asText()).isEqualTo("[redacted]");
    assertThat(json.get("exception").asText()).contains("the key [redacted] was refused");
  }

  @Test
  void aLineWithoutSecretsIsWrittenUnchanged() throws Exception {
    LoggingEvent event = event(Level.INFO, "charge ch_3Ab refunded for cus_9 (pk-less, eyJ-less)");

    assertThat(JSON.readTree(encoder.encode(event)).get("message").asText())
        .isEqualTo("charge ch_3Ab refunded for cus_9 (pk-less, eyJ-less)");
  }

  private LoggingEvent event(Level level, String message) {
    LoggingEvent event = new LoggingEvent();
    event.setLoggerContext(context);
    event.setLoggerName("com.agentbilly.Example");
    event.setLevel(level);
    event.setMessage(message);
    event.setTimeStamp(java.time.Instant.parse("2026-12-06T04:00:00.123Z").toEpochMilli());
    return event;
  }
}
