package com.agentbilly.local;

import static com.agentbilly.domain.SecretPurpose.MANAGER;
import static com.agentbilly.domain.SecretPurpose.SYNC;
import static com.agentbilly.domain.SecretPurpose.VIEWER;
import static com.agentbilly.domain.SecretPurpose.WEBHOOK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.adapter.aws.KmsSecretsManagerKeyVault;
import com.agentbilly.adapter.aws.SecretAccessException;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * {@link KmsSecretsManagerKeyVault} through the real AWS SDK against moto's KMS and Secrets Manager
 * (KMS binds the encryption context there as on AWS): what is stored, that a ciphertext is bound to
 * its org and purpose, rotation under concurrent readers, revocation, and entitlements. Every test
 * uses its own org, so the shared stack needs no reset between tests.
 */
@WithLocalStack
class KeyVaultIT {

  private static final Set<SecretPurpose> API_READS = EnumSet.of(VIEWER, MANAGER);
  private static final SecureRandom RANDOM = new SecureRandom();

  private static SdkHttpClient http;
  private static KmsClient kms;
  private static SecretsManagerClient secrets;
  private static Settings settings;

  /** AWS requests made through {@link #kms} and {@link #secrets}. */
  private static final AtomicInteger AWS_REQUESTS = new AtomicInteger();

  private final OrgId org = OrgId.generate(RANDOM);

  /** Runs once the stack is up: moto reset, the KMS key, its alias and the stack secrets made. */
  @BeforeAll
  static void clients(LocalStack stack) {
    settings = Settings.fromEnvironment();
    http = UrlConnectionHttpClient.create();
    ExecutionInterceptor counter =
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(
              Context.BeforeTransmission context, ExecutionAttributes attributes) {
            AWS_REQUESTS.incrementAndGet();
          }
        };
    kms =
        KmsClient.builder()
            .httpClient(http)
            .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
            .build();
    secrets =
        SecretsManagerClient.builder()
            .httpClient(http)
            .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
            .build();
  }

  @AfterAll
  static void closeClients() {
    secrets.close();
    kms.close();
    http.close();
  }

  @Test
  void storedSecretReadsBackThroughAnotherFunctionsVault() {
    onboarding().put(org, VIEWER, "rk_test_viewer_round_trip");

    assertThat(api().get(org, VIEWER)).contains("rk_test_viewer_round_trip");
    assertThat(api().get(org, MANAGER)).isEmpty();
  }

  @Test
  void storesCiphertextUnderThePrefixedNameWithTheStackKeyAndTags() {
    String plaintext = "rk_test_" + "x".repeat(40);
    onboarding().put(org, MANAGER, plaintext);

    String name = settings.secretPrefix() + org.value() + "/manager";
    GetSecretValueResponse stored = secrets.getSecretValue(r -> r.secretId(name));
    byte[] ciphertext = stored.secretBinary().asByteArray();
    assertThat(stored.secretString()).isNull();
    assertThat(ciphertext).isNotEqualTo(plaintext.getBytes(StandardCharsets.UTF_8));
    assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1))
        .doesNotContain(plaintext)
        .doesNotContain("x".repeat(8));
    DescribeSecretResponse described = secrets.describeSecret(r -> r.secretId(name));
    assertThat(described.kmsKeyId()).isEqualTo(settings.kmsKeyId());
    assertThat(described.tags())
        .containsExactlyInAnyOrder(
            tag("org", org.value()), tag("purpose", "manager"), tag("app", "agent-billy"));
  }

  @Test
  void ciphertextDecryptsOnlyUnderItsOwnOrgPurposeAndApp() {
    onboarding().put(org, VIEWER, "rk_test_bound_to_context");
    SdkBytes ciphertext = storedCiphertext(org, VIEWER);
    OrgId otherOrg = OrgId.generate(RANDOM);

    assertThat(decrypt(ciphertext, KmsSecretsManagerKeyVault.encryptionContext(org, VIEWER)))
        .isEqualTo("rk_test_bound_to_context");
    assertThatThrownBy(
            () ->
                decrypt(ciphertext, KmsSecretsManagerKeyVault.encryptionContext(otherOrg, VIEWER)))
        .isInstanceOf(InvalidCiphertextException.class);
    assertThatThrownBy(
            () -> decrypt(ciphertext, KmsSecretsManagerKeyVault.encryptionContext(org, MANAGER)))
        .isInstanceOf(InvalidCiphertextException.class);
    assertThatThrownBy(() -> decrypt(ciphertext, Map.of("org", org.value(), "purpose", "viewer")))
        .isInstanceOf(InvalidCiphertextException.class);
  }

  @Test
  void secretCopiedUnderAnotherOrgsOrPurposesNameDoesNotDecrypt() {
    onboarding().put(org, VIEWER, "rk_test_copied");
    SdkBytes ciphertext = storedCiphertext(org, VIEWER);
    OrgId otherOrg = OrgId.generate(RANDOM);
    KmsSecretsManagerKeyVault vault = onboarding();
    copyTo(vault.secretName(otherOrg, VIEWER), ciphertext);
    copyTo(vault.secretName(org, MANAGER), ciphertext);

    assertThatThrownBy(() -> api().get(otherOrg, VIEWER))
        .isInstanceOf(SecretAccessException.class)
        .hasMessageStartingWith(
            "KMS Decrypt of "
                + vault.secretName(otherOrg, VIEWER)
                + " failed: InvalidCiphertextException")
        .hasMessageNotContaining("rk_test_copied");
    assertThatThrownBy(() -> api().get(org, MANAGER))
        .isInstanceOf(SecretAccessException.class)
        .hasMessageStartingWith(
            "KMS Decrypt of "
                + vault.secretName(org, MANAGER)
                + " failed: InvalidCiphertextException");
  }

  @Test
  void rotationIsReadByAFreshVaultAsTheNewSecret() {
    onboarding().put(org, SYNC, "rk_test_sync_v1");
    assertThat(sync(Duration.ofMinutes(5)).get(org, SYNC)).contains("rk_test_sync_v1");

    onboarding().put(org, SYNC, "rk_test_sync_v2");

    assertThat(sync(Duration.ofMinutes(5)).get(org, SYNC)).contains("rk_test_sync_v2");
    String name = onboarding().secretName(org, SYNC);
    assertThat(secrets.listSecretVersionIds(r -> r.secretId(name)).versions()).hasSize(2);
  }

  @Test
  void readersNeverMissTheKeyDuringRotations() throws Exception {
    KmsSecretsManagerKeyVault writer = onboarding();
    KmsSecretsManagerKeyVault reader = sync(Duration.ZERO);
    List<String> written = new ArrayList<>(List.of("rk_test_rotation_00"));
    writer.put(org, SYNC, written.getFirst());
    AtomicBoolean rotating = new AtomicBoolean(true);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger empties = new AtomicInteger();
    AtomicInteger reads = new AtomicInteger();

    List<Future<?>> readers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < 4; i++) {
        readers.add(
            pool.submit(
                () -> {
                  while (rotating.get()) {
                    Optional<String> key = reader.get(org, SYNC);
                    key.ifPresentOrElse(seen::add, empties::incrementAndGet);
                    reads.incrementAndGet();
                  }
                }));
      }
      for (int rotation = 1; rotation <= 20; rotation++) {
        String next = "rk_test_rotation_%02d".formatted(rotation);
        written.add(next);
        writer.put(org, SYNC, next);
      }
      rotating.set(false);
      for (Future<?> future : readers) {
        future.get(); // rethrows any reader's failure
      }
    }

    assertThat(empties.get()).as("reads that found no key").isZero();
    assertThat(reads.get()).isGreaterThan(4);
    assertThat(written).containsAll(seen);
    assertThat(reader.get(org, SYNC)).contains(written.getLast());
  }

  @Test
  void revokedSecretIsGoneAndThePurposeCanBeConnectedAgainAtOnce() {
    KmsSecretsManagerKeyVault onboarding = onboarding();
    onboarding.put(org, WEBHOOK, "whsec_first");

    onboarding.delete(org, WEBHOOK);

    KmsSecretsManagerKeyVault webhook = webhook();
    assertThat(webhook.get(org, WEBHOOK)).isEmpty();
    onboarding.put(org, WEBHOOK, "whsec_second");
    assertThat(webhook.get(org, WEBHOOK)).contains("whsec_second");
  }

  @Test
  void deletingASecretThatDoesNotExistDoesNothing() {
    onboarding().delete(org, MANAGER);

    assertThat(api().get(org, MANAGER)).isEmpty();
  }

  @Test
  void refusalsOfEntitlementMakeNoAwsRequest() {
    onboarding().put(org, MANAGER, "rk_test_manager");
    int before = AWS_REQUESTS.get();

    assertThatThrownBy(() -> sync(Duration.ZERO).get(org, MANAGER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("This function is not entitled to read manager secrets (it may read: sync).");
    assertThatThrownBy(() -> webhook().get(org, VIEWER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "This function is not entitled to read viewer secrets (it may read: sync, webhook).");
    assertThatThrownBy(() -> onboarding().get(org, MANAGER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("This function is not entitled to read manager secrets (it may read: none).");
    assertThatThrownBy(() -> api().put(org, MANAGER, "rk_test_other"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("This function is not entitled to store secrets.");
    assertThatThrownBy(() -> api().delete(org, MANAGER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("This function is not entitled to delete secrets.");

    assertThat(AWS_REQUESTS.get()).isEqualTo(before);
    assertThat(api().get(org, MANAGER)).contains("rk_test_manager");
  }

  // ---------------------------------------------------------------- the functions' vaults

  private static KmsSecretsManagerKeyVault onboarding() {
    return vault(Set.of(), true, KmsSecretsManagerKeyVault.DEFAULT_CACHE_TTL);
  }

  private static KmsSecretsManagerKeyVault api() {
    return vault(API_READS, false, KmsSecretsManagerKeyVault.DEFAULT_CACHE_TTL);
  }

  private static KmsSecretsManagerKeyVault sync(Duration cacheTtl) {
    return vault(EnumSet.of(SYNC), false, cacheTtl);
  }

  private static KmsSecretsManagerKeyVault webhook() {
    return vault(EnumSet.of(WEBHOOK, SYNC), false, KmsSecretsManagerKeyVault.DEFAULT_CACHE_TTL);
  }

  private static KmsSecretsManagerKeyVault vault(
      Set<SecretPurpose> readable, boolean writable, Duration cacheTtl) {
    return new KmsSecretsManagerKeyVault(
        () -> kms,
        () -> secrets,
        settings.kmsKeyId(),
        settings.secretPrefix(),
        readable,
        writable,
        Clock.systemUTC(),
        cacheTtl);
  }

  // ---------------------------------------------------------------- raw AWS

  private static SdkBytes storedCiphertext(OrgId org, SecretPurpose purpose) {
    String name = onboarding().secretName(org, purpose);
    return secrets.getSecretValue(r -> r.secretId(name)).secretBinary();
  }

  private static void copyTo(String name, SdkBytes ciphertext) {
    secrets.createSecret(r -> r.name(name).kmsKeyId(settings.kmsKeyId()).secretBinary(ciphertext));
  }

  private static String decrypt(SdkBytes ciphertext, Map<String, String> context) {
    return kms.decrypt(
            r -> r.keyId(settings.kmsKeyId()).ciphertextBlob(ciphertext).encryptionContext(context))
        .plaintext()
        .asUtf8String();
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }
}
