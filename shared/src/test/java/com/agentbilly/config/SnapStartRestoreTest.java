package com.agentbilly.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.aws.FakeSecretsManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapStartRestoreTest {

  @Test
  void aRestoredContainerReadsTheStackSecretsAgain() {
    FakeSecretsManager secretsManager = new FakeSecretsManager();
    secretsManager.putString("audit", "a".repeat(64));
    StackSecrets secrets =
        new StackSecrets(() -> secretsManager, new Settings(Map.of("AUDIT_SECRET_ID", "audit")));
    SnapStartRestore restore = SnapStartRestore.reloading(secrets);

    secrets.auditKey();
    secrets.auditKey();
    assertThat(secretsManager.reads("audit")).isEqualTo(1);

    secretsManager.putString("audit", "b".repeat(64));
    restore.afterRestore(null);

    assertThat(new String(secrets.auditKey(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("b".repeat(64));
    assertThat(secretsManager.reads("audit")).isEqualTo(2);
  }

  @Test
  void primingRunsBeforeTheSnapshotAndTheSecretsAreReadAgainAfterTheRestore() {
    FakeSecretsManager secretsManager = new FakeSecretsManager();
    secretsManager.putString("audit", "a".repeat(64));
    StackSecrets secrets =
        new StackSecrets(() -> secretsManager, new Settings(Map.of("AUDIT_SECRET_ID", "audit")));
    java.util.concurrent.atomic.AtomicInteger primed =
        new java.util.concurrent.atomic.AtomicInteger();
    SnapStartRestore restore =
        SnapStartRestore.primingAndReloading(primed::incrementAndGet, secrets);
    secrets.auditKey();

    restore.beforeCheckpoint(null);

    assertThat(primed.get()).isEqualTo(1);
    assertThat(secretsManager.reads("audit")).isEqualTo(1);

    SnapStartRestore.simulateSnapshotAndRestore();
    secrets.auditKey();

    assertThat(primed.get()).isEqualTo(2);
    assertThat(secretsManager.reads("audit")).isEqualTo(2);
  }
}
