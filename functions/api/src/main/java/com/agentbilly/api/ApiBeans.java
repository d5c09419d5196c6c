package com.agentbilly.api;

import com.agentbilly.adapter.aws.KmsSecretsManagerKeyVault;
import com.agentbilly.adapter.dynamodb.DynamoDbIdempotencyStore;
import com.agentbilly.adapter.dynamodb.DynamoDbInvitationStore;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorAggregates;
import com.agentbilly.adapter.dynamodb.DynamoDbRefundLimitStore;
import com.agentbilly.adapter.dynamodb.DynamoDbSyncLease;
import com.agentbilly.adapter.stripe.StripeApiActions;
import com.agentbilly.adapter.stripe.StripeApiObjectFetcher;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.api.actions.ManagerActionRoutes;
import com.agentbilly.api.audit.AuditTrail;
import com.agentbilly.api.invitations.InvitationService;
import com.agentbilly.api.mirror.LiveReads;
import com.agentbilly.api.mirror.MirrorReads;
import com.agentbilly.api.orgs.OrgService;
import com.agentbilly.api.summary.SummaryReads;
import com.agentbilly.api.sync.LambdaSyncInvoker;
import com.agentbilly.api.sync.SyncRequests;
import com.agentbilly.config.AwsClients;
import com.agentbilly.config.Settings;
import com.agentbilly.config.StackSecrets;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.PageCursors;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.mirror.GuardedMirrorWrite;
import com.agentbilly.port.AuditLog;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.port.KeyVault;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.port.OrgStore;
import com.agentbilly.port.RequestQuota;
import com.agentbilly.port.SyncStateStore;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The api function's wiring. */
@Factory
@Requires(env = "api")
public class ApiBeans {

  @Singleton
  OrgService orgService(OrgStore orgs, RequestAuditor audit, Clock clock, SecureRandom random) {
    return new OrgService(orgs, audit, clock, random);
  }

  /**
   * The api function reads only the viewer, operator and manager keys (its IAM role says the same).
   */
  @Singleton
  KeyVault keyVault(Settings settings, Clock clock) {
    return new KmsSecretsManagerKeyVault(
        AwsClients::kms,
        AwsClients::secretsManager,
        settings.kmsKeyId(),
        settings.secretPrefix(),
        EnumSet.of(SecretPurpose.VIEWER, SecretPurpose.OPERATOR, SecretPurpose.MANAGER),
        false,
        clock,
        KmsSecretsManagerKeyVault.DEFAULT_CACHE_TTL);
  }

  @Singleton
  MirrorReads mirrorReads(MirrorStore mirror, KeyVault vault, Settings settings, Clock clock) {
    StripeApiObjectFetcher viewerFetcher =
        new StripeApiObjectFetcher(
            vault,
            SecretPurpose.VIEWER,
            StripeClients.interactive(settings.stripeApiBase()),
            clock);
    return new MirrorReads(mirror, new LiveReads(vault, viewerFetcher, mirror));
  }

  /** The audit list's cursors are sealed with the stack's cursor key, read on first use. */
  @Singleton
  AuditTrail auditTrail(AuditLog log, StackSecrets secrets) {
    return new AuditTrail(log, new PageCursors(secrets::cursorKey));
  }

  @Singleton
  SyncRequests syncRequests(
      KeyMetadataStore keys,
      DynamoDbClient dynamo,
      Settings settings,
      RequestAuditor audit,
      Clock clock) {
    String syncFunction =
        settings
            .syncFunctionName()
            .orElseThrow(() -> new IllegalStateException("SYNC_FUNCTION_NAME is not set."));
    return new SyncRequests(
        keys,
        new DynamoDbSyncLease(dynamo, settings.tableName()),
        LambdaSyncInvoker.fromEnvironment(AwsClients.http(), syncFunction),
        audit,
        clock);
  }

  /** The summary reads the aggregates the mirror store keeps, in the same table. */
  @Singleton
  SummaryReads summaryReads(DynamoDbClient dynamo, Settings settings, Clock clock) {
    return new SummaryReads(new DynamoDbMirrorAggregates(dynamo, settings.tableName()), clock);
  }

  @Singleton
  InvitationService invitationService(
      DynamoDbClient dynamo,
      Settings settings,
      OrgStore orgs,
      RequestAuditor audit,
      Clock clock,
      SecureRandom random) {
    return new InvitationService(
        new DynamoDbInvitationStore(dynamo, settings.tableName()), orgs, audit, clock, random);
  }

  /**
   * Refunds and subscription changes: the Stripe key follows the caller's role; results are read
   * back with the same key and written through the guarded write (a same-second tie re-reads with
   * the manager key, the only one of the api function that may read refunds).
   */
  @Singleton
  ManagerActionRoutes managerActions(
      KeyVault vault,
      DynamoDbClient dynamo,
      MirrorStore mirror,
      RequestAuditor audit,
      Settings settings,
      Clock clock) {
    StripeClients stripe = StripeClients.interactive(settings.stripeApiBase());
    return new ManagerActionRoutes(
        vault,
        new StripeApiActions(stripe),
        new DynamoDbIdempotencyStore(dynamo, settings.tableName()),
        new GuardedMirrorWrite(
            mirror, new StripeApiObjectFetcher(vault, SecretPurpose.MANAGER, stripe, clock)),
        audit,
        clock,
        new DynamoDbRefundLimitStore(dynamo, settings.tableName()));
  }

  @Singleton
  ApiRouter apiRouter(
      OrgStore orgs,
      KeyMetadataStore keys,
      OrgService orgService,
      RequestAuditor audit,
      Settings settings,
      MirrorReads mirrorReads,
      AuditTrail auditTrail,
      SyncStateStore syncStates,
      SyncRequests syncRequests,
      InvitationService invitations,
      SummaryReads summaryReads,
      ManagerActionRoutes managerActions,
      RequestQuota quota) {
    return ApiRoutes.router(
        new ApiServices(
            orgs,
            keys,
            orgService,
            audit,
            settings,
            mirrorReads,
            auditTrail,
            syncStates,
            syncRequests,
            invitations,
            summaryReads,
            managerActions),
        quota);
  }
}
