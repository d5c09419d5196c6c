package com.agentbilly.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.adapter.aws.FakeSecretsManager;
import com.agentbilly.adapter.aws.SecretAccessException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackSecretsTest {

  private static final String FINGERPRINT_ID = "agent-billy/test/_stack/fingerprint-key";
  private static final String CURSOR_ID = "agent-billy/test/_stack/cursor-key";
  private static final String AUDIT_ID = "agent-billy/test/_stack/audit-key";
  private static final String FINGERPRINT_KEY = "f".repeat(64);
  private static final String CURSOR_KEY = "c".repeat(64);
  private static final String AUDIT_KEY = "a".repeat(64);

  private final FakeSecretsManager secrets = new FakeSecretsManager();

  @Test
  void readsEachKeyOnFirstUseAndOnlyOnce() {
    secrets.putString(FINGERPRINT_ID, FINGERPRINT_KEY);
    secrets.putString(CURSOR_ID, CURSOR_KEY);
    StackSecrets stack = new StackSecrets(() -> secrets, settings(allSecretIds()));
    assertThat(secrets.reads(FINGERPRINT_ID)).isZero();

    assertThat(stack.fingerprintKey()).isEqualTo(bytes(FINGERPRINT_KEY));
    assertThat(stack.fingerprintKey()).isEqualTo(bytes(FINGERPRINT_KEY));
    assertThat(stack.cursorKey()).isEqualTo(bytes(CURSOR_KEY));

    assertThat(secrets.reads(FINGERPRINT_ID)).isEqualTo(1);
    assertThat(secrets.reads(CURSOR_ID)).isEqualTo(1);
    assertThat(secrets.reads(AUDIT_ID)).isZero();
  }

  @Test
  void needsOnlyTheVariablesOfTheKeysItUses() {
    secrets.putString(AUDIT_ID, AUDIT_KEY);
    StackSecrets stack =
        new StackSecrets(() -> secrets, settings(Map.of("AUDIT_SECRET_ID", AUDIT_ID)));

    assertThat(stack.auditKey()).isEqualTo(bytes(AUDIT_KEY));
    assertThatThrownBy(stack::cursorKey)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Environment variable CURSOR_SECRET_ID is not set.");
  }

  @Test
  void reloadReadsTheCurrentValuesAgain() {
    secrets.putString(AUDIT_ID, AUDIT_KEY);
    StackSecrets stack = new StackSecrets(() -> secrets, settings(allSecretIds()));
    stack.auditKey();
    secrets.putString(AUDIT_ID, "b".repeat(64));

    assertThat(stack.auditKey()).isEqualTo(bytes(AUDIT_KEY));
    stack.reload();

    assertThat(stack.auditKey()).isEqualTo(bytes("b".repeat(64)));
    assertThat(secrets.reads(AUDIT_ID)).isEqualTo(2);
  }

  @Test
  void handsOutCopiesThatCannotChangeTheKey() {
    secrets.putString(FINGERPRINT_ID, FINGERPRINT_KEY);
    StackSecrets stack = new StackSecrets(() -> secrets, settings(allSecretIds()));

    stack.fingerprintKey()[0] = 0;

    assertThat(stack.fingerprintKey()).isEqualTo(bytes(FINGERPRINT_KEY));
  }

  @Test
  void refusesAKeyShorterThan32BytesWithoutShowingIt() {
    secrets.putString(CURSOR_ID, "short-key");
    StackSecrets stack = new StackSecrets(() -> secrets, settings(allSecretIds()));

    assertThatThrownBy(stack::cursorKey)
        .isInstanceOf(SecretAccessException.class)
        .hasMessage(
            "Stack secret " + CURSOR_ID + " holds 9 bytes; an HMAC-SHA256 key needs at least 32.");
  }

  @Test
  void reportsAMissingSecretByName() {
    StackSecrets stack = new StackSecrets(() -> secrets, settings(allSecretIds()));

    assertThatThrownBy(stack::auditKey)
        .isInstanceOf(SecretAccessException.class)
        .hasMessage(
            "Secrets Manager GetSecretValue of "
                + AUDIT_ID
                + " failed: ResourceNotFoundException (HTTP 400, request id req-not-found)");
  }

  private static Map<String, String> allSecretIds() {
    return Map.of(
        "FINGERPRINT_SECRET_ID", FINGERPRINT_ID,
        "CURSOR_SECRET_ID", CURSOR_ID,
        "AUDIT_SECRET_ID", AUDIT_ID);
  }

  private static Settings settings(Map<String, String> secretIds) {
    Map<String, String> env = new HashMap<>(secretIds);
    env.put("STAGE", "test");
    return new Settings(env);
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
