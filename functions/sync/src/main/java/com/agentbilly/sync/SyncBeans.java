package com.agentbilly.sync;

import com.agentbilly.adapter.aws.KmsSecretsManagerKeyVault;
import com.agentbilly.adapter.dynamodb.DynamoDbSyncLease;
import com.agentbilly.adapter.dynamodb.DynamoDbSyncStateStore;
import com.agentbilly.adapter.stripe.StripeApiObjectFetcher;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.config.AwsClients;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.Backoff;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.port.EventLedger;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.port.MirrorStore;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The sync function's wiring: it may decrypt the org's sync key, and no other secret. */
@Factory
@Requires(env = "sync")
public class SyncBeans {

  /** The longest a page of 100 objects with its mirror writes may take. */
  static final Duration PAGE_RESERVE = Duration.ofSeconds(10);

  /** Named wrapper so this function's run never collides with another in one context. */
  public record Runner(SyncRun run) {}

  @Singleton
  Runner syncRunner(
      MirrorStore mirror,
      EventLedger ledger,
      KeyMetadataStore keys,
      DynamoDbClient dynamo,
      Settings settings,
      Clock clock) {
    KmsSecretsManagerKeyVault vault =
        new KmsSecretsManagerKeyVault(
            AwsClients::kms,
            AwsClients::secretsManager,
            settings.kmsKeyId(),
            settings.secretPrefix(),
            EnumSet.of(SecretPurpose.SYNC),
            false,
            clock,
            KmsSecretsManagerKeyVault.DEFAULT_CACHE_TTL);
    OrgSync sync =
        new OrgSync(
            new DynamoDbSyncStateStore(dynamo, settings.tableName()),
            vault,
            mirror,
            new StripeApiObjectFetcher(
                vault, StripeClients.interactive(settings.stripeApiBase()), clock),
            ledger,
            readers(settings),
            clock,
            PAGE_RESERVE);
    return new Runner(
        new SyncRun(sync, keys, new DynamoDbSyncLease(dynamo, settings.tableName()), clock));
  }

  /**
   * A reader per sync key: one client without retries of its own, and one rate limiter per key, at
   * the rate of the key's mode.
   */
  static Function<String, StripeReader> readers(Settings settings) {
    StripeClients clients =
        new StripeClients(
            settings.stripeApiBase(), Duration.ofSeconds(5), Duration.ofSeconds(30), 0);
    return key ->
        new RetryingStripeReader(
            clients.forKey(key),
            new RateLimiter(
                settings.syncRequestsPerSecond(key.startsWith("rk_live_")),
                System::nanoTime,
                Sleeper.THREAD),
            Backoff.standard(),
            Sleeper.THREAD,
            RetryingStripeReader.RetryLimits.standard());
  }
}
