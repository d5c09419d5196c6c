package com.agentbilly.webhook;

import com.agentbilly.adapter.aws.KmsSecretsManagerKeyVault;
import com.agentbilly.adapter.stripe.StripeApiObjectFetcher;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.config.AwsClients;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.port.EventLedger;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.port.OrgStore;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.EnumSet;

/**
 * The webhook function's wiring: it may decrypt the org's webhook secret (to verify deliveries) and
 * its sync key (to re-fetch an object on a same-second tie), and write no secret.
 */
@Factory
@Requires(env = "webhook")
public class WebhookBeans {

  /** Named wrapper so this function's use case never collides with another in one context. */
  public record Receiver(ApplyStripeEvent events) {}

  @Singleton
  Receiver webhookReceiver(
      OrgStore orgs, MirrorStore mirror, EventLedger ledger, Settings settings, Clock clock) {
    KmsSecretsManagerKeyVault vault =
        new KmsSecretsManagerKeyVault(
            AwsClients::kms,
            AwsClients::secretsManager,
            settings.kmsKeyId(),
            settings.secretPrefix(),
            EnumSet.of(SecretPurpose.WEBHOOK, SecretPurpose.SYNC),
            false,
            clock,
            KmsSecretsManagerKeyVault.DEFAULT_CACHE_TTL);
    return new Receiver(
        new ApplyStripeEvent(
            orgs,
            vault,
            mirror,
            ledger,
            new StripeApiObjectFetcher(
                vault, StripeClients.interactive(settings.stripeApiBase()), clock),
            clock));
  }
}
