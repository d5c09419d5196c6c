package com.agentbilly.config;

import com.agentbilly.adapter.aws.SecretAccessException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * The stack's HMAC keys (DESIGN §1): the fingerprint key (Stripe key fingerprints), the cursor key
 * (tamper-proof pagination cursors) and the audit key (the audit log's hash chain). Secrets Manager
 * generates each once per stack; a container reads them, never generates them.
 *
 * <p>Each key is read on first use and then kept, one key at a time, because each function's IAM
 * role allows it to read only the keys it needs. {@link #reload()} forgets them all: call it after
 * a SnapStart restore so a restored container reads the current values rather than the snapshot's.
 * Thread-safe.
 */
public final class StackSecrets {

  /** The shortest key accepted for HMAC-SHA256: its output length. */
  static final int MIN_KEY_BYTES = 32;

  private final Supplier<SecretsManagerClient> secrets;
  private final StackKey fingerprint;
  private final StackKey cursor;
  private final StackKey audit;

  /**
   * Reads the secret ids from {@code settings} only when the key is first asked for, so a function
   * needs only the variables of the keys it uses, and asks for the client only then too.
   */
  public StackSecrets(Supplier<SecretsManagerClient> secrets, Settings settings) {
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(settings, "settings");
    this.fingerprint = new StackKey(settings::fingerprintSecretId);
    this.cursor = new StackKey(settings::cursorSecretId);
    this.audit = new StackKey(settings::auditSecretId);
  }

  /**
   * The HMAC key for fingerprints of connected Stripe keys (a copy).
   *
   * @throws SecretAccessException if it cannot be read or is too short
   * @throws IllegalStateException if {@code FINGERPRINT_SECRET_ID} is not set
   */
  public byte[] fingerprintKey() {
    return fingerprint.value();
  }

  /**
   * The HMAC key that signs pagination cursors (a copy).
   *
   * @throws SecretAccessException if it cannot be read or is too short
   * @throws IllegalStateException if {@code CURSOR_SECRET_ID} is not set
   */
  public byte[] cursorKey() {
    return cursor.value();
  }

  /**
   * The HMAC key of the audit log's hash chain (a copy).
   *
   * @throws SecretAccessException if it cannot be read or is too short
   * @throws IllegalStateException if {@code AUDIT_SECRET_ID} is not set
   */
  public byte[] auditKey() {
    return audit.value();
  }

  /** Forgets every key read so far; each is read again on its next use. */
  public void reload() {
    fingerprint.forget();
    cursor.forget();
    audit.forget();
  }

  private byte[] read(String secretId) {
    GetSecretValueResponse response;
    try {
      response = secrets.get().getSecretValue(r -> r.secretId(secretId));
    } catch (SdkException e) {
      throw SecretAccessException.of("Secrets Manager GetSecretValue of " + secretId, e);
    }
    byte[] key =
        response.secretString() != null
            ? response.secretString().getBytes(StandardCharsets.UTF_8)
            : response.secretBinary() != null ? response.secretBinary().asByteArray() : new byte[0];
    if (key.length < MIN_KEY_BYTES) {
      throw new SecretAccessException(
          "Stack secret "
              + secretId
              + " holds "
              + key.length
              + " bytes; an HMAC-SHA256 key needs at least "
              + MIN_KEY_BYTES
              + ".");
    }
    return key;
  }

  /** One key, read at most once until forgotten. */
  private final class StackKey {

    private final Supplier<String> secretId;
    private volatile byte[] value;

    StackKey(Supplier<String> secretId) {
      this.secretId = secretId;
    }

    byte[] value() {
      byte[] current = value;
      if (current == null) {
        synchronized (this) {
          current = value;
          if (current == null) {
            current = read(secretId.get());
            value = current;
          }
        }
      }
      return current.clone();
    }

    synchronized void forget() {
      value = null;
    }
  }
}
