package com.agentbilly.local;

import com.agentbilly.adapter.aws.KmsSecretsManagerKeyVault;
import com.agentbilly.adapter.dynamodb.DynamoDbEventLedger;
import com.agentbilly.adapter.dynamodb.DynamoDbSyncStateStore;
import com.agentbilly.adapter.stripe.StripeApiObjectFetcher;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.Backoff;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.sync.OrgSync;
import com.agentbilly.sync.RateLimiter;
import com.agentbilly.sync.RetryingStripeReader;
import com.agentbilly.sync.Sleeper;
import com.agentbilly.sync.StripeReader;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The sync engine wired as {@code SyncBeans} wires it, from the environment of the local stack,
 * with a test's rate, backoff and mirror store: for the sync ITs, the process a test kills, and the
 * benchmark.
 */
public final class SyncEngine {

  /** The reserve of a page, as the sync function keeps it. */
  public static final Duration PAGE_RESERVE = Duration.ofSeconds(5);

  private SyncEngine() {}

  /** Backoff that keeps storm tests short: 50 ms doubling to 400 ms, no jitter. */
  public static Backoff fastBackoff() {
    return new Backoff(Duration.ofMillis(50), Duration.ofMillis(400), () -> 0.5);
  }

  /** One org's sync with the org's sync key from the stack's vault. */
  public static OrgSync orgSync(
      DynamoDbClient dynamo,
      KmsClient kms,
      SecretsManagerClient secrets,
      MirrorStore mirror,
      double requestsPerSecond,
      Backoff backoff) {
    return orgSync(
        dynamo,
        kms,
        secrets,
        mirror,
        requestsPerSecond,
        backoff,
        new StripeClients(
            Settings.fromEnvironment().stripeApiBase(),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            0));
  }

  /** The same, reading Stripe through {@code clients}. */
  public static OrgSync orgSync(
      DynamoDbClient dynamo,
      KmsClient kms,
      SecretsManagerClient secrets,
      MirrorStore mirror,
      double requestsPerSecond,
      Backoff backoff,
      StripeClients clients) {
    Settings settings = Settings.fromEnvironment();
    KmsSecretsManagerKeyVault vault =
        new KmsSecretsManagerKeyVault(
            () -> kms,
            () -> secrets,
            settings.kmsKeyId(),
            settings.secretPrefix(),
            EnumSet.of(SecretPurpose.SYNC),
            false,
            Clock.systemUTC(),
            KmsSecretsManagerKeyVault.DEFAULT_CACHE_TTL);
    Function<String, StripeReader> readers =
        key ->
            new RetryingStripeReader(
                clients.forKey(key),
                new RateLimiter(requestsPerSecond, System::nanoTime, Sleeper.THREAD),
                backoff,
                Sleeper.THREAD,
                RetryingStripeReader.RetryLimits.standard());
    return new OrgSync(
        new DynamoDbSyncStateStore(dynamo, settings.tableName()),
        vault,
        mirror,
        new StripeApiObjectFetcher(
            vault, StripeClients.interactive(settings.stripeApiBase()), Clock.systemUTC()),
        new DynamoDbEventLedger(dynamo, settings.tableName()),
        readers,
        Clock.systemUTC(),
        PAGE_RESERVE);
  }
}
