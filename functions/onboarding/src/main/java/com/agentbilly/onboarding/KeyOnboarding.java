package com.agentbilly.onboarding;

import com.agentbilly.config.KeyFingerprints;
import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.domain.keys.KeyMetadata;
import com.agentbilly.domain.keys.KeyRequirements;
import com.agentbilly.domain.keys.KeyVerification;
import com.agentbilly.domain.keys.Probe;
import com.agentbilly.domain.keys.RestrictedKey;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.port.KeyVault;
import com.agentbilly.port.OrgStore;
import com.agentbilly.port.PermissionProber;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Connecting, rotating and revoking restricted keys, and storing the webhook secret. A key is
 * refused in the contract's order — format, mode, unknown to Stripe, account, excess, missing — and
 * a refused key is never stored, logged or repeated.
 */
public final class KeyOnboarding {

  private static final Set<ErrorCode> KEY_REFUSALS =
      EnumSet.of(
          ErrorCode.SECRET_KEY_REJECTED,
          ErrorCode.INVALID_KEY_FORMAT,
          ErrorCode.KEY_MODE_MISMATCH,
          ErrorCode.KEY_INVALID,
          ErrorCode.KEY_ACCOUNT_MISMATCH,
          ErrorCode.EXCESS_PERMISSIONS,
          ErrorCode.MISSING_PERMISSIONS);

  private static final Pattern WEBHOOK_SECRET = Pattern.compile("whsec_[A-Za-z0-9+/=_-]{8,200}");

  private final OrgStore orgs;
  private final KeyMetadataStore keys;
  private final KeyVault vault;
  private final PermissionProber prober;
  private final KeyFingerprints fingerprints;
  private final RequestAuditor audit;
  private final Clock clock;

  public KeyOnboarding(
      OrgStore orgs,
      KeyMetadataStore keys,
      KeyVault vault,
      PermissionProber prober,
      KeyFingerprints fingerprints,
      RequestAuditor audit,
      Clock clock) {
    this.orgs = orgs;
    this.keys = keys;
    this.vault = vault;
    this.prober = prober;
    this.fingerprints = fingerprints;
    this.audit = audit;
    this.clock = clock;
  }

  /** Verifies {@code rawKey} for {@code purpose} and stores it (connect or rotate). */
  public KeyMetadata connect(ApiRequest request, SecretPurpose purpose, String rawKey) {
    Org org = orgs.findOrg(request.requireOrg()).orElseThrow(ApiProblem::notFound);
    try {
      RestrictedKey key = RestrictedKey.parse(rawKey);
      key.requireMode(org.mode());
      KeyRequirements requirements = KeyRequirements.of(purpose);
      List<Probe> probes = requirements.probed().stream().map(Probe::of).toList();
      KeyVerification verified =
          KeyVerification.decide(purpose, prober.probe(key.value(), probes), org.stripeAccount());
      if (verified.account() != null
          && !orgs.recordStripeAccount(org.id(), verified.account()).equals(verified.account())) {
        // Another key of another account was connected between our read and this write.
        throw KeyVerification.accountMismatch();
      }
      boolean rotation = keys.find(org.id(), purpose).isPresent();
      vault.put(org.id(), purpose, key.value());
      KeyMetadata metadata =
          new KeyMetadata(
              org.id(),
              purpose,
              key.mode().livemode(),
              key.last4(),
              fingerprints.fingerprint(key.value()),
              verified.permissions(),
              clock.instant(),
              request.caller().username());
      keys.put(metadata);
      audit.record(
          request,
          rotation ? "key.rotated" : "key.connected",
          "key:" + purpose.wireName(),
          AuditOutcome.SUCCESS,
          purpose.wireName(),
          Map.of("last4", metadata.last4(), "fingerprint", metadata.fingerprint()));
      return metadata;
    } catch (ApiProblem refusal) {
      if (KEY_REFUSALS.contains(refusal.code())) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", refusal.code().wireName());
        details.putAll(refusal.extra());
        audit.record(
            request,
            "key.rejected",
            "key:" + purpose.wireName(),
            AuditOutcome.FAILED,
            purpose.wireName(),
            details);
      }
      throw refusal;
    }
  }

  /** Deletes the key's secret and metadata; {@code 404} when none is connected. */
  public void revoke(ApiRequest request, SecretPurpose purpose) {
    OrgId org = request.requireOrg();
    KeyMetadata metadata = keys.find(org, purpose).orElseThrow(ApiProblem::notFound);
    vault.delete(org, purpose);
    keys.delete(org, purpose);
    audit.record(
        request,
        "key.revoked",
        "key:" + purpose.wireName(),
        AuditOutcome.SUCCESS,
        purpose.wireName(),
        Map.of("last4", metadata.last4(), "fingerprint", metadata.fingerprint()));
  }

  public List<KeyMetadata> list(OrgId org) {
    return keys.list(org);
  }

  /** Stores the org's webhook signing secret ({@code whsec_…}). */
  public void setWebhookSecret(ApiRequest request, String rawSecret) {
    String secret = rawSecret == null ? "" : rawSecret.strip();
    if (!WEBHOOK_SECRET.matcher(secret).matches()) {
      throw new ApiProblem(
          ErrorCode.INVALID_WEBHOOK_SECRET,
          "This is not a Stripe webhook signing secret. Copy the whsec_… value shown for the"
              + " endpoint in the Stripe Dashboard (Developers → Webhooks).");
    }
    OrgId org = request.requireOrg();
    vault.put(org, SecretPurpose.WEBHOOK, secret);
    orgs.setWebhookConfigured(org, true);
    audit.record(request, "webhook_secret.set", "webhook", AuditOutcome.SUCCESS, null, Map.of());
  }
}
