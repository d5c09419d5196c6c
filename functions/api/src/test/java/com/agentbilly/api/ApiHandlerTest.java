package com.agentbilly.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.api.audit.AuditTrail;
import com.agentbilly.api.mirror.MirrorReadsFixture;
import com.agentbilly.api.orgs.OrgService;
import com.agentbilly.api.sync.SyncRequests;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.mirror.PageCursors;
import com.agentbilly.http.Json;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.testing.EventFixtures;
import com.agentbilly.testing.InMemoryKeyMetadataStore;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.InMemorySyncLease;
import com.agentbilly.testing.InMemorySyncStateStore;
import com.agentbilly.testing.RecordingAuditLog;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The handler against real API Gateway event shapes from {@code events/api}. */
class ApiHandlerTest {

  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final ApiHandler handler =
      new ApiHandler(
          ApiRoutes.router(
              orgs,
              new InMemoryKeyMetadataStore(),
              new OrgService(
                  orgs, new RequestAuditor(audit), Clock.systemUTC(), new SecureRandom()),
              new RequestAuditor(audit),
              new Settings(Map.of()),
              MirrorReadsFixture.withoutKeys(new InMemoryMirrorStore()),
              new AuditTrail(audit, new PageCursors(() -> new byte[32])),
              new InMemorySyncStateStore(),
              new SyncRequests(
                  new InMemoryKeyMetadataStore(),
                  new InMemorySyncLease(),
                  org -> {},
                  new RequestAuditor(new RecordingAuditLog()),
                  Clock.systemUTC())));

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
