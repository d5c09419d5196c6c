package com.agentbilly.local.bench;

import com.agentbilly.adapter.dynamodb.DynamoDbAuditLog;
import com.agentbilly.adapter.dynamodb.DynamoDbInvitationStore;
import com.agentbilly.adapter.dynamodb.DynamoDbKeyMetadataStore;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorAggregates;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.adapter.dynamodb.DynamoDbRefundLimitStore;
import com.agentbilly.adapter.stripe.StripeApiActions;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.api.ApiServices;
import com.agentbilly.api.actions.ManagerActionRoutes;
import com.agentbilly.api.audit.AuditTrail;
import com.agentbilly.api.invitations.InvitationService;
import com.agentbilly.api.mirror.LiveReads;
import com.agentbilly.api.mirror.MirrorReads;
import com.agentbilly.api.orgs.OrgService;
import com.agentbilly.api.summary.SummaryReads;
import com.agentbilly.api.sync.SyncRequests;
import com.agentbilly.config.Settings;
import com.agentbilly.config.StackSecrets;
import com.agentbilly.domain.mirror.PageCursors;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.mirror.GuardedMirrorWrite;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.testing.InMemoryIdempotencyStore;
import com.agentbilly.testing.InMemoryKeyMetadataStore;
import com.agentbilly.testing.InMemoryKeyVault;
import com.agentbilly.testing.InMemorySyncLease;
import com.agentbilly.testing.InMemorySyncStateStore;
import com.agentbilly.testing.RecordingAuditLog;
import java.security.SecureRandom;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The api function's services over DynamoDB for the benchmarks: the parts a benchmark measures are
 * the real adapters on {@code dynamo} (usually a client whose calls are recorded); live reads and
 * sync requests, which none measures, stay in memory, and manager actions have no key (the actions
 * benchmark wires its own).
 */
final class BenchApi {

  private BenchApi() {}

  static ApiServices services(
      DynamoDbClient dynamo, Settings settings, StackSecrets secrets, Clock clock) {
    String table = settings.tableName();
    DynamoDbOrgStore orgs = new DynamoDbOrgStore(dynamo, table);
    DynamoDbMirrorStore mirror = new DynamoDbMirrorStore(dynamo, table, secrets::cursorKey, clock);
    DynamoDbAuditLog auditLog = new DynamoDbAuditLog(dynamo, table, secrets::auditKey, clock);
    RequestAuditor audit = new RequestAuditor(auditLog);
    StripeObjectFetcher notMeasured =
        (org, type, id) -> {
          throw new StripeObjectFetcher.Unavailable("live reads are not measured");
        };
    return new ApiServices(
        orgs,
        new DynamoDbKeyMetadataStore(dynamo, table),
        new OrgService(orgs, audit, clock, new SecureRandom()),
        audit,
        settings,
        new MirrorReads(mirror, new LiveReads(new InMemoryKeyVault(), notMeasured, mirror)),
        new AuditTrail(auditLog, new PageCursors(secrets::cursorKey)),
        new InMemorySyncStateStore(),
        new SyncRequests(
            new InMemoryKeyMetadataStore(),
            new InMemorySyncLease(),
            org -> {},
            new RequestAuditor(new RecordingAuditLog()),
            clock),
        new InvitationService(
            new DynamoDbInvitationStore(dynamo, table), orgs, audit, clock, new SecureRandom()),
        new SummaryReads(new DynamoDbMirrorAggregates(dynamo, table), clock),
        new ManagerActionRoutes(
            new InMemoryKeyVault(),
            new StripeApiActions(StripeClients.interactive("http://127.0.0.1:9")),
            new InMemoryIdempotencyStore(),
            new GuardedMirrorWrite(
                mirror,
                (org, type, id) -> new StripeObjectFetcher.Unresolvable("not measured here")),
            audit,
            clock,
            new DynamoDbRefundLimitStore(dynamo, table)));
  }
}
