package com.agentbilly.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.http.Json;
import com.agentbilly.testing.EventFixtures;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.RecordingAuditLog;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The handler against real API Gateway events from {@code events/api}, as Lambda hands them. */
class ApiHandlerTest {

  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final ApiHandler handler =
      new ApiHandler(new TestApiServices().orgs(orgs).auditLog(audit).router());

  @Test
  void meAnswersWithTheAuthorizersIdentity() throws Exception {
    JsonNode response = invoke("api/get-me.json");
    assertThat(response.get("statusCode").asInt()).isEqualTo(200);
    assertThat(Json.read(response.get("body").asText()))
        .isEqualTo(
            Json.read(
                "{\"user\":{\"id\":\"8a1b2c3d-0000-4000-8000-000000000001\","
                    + "\"username\":\"owner@demo.test\"},\"memberships\":[]}"));
  }

  @Test
  void createdOrgIsOwnedByTheCaller() throws Exception {
    JsonNode response = invoke("api/post-orgs.json");
    assertThat(response.get("statusCode").asInt()).isEqualTo(201);
    assertThat(orgs.membershipsOf("8a1b2c3d-0000-4000-8000-000000000001"))
        .singleElement()
        .satisfies(m -> assertThat(m.orgName()).isEqualTo("Acme Billing"));
  }

  @Test
  void anOrgTheCallerIsNotInIsNotFound() throws Exception {
    JsonNode response = invoke("api/get-org.json");
    assertThat(response.get("statusCode").asInt()).isEqualTo(404);
    assertThat(Json.read(response.get("body").asText()).at("/error/code").asText())
        .isEqualTo("not_found");
  }

  /** The fixture as Lambda hands it to the handler, and the JSON the handler answers. */
  private JsonNode invoke(String fixture) throws IOException {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    try (InputStream event = Files.newInputStream(EventFixtures.path(fixture))) {
      handler.handleRequest(event, answer, null);
    }
    return Json.read(answer.toString(StandardCharsets.UTF_8));
  }
}
