package com.agentbilly.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevStackTest {

  private static final LocalStackInfo INFO =
      new LocalStackInfo(
          URI.create("http://127.0.0.1:4566"),
          "us-east-1",
          "dev",
          "agent-billy-dev",
          "alias/agent-billy-dev",
          "arn:aws:kms:us-east-1:123456789012:key/k1",
          List.of("agent-billy/dev/_stack/fingerprint-key"),
          "us-east-1_pool",
          "client1",
          List.of(
              new LocalStackInfo.DemoUser(
                  "owner@demo.test", "Pw1aaaaaaaaaaaaaaaaaaaaa", "s1", "owner"),
              new LocalStackInfo.DemoUser(
                  "outsider@demo.test", "Pw2aaaaaaaaaaaaaaaaaaaaa", "s4", null)));

  @TempDir Path dir;

  @Test
  void writesTheStackFileInTheContractsShapeWithOnlyWhatIsKnown() throws IOException {
    try (DevGateway gateway = gateway()) {
      Map<String, Object> stack =
          DevStack.stackFile(
              INFO, gateway, "org_demo", "http://127.0.0.1:12180", Map.of("secret", "sk_test_1"));

      assertThat(stack.keySet())
          .containsExactly(
              "api_url",
              "mcp_url",
              "webhook_url",
              "aws_endpoint",
              "region",
              "table",
              "cognito",
              "stripe_api_base",
              "stripe_keys",
              "users",
              "demo_org_id");
      assertThat(stack.get("api_url")).isEqualTo(gateway.apiUri().toString());
      assertThat(stack.get("mcp_url")).isEqualTo(gateway.apiUri() + "/mcp");
      assertThat(stack.get("webhook_url")).isEqualTo(gateway.webhookUri().toString());
      assertThat(stack.get("cognito"))
          .isEqualTo(Map.of("user_pool_id", "us-east-1_pool", "client_id", "client1"));
      assertThat(stack.get("users").toString())
          .isEqualTo(
              "[{username=owner@demo.test, password=Pw1aaaaaaaaaaaaaaaaaaaaa, role=owner},"
                  + " {username=outsider@demo.test, password=Pw2aaaaaaaaaaaaaaaaaaaaa, role=null}]");

      assertThat(DevStack.stackFile(INFO, gateway, null, null, Map.of()))
          .doesNotContainKeys("demo_org_id", "stripe_api_base", "stripe_keys");
    }
  }

  @Test
  void readsTheDemoKeysOfThePermissionLayer() throws IOException {
    Path keys = dir.resolve("demo-keys.json");
    Files.writeString(
        keys,
        """
        {"secret_key": "sk_test_layer",
         "keys": {"sync": {"key": "rk_test_sync", "account": "acct_1"},
                  "viewer": {"key": "rk_test_viewer"},
                  "broken": {"account": "acct_1"}}}
        """);

    assertThat(DevStack.stripeKeys(Map.of("STRIPE_LAYER_KEYS", keys.toString())))
        .containsExactly(
            Map.entry("secret", "sk_test_layer"),
            Map.entry("sync", "rk_test_sync"),
            Map.entry("viewer", "rk_test_viewer"));
    assertThat(
            DevStack.stripeKeys(
                Map.of(
                    "STRIPE_LAYER_KEYS", keys.toString(), "LOCALSTRIPE_SECRET_KEY", "sk_test_env")))
        .containsEntry("secret", "sk_test_env");
    assertThat(DevStack.stripeKeys(Map.of("STRIPE_LAYER_KEYS", dir.resolve("none").toString())))
        .isEmpty();
  }

  @Test
  void replacesTheStackFileAtomicallyReadableOnlyByItsOwner() throws IOException {
    Path target = dir.resolve(".local").resolve("stack.json");

    DevStack.writeAtomically(target, "{\"a\":1}".getBytes(UTF_8));
    DevStack.writeAtomically(target, "{\"a\":2}".getBytes(UTF_8));

    assertThat(target).hasContent("{\"a\":2}");
    try (var files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-------");
  }

  private static DevGateway gateway() throws IOException {
    SamTemplate template =
        SamTemplate.parse(
            """
            Resources:
              WebhookFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: functions/webhook
                  Handler: com.example.Webhook::handleRequest
                  FunctionUrlConfig: {AuthType: NONE}
            """);
    CognitoAuthorizer authorizer =
        new CognitoAuthorizer(
            TestIdTokens.ISSUER,
            TestIdTokens.CLIENT_ID,
            new TestIdTokens().jwkSource(),
            Clock.systemUTC(),
            Duration.ZERO);
    return DevGateway.builder(template, authorizer)
        .stage("dev")
        .region("us-east-1")
        .build()
        .start();
  }
}
