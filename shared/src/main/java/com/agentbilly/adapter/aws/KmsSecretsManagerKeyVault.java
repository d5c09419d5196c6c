package com.agentbilly.adapter.aws;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.port.KeyVault;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * {@link KeyVault} on KMS and Secrets Manager (DESIGN §3). A secret is encrypted with our own KMS
 * {@code Encrypt} under the context {@code {org, purpose, app: "agent-billy"}} and the ciphertext
 * is stored as the {@code SecretBinary} of {@code <prefix><org>/<purpose>}, so reading it needs
 * both {@code secretsmanager:GetSecretValue} and a {@code kms:Decrypt} whose context matches: a
 * ciphertext copied to another org or purpose does not decrypt.
 *
 * <p>Each function builds one instance with the purposes it is entitled to read (api: viewer and
 * manager; sync: sync; webhook: webhook and sync; onboarding: none) and whether it may write
 * (onboarding only). Anything else is refused with {@link IllegalStateException} before any AWS
 * call. Decrypted secrets are cached in memory for {@code cacheTtl}; absence is never cached.
 *
 * <p>Failures of AWS calls surface as {@link SecretAccessException}, whose message never carries a
 * secret. Thread-safe.
 */
public final class KmsSecretsManagerKeyVault implements KeyVault {

  /** How long a warm function keeps a decrypted secret (DESIGN §3: a short TTL). */
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);

  /** The {@code app} value of every encryption context and tag. */
  public static final String APP = "agent-billy";

  /**
   * Pauses before retrying a write that met a concurrent create or delete; a force-deleted name is
   * freed asynchronously on AWS, so re-creating it at once may need a few retries.
   */
  private static final List<Duration> WRITE_RETRY_PAUSES =
      List.of(
          Duration.ofMillis(100),
          Duration.ofMillis(200),
          Duration.ofMillis(400),
          Duration.ofMillis(800),
          Duration.ofMillis(1600));

  private final Supplier<KmsClient> kms;
  private final Supplier<SecretsManagerClient> secrets;
  private final String kmsKeyId;
  private final String secretPrefix;
  private final Set<SecretPurpose> readable;
  private final boolean writable;
  private final TtlCache<CacheKey, String> cache;

  /**
   * The clients are asked for on first use, so a function whose first requests never touch a secret
   * does not build them during its cold start.
   *
   * @param kmsKeyId the stack's KMS key (id, ARN or {@code alias/…}) used for {@code Encrypt} and
   *     named in {@code Decrypt} and in the secret's {@code KmsKeyId}
   * @param secretPrefix prefix of every secret name, ending in {@code /} (e.g. {@code
   *     agent-billy/dev/})
   * @param readable the purposes this function may decrypt
   * @param writable whether this function may put and delete secrets
   * @param cacheTtl how long a decrypted secret is kept; zero disables the cache
   */
  public KmsSecretsManagerKeyVault(
      Supplier<KmsClient> kms,
      Supplier<SecretsManagerClient> secrets,
      String kmsKeyId,
      String secretPrefix,
      Set<SecretPurpose> readable,
      boolean writable,
      Clock clock,
      Duration cacheTtl) {
    this.kms = Objects.requireNonNull(kms, "kms");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.kmsKeyId = requireText(kmsKeyId, "kmsKeyId");
    this.secretPrefix = requireText(secretPrefix, "secretPrefix");
    if (!secretPrefix.endsWith("/")) {
      throw new IllegalArgumentException("secretPrefix must end with '/': " + secretPrefix);
    }
    Objects.requireNonNull(readable, "readable");
    this.readable =
        readable.isEmpty() ? EnumSet.noneOf(SecretPurpose.class) : EnumSet.copyOf(readable);
    this.writable = writable;
    this.cache = new TtlCache<>(clock, cacheTtl);
  }

  /** The Secrets Manager name of an org's secret: {@code <prefix><org>/<purpose>}. */
  public String secretName(OrgId org, SecretPurpose purpose) {
    return secretPrefix + org.value() + "/" + purpose.wireName();
  }

  /** The KMS encryption context a secret of this org and purpose is bound to. */
  public static Map<String, String> encryptionContext(OrgId org, SecretPurpose purpose) {
    return Map.of("org", org.value(), "purpose", purpose.wireName(), "app", APP);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Creates the secret, or adds a version that becomes {@code AWSCURRENT} only once written.
   *
   * @throws IllegalStateException if this vault may not write
   * @throws SecretAccessException if KMS or Secrets Manager fails
   */
  @Override
  public void put(OrgId org, SecretPurpose purpose, String secret) {
    requireWritable("store");
    Objects.requireNonNull(org, "org");
    Objects.requireNonNull(purpose, "purpose");
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("The secret to store must not be blank.");
    }
    String name = secretName(org, purpose);
    SdkBytes ciphertext = encrypt(name, org, purpose, secret);
    CacheKey key = new CacheKey(org, purpose);
    cache.invalidate(key);
    store(name, org, purpose, ciphertext);
    cache.invalidate(key);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if this vault may not read {@code purpose}
   * @throws SecretAccessException if KMS or Secrets Manager fails, or the stored ciphertext does
   *     not decrypt under this org's and purpose's context (e.g. it was copied from another)
   */
  @Override
  public Optional<String> get(OrgId org, SecretPurpose purpose) {
    requireReadable(purpose);
    Objects.requireNonNull(org, "org");
    CacheKey key = new CacheKey(org, purpose);
    Optional<String> cached = cache.get(key);
    if (cached.isPresent()) {
      return cached;
    }
    long version = cache.version(key);
    String name = secretName(org, purpose);
    Optional<SdkBytes> ciphertext = fetch(name);
    if (ciphertext.isEmpty()) {
      return Optional.empty();
    }
    String secret = decrypt(name, org, purpose, ciphertext.get());
    cache.store(key, version, secret);
    return Optional.of(secret);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if this vault may not write
   * @throws SecretAccessException if Secrets Manager fails
   */
  @Override
  public void delete(OrgId org, SecretPurpose purpose) {
    requireWritable("delete");
    Objects.requireNonNull(org, "org");
    Objects.requireNonNull(purpose, "purpose");
    String name = secretName(org, purpose);
    CacheKey key = new CacheKey(org, purpose);
    cache.invalidate(key);
    try {
      secrets.get().deleteSecret(r -> r.secretId(name).forceDeleteWithoutRecovery(true));
    } catch (ResourceNotFoundException alreadyGone) {
      // Nothing to delete: the outcome the caller asked for.
    } catch (SdkException e) {
      throw SecretAccessException.of("Secrets Manager DeleteSecret of " + name, e);
    }
    cache.invalidate(key);
  }

  private SdkBytes encrypt(String name, OrgId org, SecretPurpose purpose, String secret) {
    try {
      return kms.get()
          .encrypt(
              r ->
                  r.keyId(kmsKeyId)
                      .plaintext(SdkBytes.fromUtf8String(secret))
                      .encryptionContext(encryptionContext(org, purpose)))
          .ciphertextBlob();
    } catch (SdkException e) {
      throw SecretAccessException.of("KMS Encrypt for " + name, e);
    }
  }

  private String decrypt(String name, OrgId org, SecretPurpose purpose, SdkBytes ciphertext) {
    try {
      return kms.get()
          .decrypt(
              r ->
                  r.keyId(kmsKeyId)
                      .ciphertextBlob(ciphertext)
                      .encryptionContext(encryptionContext(org, purpose)))
          .plaintext()
          .asUtf8String();
    } catch (SdkException e) {
      throw SecretAccessException.of("KMS Decrypt of " + name, e);
    }
  }

  private Optional<SdkBytes> fetch(String name) {
    GetSecretValueResponse value;
    try {
      value = secrets.get().getSecretValue(r -> r.secretId(name));
    } catch (ResourceNotFoundException missing) {
      return Optional.empty();
    } catch (SdkException e) {
      throw SecretAccessException.of("Secrets Manager GetSecretValue of " + name, e);
    }
    if (value.secretBinary() == null) {
      throw new SecretAccessException(
          "Secret " + name + " holds no SecretBinary: it was not written by this vault.");
    }
    return Optional.of(value.secretBinary());
  }

  /**
   * Creates the secret, or, when it exists, writes a new version. Retries when another writer
   * created or deleted it in between, or when AWS is still freeing a force-deleted name.
   */
  private void store(String name, OrgId org, SecretPurpose purpose, SdkBytes ciphertext) {
    for (int attempt = 0; ; attempt++) {
      try {
        createOrPutValue(name, org, purpose, ciphertext);
        return;
      } catch (ResourceExistsException | ResourceNotFoundException | InvalidRequestException e) {
        if (attempt == WRITE_RETRY_PAUSES.size()) {
          throw SecretAccessException.of("Secrets Manager write of " + name, e);
        }
        pause(WRITE_RETRY_PAUSES.get(attempt), name);
      } catch (SdkException e) {
        throw SecretAccessException.of("Secrets Manager write of " + name, e);
      }
    }
  }

  private void createOrPutValue(
      String name, OrgId org, SecretPurpose purpose, SdkBytes ciphertext) {
    try {
      secrets
          .get()
          .createSecret(
              r ->
                  r.name(name)
                      .kmsKeyId(kmsKeyId)
                      .description(
                          "The "
                              + purpose.wireName()
                              + " secret of "
                              + org.value()
                              + ", KMS-encrypted with context {org, purpose, app}.")
                      .secretBinary(ciphertext)
                      .tags(
                          tag("org", org.value()),
                          tag("purpose", purpose.wireName()),
                          tag("app", APP)));
    } catch (ResourceExistsException exists) {
      secrets.get().putSecretValue(r -> r.secretId(name).secretBinary(ciphertext));
    }
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  private static void pause(Duration duration, String name) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SecretAccessException("Interrupted while retrying the write of " + name + ".");
    }
  }

  private void requireReadable(SecretPurpose purpose) {
    Objects.requireNonNull(purpose, "purpose");
    if (!readable.contains(purpose)) {
      throw new IllegalStateException(
          "This function is not entitled to read "
              + purpose.wireName()
              + " secrets (it may read: "
              + describe(readable)
              + ").");
    }
  }

  private void requireWritable(String action) {
    if (!writable) {
      throw new IllegalStateException("This function is not entitled to " + action + " secrets.");
    }
  }

  private static String describe(Set<SecretPurpose> purposes) {
    return purposes.isEmpty()
        ? "none"
        : purposes.stream().map(SecretPurpose::wireName).collect(Collectors.joining(", "));
  }

  private static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  /** What a cached secret is of: an org's purpose. */
  private record CacheKey(OrgId org, SecretPurpose purpose) {}
}
