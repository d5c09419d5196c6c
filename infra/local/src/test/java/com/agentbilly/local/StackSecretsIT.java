package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.config.KeyFingerprints;
import com.agentbilly.config.Settings;
import com.agentbilly.config.StackSecrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * {@link StackSecrets} reading the stack secrets the bootstrap generated in moto, the way {@code
 * GenerateSecretString} does on AWS, through the secret ids of {@code infra/local/stack.env}.
 */
@WithLocalStack
class StackSecretsIT {

  private static SdkHttpClient http;
  private static SecretsManagerClient secrets;

  /** Runs once the stack is up, its stack secrets generated. */
  @BeforeAll
  static void client(LocalStack stack) {
    http = UrlConnectionHttpClient.create();
    secrets = SecretsManagerClient.builder().httpClient(http).build();
  }

  @AfterAll
  static void closeClient() {
    secrets.close();
    http.close();
  }

  @Test
  void readsTheThreeGeneratedKeysAsDistinct64ByteKeys() {
    StackSecrets stack = new StackSecrets(() -> secrets, Settings.fromEnvironment());

    assertThat(stack.fingerprintKey()).hasSize(64);
    assertThat(stack.cursorKey()).hasSize(64);
    assertThat(stack.auditKey()).hasSize(64);
    assertThat(stack.fingerprintKey())
        .isNotEqualTo(stack.cursorKey())
        .isNotEqualTo(stack.auditKey());
  }

  @Test
  void fingerprintsAgreeAcrossContainersAndReloads() {
    StackSecrets first = new StackSecrets(() -> secrets, Settings.fromEnvironment());
    StackSecrets second = new StackSecrets(() -> secrets, Settings.fromEnvironment());
    String fingerprint = new KeyFingerprints(first::fingerprintKey).fingerprint("rk_test_51same");

    second.reload();

    assertThat(new KeyFingerprints(second::fingerprintKey).fingerprint("rk_test_51same"))
        .isEqualTo(fingerprint)
        .matches("fp_[0-9a-f]{32}");
  }
}
