package com.agentbilly.api.sync;

import static com.agentbilly.testing.ApiEvents.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.keys.KeyMetadata;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.testing.InMemoryKeyMetadataStore;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.InMemorySyncLease;
import com.agentbilly.testing.RecordingAuditLog;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SyncRequestsTest {

  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final InMemoryKeyMetadataStore keys = new InMemoryKeyMetadataStore();
  private final InMemorySyncLease lease = new InMemorySyncLease();
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final List<OrgId> started = new ArrayList<>();
  private final OrgId org = OrgId.generate(new SecureRandom());
  private ApiRouter router;

  @BeforeEach
  void setUp() {
    Instant now = Instant.now();
    orgs.createOrg(
        new Org(org, "Acme", Mode.TEST, null, false, now, "owner"),
        new Membership(org, "Acme", "owner", "owner@x.test", Role.OWNER, now));
    orgs.putMembership(new Membership(org, "Acme", "manager", "m@x.test", Role.MANAGER, now));
    orgs.putMembership(new Membership(org, "Acme", "viewer", "v@x.test", Role.VIEWER, now));
    SyncRequests requests =
        new SyncRequests(keys, lease, started::add, new RequestAuditor(audit), Clock.systemUTC());
    router =
        ApiRouter.builder(orgs)
            .onAccessDenied(new RequestAuditor(audit).accessDenied())
            .route("POST", "/orgs/{org}/sync", requests::request)
            .build();
  }

  @Test
  void withoutASyncKeyNothingStarts() throws Exception {
    APIGatewayProxyResponseEvent response = post("manager");
    assertThat(response.getStatusCode()).isEqualTo(409);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("key_not_connected");
    assertThat(Json.read(response.getBody()).at("/error/purpose").asText()).isEqualTo("sync");
    assertThat(started).isEmpty();
  }

  @Test
  void theFirstRequestStartsARunAndTheSecondSeesItRunning() throws Exception {
    connectSyncKey();

    APIGatewayProxyResponseEvent first = post("manager");
    APIGatewayProxyResponseEvent second = post("owner");

    assertThat(first.getStatusCode()).isEqualTo(202);
    assertThat(first.getBody()).isEqualTo("{\"status\":\"queued\"}");
    assertThat(second.getStatusCode()).isEqualTo(202);
    assertThat(second.getBody()).isEqualTo("{\"status\":\"running\"}");
    assertThat(started).containsExactly(org);
    assertThat(audit.actions()).containsExactly("sync.requested", "sync.requested");
    assertThat(lease.holder(org)).isEqualTo("requested");
  }

  @Test
  void aViewerMayNotStartASync() throws Exception {
    connectSyncKey();
    assertThat(post("viewer").getStatusCode()).isEqualTo(403);
    assertThat(started).isEmpty();
    assertThat(audit.actions()).containsExactly("access.denied");
  }

  private void connectSyncKey() {
    keys.put(
        new KeyMetadata(
            org,
            SecretPurpose.SYNC,
            false,
            "0001",
            "fp_x",
            List.of("rak_customer_read"),
            Instant.now(),
            "owner@x.test"));
  }

  private APIGatewayProxyResponseEvent post(String user) {
    return router.handle(
        request("POST", "/orgs/{org}/sync").path("org", org.value()).as(user, user).build(), null);
  }
}
