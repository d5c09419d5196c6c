package com.agentbilly.api;

import com.agentbilly.adapter.stripe.StripeApiActions;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.api.actions.ManagerActionRoutes;
import com.agentbilly.api.audit.AuditTrail;
import com.agentbilly.api.invitations.InvitationService;
import com.agentbilly.api.mirror.MirrorReads;
import com.agentbilly.api.mirror.MirrorReadsFixture;
import com.agentbilly.api.orgs.OrgService;
import com.agentbilly.api.summary.SummaryReads;
import com.agentbilly.api.sync.SyncRequests;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.mirror.PageCursors;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.mirror.GuardedMirrorWrite;
import com.agentbilly.port.AuditLog;
import com.agentbilly.port.InvitationStore;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.port.MirrorAggregates;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.port.OrgStore;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.port.SyncStateStore;
import com.agentbilly.testing.InMemoryIdempotencyStore;
import com.agentbilly.testing.InMemoryInvitationStore;
import com.agentbilly.testing.InMemoryKeyMetadataStore;
import com.agentbilly.testing.InMemoryKeyVault;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.InMemorySyncLease;
import com.agentbilly.testing.InMemorySyncStateStore;
import com.agentbilly.testing.RecordingAuditLog;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/**
 * The api function's services for tests: in memory, each replaceable, so a test names only the
 * parts it looks at. {@code router()} builds the real router from them.
 */
public final class TestApiServices {

  private OrgStore orgs = new InMemoryOrgStore();
  private KeyMetadataStore keys = new InMemoryKeyMetadataStore();
  private AuditLog auditLog = new RecordingAuditLog();
  private Clock clock = Clock.systemUTC();
  private Settings settings = new Settings(Map.of());
  private MirrorStore mirror = new InMemoryMirrorStore();
  private MirrorReads mirrorReads;
  private SyncStateStore syncStates = new InMemorySyncStateStore();
  private SyncRequests syncRequests;
  private byte[] cursorKey = new byte[32];
  private int auditVerifyBound = AuditTrail.DEFAULT_VERIFY_BOUND;
  private InvitationStore invitations;
  private MirrorAggregates aggregates;
  private ManagerActionRoutes managerActions;

  public TestApiServices orgs(OrgStore orgs) {
    this.orgs = orgs;
    return this;
  }

  public TestApiServices keys(KeyMetadataStore keys) {
    this.keys = keys;
    return this;
  }

  public TestApiServices auditLog(AuditLog auditLog) {
    this.auditLog = auditLog;
    return this;
  }

  public TestApiServices clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  public TestApiServices settings(Settings settings) {
    this.settings = settings;
    return this;
  }

  /** The mirror the read routes serve (without live reads, unless {@link #mirrorReads} is set). */
  public TestApiServices mirror(MirrorStore mirror) {
    this.mirror = mirror;
    return this;
  }

  public TestApiServices mirrorReads(MirrorReads mirrorReads) {
    this.mirrorReads = mirrorReads;
    return this;
  }

  public TestApiServices syncStates(SyncStateStore syncStates) {
    this.syncStates = syncStates;
    return this;
  }

  public TestApiServices syncRequests(SyncRequests syncRequests) {
    this.syncRequests = syncRequests;
    return this;
  }

  /** The summary's aggregates; by default the mirror's, when it is an in-memory one. */
  public TestApiServices aggregates(MirrorAggregates aggregates) {
    this.aggregates = aggregates;
    return this;
  }

  /** The manager actions (default: no keys connected, so every action is key_not_connected). */
  public TestApiServices managerActions(ManagerActionRoutes managerActions) {
    this.managerActions = managerActions;
    return this;
  }

  public TestApiServices cursorKey(byte[] cursorKey) {
    this.cursorKey = cursorKey.clone();
    return this;
  }

  /** Entries one {@code GET /audit/verify} checks at most. */
  public TestApiServices auditVerifyBound(int bound) {
    this.auditVerifyBound = bound;
    return this;
  }

  /** The invitation store; by default one in memory that accepts into {@link #orgs}. */
  public TestApiServices invitations(InvitationStore invitations) {
    this.invitations = invitations;
    return this;
  }

  public ApiServices services() {
    RequestAuditor audit = new RequestAuditor(auditLog);
    byte[] key = cursorKey.clone();
    return new ApiServices(
        orgs,
        keys,
        new OrgService(orgs, audit, clock, new SecureRandom()),
        audit,
        settings,
        mirrorReads != null ? mirrorReads : MirrorReadsFixture.withoutKeys(mirror),
        new AuditTrail(auditLog, new PageCursors(() -> key), auditVerifyBound),
        syncStates,
        syncRequests != null
            ? syncRequests
            : new SyncRequests(keys, new InMemorySyncLease(), org -> {}, audit, clock),
        new InvitationService(
            invitations != null ? invitations : new InMemoryInvitationStore(orgs),
            orgs,
            audit,
            clock,
            new SecureRandom()),
        new SummaryReads(summaryAggregates(), clock),
        managerActions != null ? managerActions : withoutKeys(audit));
  }

  private MirrorAggregates summaryAggregates() {
    if (aggregates != null) {
      return aggregates;
    }
    return mirror instanceof MirrorAggregates kept ? kept : new InMemoryMirrorStore();
  }

  private ManagerActionRoutes withoutKeys(RequestAuditor audit) {
    InMemoryMirrorStore noMirror = new InMemoryMirrorStore();
    return new ManagerActionRoutes(
        new InMemoryKeyVault(),
        new StripeApiActions(StripeClients.interactive("http://127.0.0.1:9")),
        new InMemoryIdempotencyStore(),
        new GuardedMirrorWrite(
            noMirror, (org, type, id) -> new StripeObjectFetcher.Unresolvable("no Stripe here")),
        audit,
        clock,
        new com.agentbilly.testing.InMemoryRefundLimitStore());
  }

  public ApiRouter router() {
    return ApiRoutes.router(services());
  }
}
