package com.agentbilly.api.orgs;

import static com.agentbilly.testing.ApiEvents.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.api.TestApiServices;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.sync.SyncState;
import com.agentbilly.domain.sync.SyncStatus;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.InMemorySyncStateStore;
import com.agentbilly.testing.RecordingAuditLog;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrgRoutesTest {

  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final InMemorySyncStateStore syncStates = new InMemorySyncStateStore();
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC);
  private final ApiRouter router =
      new TestApiServices()
          .orgs(orgs)
          .auditLog(audit)
          .clock(clock)
          .settings(new Settings(Map.of("WEBHOOK_BASE_URL", "https://hooks.example/")))
          .syncStates(syncStates)
          .router();

  @Test
  void creatorBecomesOwnerAndSeesTheOrgInMe() throws Exception {
    var created =
        router.handle(
            request("POST", "/orgs")
                .as("u1", "ann@x.test")
                .body("{\"name\":\"Acme\",\"mode\":\"test\"}")
                .build(),
            null);
    assertThat(created.getStatusCode()).isEqualTo(201);
    JsonNode body = Json.read(created.getBody());
    String orgId = body.get("org_id").asText();
    assertThat(orgId).matches("org_[a-z2-7]{26}");
    assertThat(body.toString())
        .isEqualTo(
            "{\"org_id\":\""
                + orgId
                + "\",\"name\":\"Acme\",\"mode\":\"test\",\"role\":\"owner\"}");

    assertThat(audit.recorded())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.org().value()).isEqualTo(orgId);
              assertThat(r.event().action()).isEqualTo("org.created");
              assertThat(r.event().actor().userId()).isEqualTo("u1");
              assertThat(r.event().actor().role()).isEqualTo("owner");
            });

    var me = router.handle(request("GET", "/me").as("u1", "ann@x.test").build(), null);
    assertThat(me.getBody())
        .isEqualTo(
            "{\"user\":{\"id\":\"u1\",\"username\":\"ann@x.test\"},\"memberships\":[{\"org_id\":\""
                + orgId
                + "\",\"org_name\":\"Acme\",\"role\":\"owner\"}]}");
  }

  @Test
  void describesTheOrgWithNothingConnectedYet() throws Exception {
    var created =
        router.handle(
            request("POST", "/orgs")
                .as("u1", "ann@x.test")
                .body("{\"name\":\"Acme\",\"mode\":\"live\"}")
                .build(),
            null);
    String orgId = Json.read(created.getBody()).get("org_id").asText();

    var got =
        router.handle(
            request("GET", "/orgs/{org}").path("org", orgId).as("u1", "ann@x.test").build(), null);

    assertThat(got.getStatusCode()).isEqualTo(200);
    assertThat(Json.read(got.getBody()))
        .isEqualTo(
            Json.read(
                """
                {"org_id":"%s","name":"Acme","mode":"live","stripe_account":null,
                 "keys":{"sync":null,"manager":null,"operator":null,"viewer":null},
                 "webhook":{"configured":false,"url":"https://hooks.example/orgs/%s"},
                 "sync":{"status":"never","last_started_at":null,"last_success_at":null,"last_error":null,
                         "counts":{"customers":0,"subscriptions":0,"invoices":0,"charges":0,"products":0}}}
                """
                    .formatted(orgId, orgId)));
  }

  @Test
  void missingNameAndBadModeAreValidationFailed() throws Exception {
    var response =
        router.handle(
            request("POST", "/orgs").as("u1", "a").body("{\"mode\":\"prod\"}").build(), null);
    assertThat(response.getStatusCode()).isEqualTo(422);
    assertThat(Json.read(response.getBody()).at("/error/fields").toString())
        .isEqualTo("{\"name\":\"is required\",\"mode\":\"must be \\\"test\\\" or \\\"live\\\"\"}");
    assertThat(orgs.membershipsOf("u1")).isEmpty();
  }

  @Test
  void wrongTypeIsInvalidRequest() throws Exception {
    var response =
        router.handle(
            request("POST", "/orgs").as("u1", "a").body("{\"name\":7,\"mode\":\"test\"}").build(),
            null);
    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("invalid_request");
  }

  @Test
  void syncStatusShowsTheCheckpointOfTheLastRun() throws Exception {
    var created =
        router.handle(
            request("POST", "/orgs")
                .as("u1", "ann@x.test")
                .body("{\"name\":\"Acme\",\"mode\":\"test\"}")
                .build(),
            null);
    OrgId org = new OrgId(Json.read(created.getBody()).get("org_id").asText());
    syncStates.save(
        org,
        SyncState.never()
            .withStatus(SyncStatus.FAILED)
            .withRun(
                Instant.parse("2026-11-29T09:00:00Z"),
                null,
                new SyncState.SyncError("stripe_unavailable", "Stripe answered HTTP 500."))
            .withCounts(Map.of(ObjectType.CUSTOMER, 230L, ObjectType.PRICE, 6L)));

    var sync =
        router.handle(
            request("GET", "/orgs/{org}/sync")
                .path("org", org.value())
                .as("u1", "ann@x.test")
                .build(),
            null);

    assertThat(sync.getStatusCode()).isEqualTo(200);
    assertThat(Json.read(sync.getBody()))
        .isEqualTo(
            Json.read(
                """
                {"status":"failed","last_started_at":"2026-11-29T09:00:00Z","last_success_at":null,
                 "last_error":{"code":"stripe_unavailable","message":"Stripe answered HTTP 500."},
                 "counts":{"customers":230,"subscriptions":0,"invoices":0,"charges":0,"products":0}}
                """));
    var described =
        router.handle(
            request("GET", "/orgs/{org}").path("org", org.value()).as("u1", "ann@x.test").build(),
            null);
    assertThat(Json.read(described.getBody()).get("sync")).isEqualTo(Json.read(sync.getBody()));
  }
}
