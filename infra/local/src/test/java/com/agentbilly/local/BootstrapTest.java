package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.model.GetRandomPasswordRequest;

class BootstrapTest {

  private static final Map<String, String> ENV =
      Map.of(
          "AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
          "AWS_REGION", "us-east-1",
          "STAGE", "dev",
          "TABLE_NAME", "agent-billy-dev",
          "KMS_KEY_ID", "alias/agent-billy-dev",
          "FINGERPRINT_SECRET_ID", "agent-billy/dev/_stack/fingerprint-key",
          "CURSOR_SECRET_ID", "agent-billy/dev/_stack/cursor-key",
          "AUDIT_SECRET_ID", "agent-billy/dev/_stack/audit-key");

  @Test
  void generatedPasswordsMeetTheTemplatesPolicy() throws IOException {
    Bootstrap.PasswordPolicy policy = templatePasswordPolicy();
    SecureRandom random = new SecureRandom();
    Set<String> seen = new HashSet<>();

    for (int i = 0; i < 200; i++) {
      String password = Bootstrap.generatePassword(policy, random);
      assertThat(password).hasSizeGreaterThanOrEqualTo(Math.max(24, policy.minimumLength()));
      assertThat(password).matches(".*[a-z].*").matches(".*[A-Z].*").matches(".*[0-9].*");
      assertThat(password).matches("[A-Za-z0-9]+");
      seen.add(password);
    }
    assertThat(seen).hasSize(200);
  }

  @Test
  void addsASymbolWhenThePolicyRequiresOne() {
    Bootstrap.PasswordPolicy policy = new Bootstrap.PasswordPolicy(30, true, true, true, true);

    String password = Bootstrap.generatePassword(policy, new SecureRandom());

    assertThat(password).hasSize(30).matches(".*[-_].*");
  }

  @Test
  void turnsGenerateSecretStringIntoGetRandomPassword() {
    GetRandomPasswordRequest request =
        Bootstrap.generateSecretString(Map.of("PasswordLength", 64, "ExcludePunctuation", true));

    assertThat(request.passwordLength()).isEqualTo(64L);
    assertThat(request.excludePunctuation()).isTrue();
    assertThat(request.excludeNumbers()).isFalse();
    assertThat(request.includeSpace()).isFalse();
  }

  @Test
  void readsTheSettingsFromTheEnvironment() {
    Bootstrap.Settings settings = Bootstrap.Settings.from(ENV);

    assertThat(settings.endpoint()).isEqualTo(URI.create("http://127.0.0.1:4566"));
    assertThat(settings.region()).isEqualTo("us-east-1");
    assertThat(settings.stage()).isEqualTo("dev");
    assertThat(settings.table()).isEqualTo("agent-billy-dev");
    assertThat(settings.kmsKeyAlias()).isEqualTo("alias/agent-billy-dev");
  }

  @Test
  void namesEveryMissingVariable() {
    Map<String, String> env = new HashMap<>(ENV);
    env.remove("TABLE_NAME");
    env.put("AUDIT_SECRET_ID", " ");

    assertThatThrownBy(() -> Bootstrap.Settings.from(env))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Missing environment variables [TABLE_NAME, AUDIT_SECRET_ID]")
        .hasMessageContaining("make test");
  }

  @Test
  void wantsAKmsAliasLocally() {
    Map<String, String> env = new HashMap<>(ENV);
    env.put("KMS_KEY_ID", "arn:aws:kms:us-east-1:123456789012:key/1");

    assertThatThrownBy(() -> Bootstrap.Settings.from(env))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("KMS_KEY_ID must be an alias/");
  }

  @Test
  void theDemoUsersAreTheFiveOfTheStackFile() {
    assertThat(Bootstrap.DEMO_USERS.keySet())
        .containsExactly(
            "owner@demo.test",
            "manager@demo.test",
            "operator@demo.test",
            "viewer@demo.test",
            "outsider@demo.test");
    assertThat(Bootstrap.DEMO_USERS.values())
        .containsExactly("owner", "manager", "operator", "viewer", null);
  }

  private static Bootstrap.PasswordPolicy templatePasswordPolicy() throws IOException {
    Bootstrap.PasswordPolicy policy = Bootstrap.passwordPolicy(SamTemplate.fromRepository());
    assertThat(policy).isEqualTo(new Bootstrap.PasswordPolicy(12, true, true, true, false));
    return policy;
  }
}
