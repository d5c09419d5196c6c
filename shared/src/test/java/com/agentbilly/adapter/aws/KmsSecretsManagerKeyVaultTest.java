package com.agentbilly.adapter.aws;

import static com.agentbilly.domain.SecretPurpose.MANAGER;
import static com.agentbilly.domain.SecretPurpose.SYNC;
import static com.agentbilly.domain.SecretPurpose.VIEWER;
import static com.agentbilly.domain.SecretPurpose.WEBHOOK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

class KmsSecretsManagerKeyVaultTest {

  private static final OrgId ORG = new OrgId("org_" + "a".repeat(26));
  private static final String KEY_ID = "alias/agent-billy-test";
  private static final String PREFIX = "agent-billy/test/";
  private static final String VIEWER_NAME = PREFIX + ORG.value() + "/viewer";
  private static final String SECRET = "rk_test_51VerySecretRestrictedKey";
  private static final Duration TTL = Duration.ofMinutes(5);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
  private final FakeKms kms = new FakeKms();
  private final FakeSecretsManager secrets = new FakeSecretsManager();

  // ---------------------------------------------------------------- entitlement

  @Test
  void refusesToReadAPurposeItIsNotEntitledToBeforeAnyAwsCall() {
    KmsSecretsManagerKeyVault api = untouchableVault(EnumSet.of(VIEWER, MANAGER), false);

    assertThatThrownBy(() -> api.get(ORG, SYNC))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "This function is not entitled to read sync secrets (it may read: manager, viewer).");
  }

  @Test
  void onboardingMayReadNothing() {
    KmsSecretsManagerKeyVault onboarding = untouchableVault(Set.of(), true);

    assertThatThrownBy(() -> onboarding.get(ORG, VIEWER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("This function is not entitled to read viewer secrets (it may read: none).");
  }

  @Test
  void refusesToStoreWhenNotWritableWithoutNamingTheSecret() {
    KmsSecretsManagerKeyVault sync = untouchableVault(EnumSet.of(SYNC), false);

    assertThatThrownBy(() -> sync.put(ORG, SYNC, SECRET))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("This function is not entitled to store secrets.");
  }

  @Test
  void refusesToDeleteWhenNotWritable() {
    KmsSecretsManagerKeyVault webhook = untouchableVault(EnumSet.of(WEBHOOK, SYNC), false);

    assertThatThrownBy(() -> webhook.delete(ORG, WEBHOOK))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("This function is not entitled to delete secrets.");
  }

  @Test
  void refusesToStoreABlankSecret() {
    KmsSecretsManagerKeyVault onboarding = vault(Set.of(), true, TTL);

    assertThatThrownBy(() -> onboarding.put(ORG, VIEWER, " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The secret to store must not be blank.");
    assertThat(kms.encrypts()).isEmpty();
  }

  @Test
  void refusesAPrefixThatIsNotAFolder() {
    assertThatThrownBy(
            () ->
                new KmsSecretsManagerKeyVault(
                    () -> kms,
                    () -> secrets,
                    KEY_ID,
                    "agent-billy/test",
                    Set.of(),
                    true,
                    clock,
                    TTL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secretPrefix must end with '/': agent-billy/test");
  }

  // ---------------------------------------------------------------- put

  @Test
  void storesTheCiphertextOfAnEncryptBoundToOrgPurposeAndApp() {
    vault(Set.of(), true, TTL).put(ORG, VIEWER, SECRET);

    EncryptRequest encrypt = kms.encrypts().getFirst();
    assertThat(encrypt.keyId()).isEqualTo(KEY_ID);
    assertThat(encrypt.encryptionContext())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("org", ORG.value(), "purpose", "viewer", "app", "agent-billy"));
    assertThat(encrypt.plaintext().asUtf8String()).isEqualTo(SECRET);

    CreateSecretRequest create = secrets.creates().getFirst();
    assertThat(create.name()).isEqualTo(VIEWER_NAME);
    assertThat(create.kmsKeyId()).isEqualTo(KEY_ID);
    assertThat(create.secretString()).isNull();
    assertThat(create.tags())
        .containsExactlyInAnyOrder(
            tag("org", ORG.value()), tag("purpose", "viewer"), tag("app", "agent-billy"));
    byte[] stored = secrets.binary(VIEWER_NAME).asByteArray();
    assertThat(stored).isNotEqualTo(SECRET.getBytes(StandardCharsets.UTF_8));
    assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
    assertThat(secrets.puts()).isEmpty();
  }

  @Test
  void storingAgainAddsAVersionOfTheExistingSecret() {
    KmsSecretsManagerKeyVault vault = vault(EnumSet.of(VIEWER), true, TTL);
    vault.put(ORG, VIEWER, SECRET);

    vault.put(ORG, VIEWER, "rk_test_rotated");

    assertThat(secrets.creates()).hasSize(2);
    assertThat(secrets.puts())
        .singleElement()
        .satisfies(
            put -> {
              assertThat(put.secretId()).isEqualTo(VIEWER_NAME);
              assertThat(put.secretBinary())
                  .isEqualTo(
                      kms.encrypts().get(1).plaintext() == null
                          ? null
                          : secrets.binary(VIEWER_NAME));
            });
    assertThat(vault.get(ORG, VIEWER)).contains("rk_test_rotated");
  }

  @Test
  void recreatesANameThatAwsIsStillFreeingAfterAForceDelete() {
    KmsSecretsManagerKeyVault vault = vault(EnumSet.of(VIEWER), true, TTL);
    secrets.failNextCreateAsStillBeingDeleted();

    vault.put(ORG, VIEWER, SECRET);

    assertThat(secrets.creates()).hasSize(2);
    assertThat(vault.get(ORG, VIEWER)).contains(SECRET);
  }

  // ---------------------------------------------------------------- get and the cache

  @Test
  void readsAndDecryptsWithTheSameContext() {
    vault(Set.of(), true, TTL).put(ORG, VIEWER, SECRET);

    assertThat(vault(EnumSet.of(VIEWER), false, TTL).get(ORG, VIEWER)).contains(SECRET);
    assertThat(kms.decrypts()).isEqualTo(1);
  }

  @Test
  void servesAReadFromMemoryUntilTheTtlHasPassed() {
    vault(Set.of(), true, TTL).put(ORG, VIEWER, SECRET);
    KmsSecretsManagerKeyVault api = vault(EnumSet.of(VIEWER, MANAGER), false, TTL);

    api.get(ORG, VIEWER);
    clock.advance(TTL.minusSeconds(1));
    assertThat(api.get(ORG, VIEWER)).contains(SECRET);
    assertThat(secrets.reads(VIEWER_NAME)).isEqualTo(1);
    assertThat(kms.decrypts()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    assertThat(api.get(ORG, VIEWER)).contains(SECRET);
    assertThat(secrets.reads(VIEWER_NAME)).isEqualTo(2);
    assertThat(kms.decrypts()).isEqualTo(2);
  }

  @Test
  void seesAnotherContainersRotationOnceTheTtlHasPassed() {
    KmsSecretsManagerKeyVault onboarding = vault(Set.of(), true, TTL);
    KmsSecretsManagerKeyVault api = vault(EnumSet.of(VIEWER), false, TTL);
    onboarding.put(ORG, VIEWER, SECRET);
    api.get(ORG, VIEWER);

    onboarding.put(ORG, VIEWER, "rk_test_rotated");

    assertThat(api.get(ORG, VIEWER)).contains(SECRET);
    clock.advance(TTL);
    assertThat(api.get(ORG, VIEWER)).contains("rk_test_rotated");
  }

  @Test
  void zeroTtlReadsEveryTime() {
    vault(Set.of(), true, TTL).put(ORG, VIEWER, SECRET);
    KmsSecretsManagerKeyVault api = vault(EnumSet.of(VIEWER), false, Duration.ZERO);

    api.get(ORG, VIEWER);
    api.get(ORG, VIEWER);

    assertThat(secrets.reads(VIEWER_NAME)).isEqualTo(2);
  }

  @Test
  void neverCachesAbsence() {
    KmsSecretsManagerKeyVault api = vault(EnumSet.of(VIEWER), false, TTL);
    assertThat(api.get(ORG, VIEWER)).isEmpty();

    vault(Set.of(), true, TTL).put(ORG, VIEWER, SECRET);

    assertThat(api.get(ORG, VIEWER)).contains(SECRET);
  }

  @Test
  void storingForgetsTheCachedSecretAtOnce() {
    KmsSecretsManagerKeyVault vault = vault(EnumSet.of(VIEWER), true, TTL);
    vault.put(ORG, VIEWER, SECRET);
    vault.get(ORG, VIEWER);

    vault.put(ORG, VIEWER, "rk_test_rotated");

    assertThat(vault.get(ORG, VIEWER)).contains("rk_test_rotated");
  }

  @Test
  void deletingForgetsTheSecretAndTheCachedCopy() {
    KmsSecretsManagerKeyVault vault = vault(EnumSet.of(VIEWER), true, TTL);
    vault.put(ORG, VIEWER, SECRET);
    vault.get(ORG, VIEWER);

    vault.delete(ORG, VIEWER);

    assertThat(secrets.deletes()).containsExactly(VIEWER_NAME);
    assertThat(vault.get(ORG, VIEWER)).isEmpty();
  }

  @Test
  void deletingAMissingSecretDoesNothing() {
    KmsSecretsManagerKeyVault vault = vault(EnumSet.of(VIEWER), true, TTL);

    vault.delete(ORG, VIEWER);

    assertThat(secrets.deletes()).containsExactly(VIEWER_NAME);
    assertThat(vault.get(ORG, VIEWER)).isEmpty();
  }

  // ---------------------------------------------------------------- failures

  @Test
  void reportsAnAwsFailureByCodeAndRequestIdWithoutTheSdkMessage() {
    vault(Set.of(), true, TTL).put(ORG, VIEWER, SECRET);
    kms.failDecryptsWith(
        (KmsException)
            KmsException.builder()
                .message("something mentioning " + SECRET)
                .statusCode(500)
                .requestId("req-1")
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("KMSInternalException")
                        .errorMessage("something mentioning " + SECRET)
                        .build())
                .build());

    assertThatThrownBy(() -> vault(EnumSet.of(VIEWER), false, TTL).get(ORG, VIEWER))
        .isInstanceOf(SecretAccessException.class)
        .hasMessage(
            "KMS Decrypt of "
                + VIEWER_NAME
                + " failed: KMSInternalException (HTTP 500, request id req-1)")
        .hasNoCause();
  }

  @Test
  void refusesACiphertextEncryptedForAnotherPurpose() {
    KmsSecretsManagerKeyVault vault = vault(EnumSet.of(VIEWER, MANAGER), true, TTL);
    vault.put(ORG, MANAGER, SECRET);
    secrets.putBinary(VIEWER_NAME, secrets.binary(PREFIX + ORG.value() + "/manager"));

    assertThatThrownBy(() -> vault.get(ORG, VIEWER))
        .isInstanceOf(SecretAccessException.class)
        .hasMessageStartingWith(
            "KMS Decrypt of " + VIEWER_NAME + " failed: InvalidCiphertextException");
  }

  @Test
  void refusesASecretThatHoldsAStringInsteadOfCiphertext() {
    secrets.putString(VIEWER_NAME, SECRET);

    assertThatThrownBy(() -> vault(EnumSet.of(VIEWER), false, TTL).get(ORG, VIEWER))
        .isInstanceOf(SecretAccessException.class)
        .hasMessage(
            "Secret " + VIEWER_NAME + " holds no SecretBinary: it was not written by this vault.");
    assertThat(kms.decrypts()).isZero();
  }

  private KmsSecretsManagerKeyVault vault(
      Set<SecretPurpose> readable, boolean writable, Duration ttl) {
    return new KmsSecretsManagerKeyVault(
        () -> kms, () -> secrets, KEY_ID, PREFIX, readable, writable, clock, ttl);
  }

  /** A vault whose clients throw on any call: what it refuses, it refuses before calling AWS. */
  private KmsSecretsManagerKeyVault untouchableVault(
      Set<SecretPurpose> readable, boolean writable) {
    KmsClient noKms =
        new KmsClient() {
          @Override
          public String serviceName() {
            return SERVICE_NAME;
          }

          @Override
          public void close() {}
        };
    SecretsManagerClient noSecrets =
        new SecretsManagerClient() {
          @Override
          public String serviceName() {
            return SERVICE_NAME;
          }

          @Override
          public void close() {}
        };
    return new KmsSecretsManagerKeyVault(
        () -> noKms, () -> noSecrets, KEY_ID, PREFIX, readable, writable, clock, TTL);
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }
}
