package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ExplicitAuthFlowsType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolClientType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;

/** What {@link Bootstrap} leaves in moto, checked through the AWS APIs. */
@WithLocalStack
class BootstrapIT {

  private static SdkHttpClient http;
  private static DynamoDbClient dynamoDb;
  private static KmsClient kms;
  private static SecretsManagerClient secrets;
  private static CognitoIdentityProviderClient cognito;

  private final LocalStack stack;
  private final LocalStackInfo info;

  BootstrapIT(LocalStack stack) {
    this.stack = stack;
    this.info = stack.info();
  }

  @BeforeAll
  static void clients() {
    http = UrlConnectionHttpClient.create();
    dynamoDb = DynamoDbClient.builder().httpClient(http).build();
    kms = KmsClient.builder().httpClient(http).build();
    secrets = SecretsManagerClient.builder().httpClient(http).build();
    cognito = CognitoIdentityProviderClient.builder().httpClient(http).build();
  }

  @AfterAll
  static void closeClients() {
    cognito.close();
    secrets.close();
    kms.close();
    dynamoDb.close();
    http.close();
  }

  @Test
  void createsTheTableAsTheTemplateDeclares() {
    TableDescription table = dynamoDb.describeTable(r -> r.tableName(info.table())).table();
    TimeToLiveDescription ttl =
        dynamoDb.describeTimeToLive(r -> r.tableName(info.table())).timeToLiveDescription();

    assertThat(info.table()).isEqualTo(System.getenv("TABLE_NAME"));
    assertThat(table.keySchema()).isEqualTo(stack.template().createTableRequest("x").keySchema());
    assertThat(table.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    assertThat(table.globalSecondaryIndexes())
        .extracting(GlobalSecondaryIndexDescription::indexName)
        .containsExactlyInAnyOrder("gsi1", "gsi2", "gsi3", "orgs_with_sync_key");
    assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
    assertThat(ttl.attributeName()).isEqualTo("expires_at");
  }

  @Test
  void theKmsAliasNamesASymmetricKeyThatBindsTheEncryptionContext() {
    Map<String, String> context = Map.of("org", "org_1", "purpose", "sync", "app", "agent-billy");
    SdkBytes plaintext = SdkBytes.fromUtf8String("rk_test_123");

    var key = kms.describeKey(r -> r.keyId(info.kmsKeyAlias())).keyMetadata();
    SdkBytes ciphertext =
        kms.encrypt(
                r -> r.keyId(info.kmsKeyAlias()).plaintext(plaintext).encryptionContext(context))
            .ciphertextBlob();

    assertThat(info.kmsKeyAlias()).isEqualTo(System.getenv("KMS_KEY_ID"));
    assertThat(key.arn()).isEqualTo(info.kmsKeyArn());
    assertThat(key.keySpec()).isEqualTo(KeySpec.SYMMETRIC_DEFAULT);
    assertThat(kms.getKeyRotationStatus(r -> r.keyId(key.keyId())).keyRotationEnabled()).isTrue();
    assertThat(
            kms.decrypt(r -> r.ciphertextBlob(ciphertext).encryptionContext(context)).plaintext())
        .isEqualTo(plaintext);
  }

  @Test
  void createsTheThreeStackSecretsWithGeneratedValuesUnderTheStackKey() {
    assertThat(info.stackSecretIds())
        .containsExactly(
            System.getenv("FINGERPRINT_SECRET_ID"),
            System.getenv("CURSOR_SECRET_ID"),
            System.getenv("AUDIT_SECRET_ID"));
    List<String> values =
        info.stackSecretIds().stream()
            .map(id -> secrets.getSecretValue(r -> r.secretId(id)).secretString())
            .toList();

    for (String id : info.stackSecretIds()) {
      DescribeSecretResponse secret = secrets.describeSecret(r -> r.secretId(id));
      assertThat(secret.name()).isEqualTo(id);
      assertThat(secret.kmsKeyId()).isEqualTo(info.kmsKeyArn());
    }
    assertThat(values).allSatisfy(v -> assertThat(v).hasSize(64).matches("[A-Za-z0-9]{64}"));
    assertThat(values).doesNotHaveDuplicates();
  }

  @Test
  void theAppClientIsTheTemplatesPublicClient() {
    UserPoolClientType client =
        cognito
            .describeUserPoolClient(r -> r.userPoolId(info.userPoolId()).clientId(info.clientId()))
            .userPoolClient();

    assertThat(client.clientName()).isEqualTo("agent-billy-web");
    assertThat(client.clientSecret()).isNull();
    assertThat(client.explicitAuthFlows()).contains(ExplicitAuthFlowsType.ALLOW_USER_PASSWORD_AUTH);
    assertThat(client.readAttributes()).containsExactlyInAnyOrder("email", "email_verified");
    assertThat(cognito.describeUserPool(r -> r.userPoolId(info.userPoolId())).userPool().name())
        .isEqualTo("agent-billy-" + System.getenv("STAGE"));
  }

  @Test
  void everyDemoUserSignsInWithAVerifiedEmailInTheIdToken() throws ParseException {
    assertThat(info.users())
        .extracting(LocalStackInfo.DemoUser::username)
        .containsExactly(
            LocalStack.OWNER,
            LocalStack.MANAGER,
            LocalStack.OPERATOR,
            LocalStack.VIEWER,
            LocalStack.OUTSIDER);

    for (LocalStackInfo.DemoUser user : info.users()) {
      var claims = SignedJWT.parse(stack.idToken(user.username())).getJWTClaimsSet();

      assertThat(claims.getSubject()).isEqualTo(user.sub());
      assertThat(claims.getIssuer()).isEqualTo(info.issuer());
      assertThat(claims.getAudience()).containsExactly(info.clientId());
      assertThat(claims.getStringClaim("token_use")).isEqualTo("id");
      assertThat(claims.getStringClaim("email")).isEqualTo(user.username());
      assertThat(String.valueOf(claims.getClaim("email_verified"))).isEqualTo("true");
      assertThat(claims.getStringClaim("cognito:username")).isEqualTo(user.username());
    }
  }

  @Test
  void runningItAgainChangesNothingButThePasswords() throws ParseException {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("STAGE", "bootstrapit");
    env.put("TABLE_NAME", "agent-billy-bootstrapit");
    env.put("KMS_KEY_ID", "alias/agent-billy-bootstrapit");
    env.put("FINGERPRINT_SECRET_ID", "agent-billy/bootstrapit/_stack/fingerprint-key");
    env.put("CURSOR_SECRET_ID", "agent-billy/bootstrapit/_stack/cursor-key");
    env.put("AUDIT_SECRET_ID", "agent-billy/bootstrapit/_stack/audit-key");
    Bootstrap.Settings settings = Bootstrap.Settings.from(env);

    LocalStackInfo first;
    LocalStackInfo second;
    try (Bootstrap bootstrap = new Bootstrap(stack.template(), settings)) {
      first = bootstrap.run();
    }
    String auditKey =
        secrets.getSecretValue(r -> r.secretId(first.stackSecretIds().getLast())).secretString();
    try (Bootstrap bootstrap = new Bootstrap(stack.template(), settings)) {
      second = bootstrap.run();
    }

    assertThat(second.userPoolId()).isEqualTo(first.userPoolId()).isNotEqualTo(info.userPoolId());
    assertThat(second.clientId()).isEqualTo(first.clientId());
    assertThat(second.kmsKeyArn()).isEqualTo(first.kmsKeyArn()).isNotEqualTo(info.kmsKeyArn());
    assertThat(second.users())
        .extracting(LocalStackInfo.DemoUser::sub)
        .isEqualTo(first.users().stream().map(LocalStackInfo.DemoUser::sub).toList());
    assertThat(
            secrets
                .getSecretValue(r -> r.secretId(second.stackSecretIds().getLast()))
                .secretString())
        .isEqualTo(auditKey);
    LocalStackInfo.DemoUser owner = second.user(LocalStack.OWNER);
    assertThat(owner.password()).isNotEqualTo(first.user(LocalStack.OWNER).password());
    String token;
    try (CognitoSignIn signIn = new CognitoSignIn(second.clientId())) {
      token = signIn.signIn(owner.username(), owner.password());
    }
    assertThat(SignedJWT.parse(token).getJWTClaimsSet().getSubject()).isEqualTo(owner.sub());
  }
}
