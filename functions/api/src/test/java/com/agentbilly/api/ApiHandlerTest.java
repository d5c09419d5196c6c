package com.agentbilly.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.http.Json;
import com.agentbilly.testing.EventFixtures;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.RecordingAuditLog;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import org.junit.jupiter.api.Test;

/** The handler against real API Gateway event shapes from {@code events/api}. */
class ApiHandlerTest {

  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final ApiHandler handler =
      new ApiHandler(new TestApiServices().orgs(orgs).auditLog(audit).router());

  @Test
  void meAnswersWithTheAuthorizersIdentity() throws Exception {
    var response = handler.handleRequest(load("api/get-me.json"), null);
    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(Json.read(response.getBody()))
        .isEqualTo(
            Json.read(
                "{\"user\":{\"id\":\"8a1b2c3d-0000-4000-8000-000000000001\","
                    + "\"username\":\"owner@demo.test\"},\"memberships\":[]}"));
  }

  @Test
  void createdOrgIsOwnedByTheCaller() throws Exception {
    var response = handler.handleRequest(load("api/post-orgs.json"), null);
    assertThat(response.getStatusCode()).isEqualTo(201);
    assertThat(orgs.membershipsOf("8a1b2c3d-0000-4000-8000-000000000001"))
        .singleElement()
        .satisfies(m -> assertThat(m.orgName()).isEqualTo("Acme Billing"));
  }

  @Test
  void anOrgTheCallerIsNotInIsNotFound() throws Exception {
    var response = handler.handleRequest(load("api/get-org.json"), null);
    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(Json.read(response.getBody()).at("/error/code").asText()).isEqualTo("not_found");
  }

  private static APIGatewayProxyRequestEvent load(String name) {
    return EventLoader.loadApiGatewayRestEvent(EventFixtures.path(name).toString());
  }
}
