package com.agentbilly.onboarding;

import com.agentbilly.adapter.aws.KmsSecretsManagerKeyVault;
import com.agentbilly.adapter.stripe.StripeExchange;
import com.agentbilly.adapter.stripe.StripePermissionProber;
import com.agentbilly.config.AwsClients;
import com.agentbilly.config.KeyFingerprints;
import com.agentbilly.config.Settings;
import com.agentbilly.config.StackSecrets;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.port.OrgStore;
import com.agentbilly.port.RequestQuota;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** The onboarding function's wiring: it may write every secret and decrypt none. */
@Factory
@Requires(env = "onboarding")
public class OnboardingBeans {

  /** Named wrapper so this function's router never collides with another in one context. */
  public record Router(ApiRouter router) {}

  @Singleton
  Router onboardingRouter(
      OrgStore orgs,
      KeyMetadataStore keys,
      StackSecrets stackSecrets,
      RequestAuditor audit,
      Settings settings,
      Clock clock,
      RequestQuota quota) {
    KmsSecretsManagerKeyVault vault =
        new KmsSecretsManagerKeyVault(
            AwsClients::kms,
            AwsClients::secretsManager,
            settings.kmsKeyId(),
            settings.secretPrefix(),
            Set.of(),
            true,
            clock,
            KmsSecretsManagerKeyVault.DEFAULT_CACHE_TTL);
    KeyOnboarding onboarding =
        new KeyOnboarding(
            orgs,
            keys,
            vault,
            new StripePermissionProber(
                StripeExchange.interactive(settings.stripeApiBase()), Duration.ofSeconds(12)),
            new KeyFingerprints(stackSecrets::fingerprintKey),
            audit,
            clock);
    return new Router(
        OnboardingRoutes.router(
            orgs,
            new OnboardingRoutes(
                onboarding, new OrgDeletion(orgs, vault), settings.webhookBaseUrl().orElse(null)),
            settings,
            audit,
            quota));
  }
}
