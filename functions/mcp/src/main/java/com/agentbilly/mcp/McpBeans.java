package com.agentbilly.mcp;

import com.agentbilly.adapter.aws.KmsSecretsManagerKeyVault;
import com.agentbilly.adapter.dynamodb.DynamoDbIdempotencyStore;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorAggregates;
import com.agentbilly.adapter.dynamodb.DynamoDbRefundLimitStore;
import com.agentbilly.adapter.stripe.StripeApiActions;
import com.agentbilly.adapter.stripe.StripeApiObjectFetcher;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.api.actions.ManagerActionRoutes;
import com.agentbilly.api.mirror.LiveReads;
import com.agentbilly.api.mirror.MirrorReads;
import com.agentbilly.api.orgs.OrgService;
import com.agentbilly.api.summary.SummaryReads;
import com.agentbilly.config.AwsClients;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.SecretPurpose;
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
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The mcp function's wiring: the api function's use cases built the same way as in {@code
 * ApiBeans}, with an audit log that marks every entry {@code "via": "mcp"}. It reads the viewer,
 * operator and manager keys only, like the api function, and cannot start a sync.
 */
@Factory
@Requires(env = "mcp")
public class McpBeans {

  @Singleton
  McpEndpoint endpoint(
      OrgStore orgs,
      KeyMetadataStore keys,
      SyncStateStore syncStates,
      AuditLog log,
      MirrorStore mirror,
      DynamoDbClient dynamo,
      Settings settings,
      RequestQuota quota,
      Clock clock,
      SecureRandom random,
      @Value("${authorization.server}") String authorizationServer) {
    RequestAuditor audit = new RequestAuditor(new ViaAuditLog(log, "mcp"));
    KeyVault vault =
        new KmsSecretsManagerKeyVault(
            AwsClients::kms,
            AwsClients::secretsManager,
            settings.kmsKeyId(),
            settings.secretPrefix(),
            EnumSet.of(SecretPurpose.VIEWER, SecretPurpose.OPERATOR, SecretPurpose.MANAGER),
            false,
            clock,
            KmsSecretsManagerKeyVault.DEFAULT_CACHE_TTL);
    StripeClients stripe = StripeClients.interactive(settings.stripeApiBase());
    MirrorReads mirrorReads =
        new MirrorReads(
            mirror,
            new LiveReads(
                vault,
                new StripeApiObjectFetcher(vault, SecretPurpose.VIEWER, stripe, clock),
                mirror));
    ManagerActionRoutes actions =
        new ManagerActionRoutes(
            vault,
            new StripeApiActions(stripe),
            new DynamoDbIdempotencyStore(dynamo, settings.tableName()),
            new GuardedMirrorWrite(
                mirror, new StripeApiObjectFetcher(vault, SecretPurpose.MANAGER, stripe, clock)),
            audit,
            clock,
            new DynamoDbRefundLimitStore(dynamo, settings.tableName()));
    return new McpEndpoint(
        new McpTools(
            McpRoutes.router(
                orgs,
                keys,
                syncStates,
                new OrgService(orgs, audit, clock, random),
                mirrorReads,
                new SummaryReads(new DynamoDbMirrorAggregates(dynamo, settings.tableName()), clock),
                actions,
                audit,
                settings,
                quota)),
        authorizationServer);
  }
}
