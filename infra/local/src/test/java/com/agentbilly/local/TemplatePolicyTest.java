package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.PermissionMatrix;
import com.agentbilly.domain.Route;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code template.yaml} against what DESIGN.md §1 and §3 allow. Moto enforces no IAM and no key
 * policy, so this is the only test that can catch a permission that is too wide.
 *
 * <p>The IAM rules are allow-lists: each collects violations naming the function and the
 * statement's Sid, so an added action, resource or a dropped condition fails with a message that
 * says where. {@link TheRulesCatch} breaks the real template on purpose to prove each IAM rule
 * fails when it should.
 */
class TemplatePolicyTest {

  private static final String API = "ApiFunction";
  private static final String MCP = "McpFunction";
  private static final String ONBOARDING = "OnboardingFunction";
  private static final String SYNC = "SyncFunction";
  private static final String WEBHOOK = "WebhookFunction";

  private static final String APP = "agent-billy";
  private static final String APP_CONTEXT = "kms:EncryptionContext:app";
  private static final String PURPOSE_CONTEXT = "kms:EncryptionContext:purpose";
  private static final String SECRET_ARN_CONTEXT = "kms:EncryptionContext:SecretARN";
  private static final String VIA_SERVICE = "kms:ViaService";

  private static final Object TABLE = getAtt("Table", "Arn");
  private static final Object TABLE_INDEXES = sub("${Table.Arn}/index/*");
  private static final Object STACK_KEY = getAtt("KeysKmsKey", "Arn");
  private static final Object STACK_SECRETS =
      sub(
          "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}"
              + ":secret:agent-billy/${Stage}/*");
  private static final Object STACKS_OWN_SECRETS =
      sub(
          "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}"
              + ":secret:agent-billy/${Stage}/_stack/*");
  private static final Object SECRETS_MANAGER = sub("secretsmanager.${AWS::Region}.amazonaws.com");
  private static final Object ACCOUNT_ROOT =
      Map.of("AWS", sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"));
  private static final Object SYNC_ALIAS = Map.of("Ref", "SyncFunction.Alias");

  /** Every action each function's role may be granted (DESIGN.md §1's table). */
  private static final Map<String, Set<String>> ALLOWED_ACTIONS =
      Map.of(
          API,
          Set.of(
              "dynamodb:GetItem",
              "dynamodb:PutItem",
              "dynamodb:UpdateItem",
              "dynamodb:DeleteItem",
              "dynamodb:Query",
              "dynamodb:BatchGetItem",
              "dynamodb:BatchWriteItem",
              "dynamodb:TransactWriteItems",
              "dynamodb:ConditionCheckItem",
              "secretsmanager:GetSecretValue",
              "kms:Decrypt",
              "lambda:InvokeFunction"),
          // The api's reads and actions, and nothing else: it cannot start a sync.
          MCP,
          Set.of(
              "dynamodb:GetItem",
              "dynamodb:PutItem",
              "dynamodb:UpdateItem",
              "dynamodb:DeleteItem",
              "dynamodb:Query",
              "dynamodb:BatchGetItem",
              "dynamodb:BatchWriteItem",
              "dynamodb:TransactWriteItems",
              "dynamodb:ConditionCheckItem",
              "secretsmanager:GetSecretValue",
              "kms:Decrypt"),
          ONBOARDING,
          Set.of(
              "dynamodb:GetItem",
              "dynamodb:PutItem",
              "dynamodb:UpdateItem",
              "dynamodb:DeleteItem",
              "dynamodb:Query",
              "dynamodb:BatchWriteItem",
              "dynamodb:TransactWriteItems",
              "secretsmanager:CreateSecret",
              "secretsmanager:PutSecretValue",
              "secretsmanager:DeleteSecret",
              "secretsmanager:TagResource",
              "secretsmanager:DescribeSecret",
              "secretsmanager:GetSecretValue",
              "kms:Encrypt",
              "kms:GenerateDataKey",
              "kms:Decrypt"),
          SYNC,
          Set.of(
              "dynamodb:GetItem",
              "dynamodb:PutItem",
              "dynamodb:UpdateItem",
              "dynamodb:DeleteItem",
              "dynamodb:Query",
              "dynamodb:BatchWriteItem",
              "dynamodb:TransactWriteItems",
              "secretsmanager:GetSecretValue",
              "kms:Decrypt"),
          WEBHOOK,
          Set.of(
              "dynamodb:GetItem",
              "dynamodb:PutItem",
              "dynamodb:UpdateItem",
              "dynamodb:Query",
              "dynamodb:TransactWriteItems",
              "secretsmanager:GetSecretValue",
              "kms:Decrypt"));

  /** The purposes of our own encryption context each function may decrypt (DESIGN.md §1). */
  private static final Map<String, Set<String>> DECRYPTABLE_PURPOSES =
      Map.of(
          API, Set.of("viewer", "operator", "manager"),
          MCP, Set.of("viewer", "operator", "manager"),
          ONBOARDING, Set.of(),
          SYNC, Set.of("sync"),
          WEBHOOK, Set.of("webhook", "sync"));

  private static SamTemplate template;
  private static Map<String, Object> document;

  @BeforeAll
  static void readRepositoryTemplate() throws IOException {
    template = SamTemplate.fromRepository();
    document = CloudFormationYaml.load(template.file());
  }

  // ------------------------------------------------------------------------------ IAM rules

  @Test
  void everyFunctionIsGrantedOnlyInlineStatementsOfItsOwnRole() {
    assertThat(structureViolations(template)).isEmpty();
  }

  @Test
  void everyFunctionIsGrantedExactlyTheActionsOnItsAllowList() {
    assertThat(allowListViolations(template)).isEmpty();
  }

  @Test
  void noStatementGrantsAWildcardActionOrEveryResource() {
    assertThat(wildcardViolations(template)).isEmpty();
  }

  @Test
  void dynamoDbActionsReachOnlyTheTableAndItsIndexes() {
    assertThat(tableViolations(template)).isEmpty();
  }

  @Test
  void noFunctionMayScanTheTable() {
    assertThat(scanViolations(template)).isEmpty();
  }

  @Test
  void kmsActionsReachOnlyTheStackKey() {
    assertThat(kmsResourceViolations(template)).isEmpty();
  }

  @Test
  void onlyOnboardingEncryptsAndOnlyWithTheAppContext() {
    assertThat(encryptViolations(template)).isEmpty();
  }

  @Test
  void onboardingNeverDecryptsOurOwnContexts() {
    assertThat(onboardingDecryptViolations(template)).isEmpty();
  }

  @Test
  void eachFunctionDecryptsOurContextOnlyForItsOwnPurposes() {
    assertThat(purposeViolations(template)).isEmpty();
  }

  @Test
  void everyDecryptIsBoundToOurContextOrToSecretsManagerUnderTheStackPrefix() {
    assertThat(unboundDecryptViolations(template)).isEmpty();
  }

  @Test
  void secretsManagerMayUseTheStackKeyOnlyViaItselfAndOnlyForTheStacksSecrets() {
    assertThat(secretsManagerKeyUseViolations(template)).isEmpty();
  }

  @Test
  void onlyOnboardingManagesSecretsAndOnlyUnderTheStackPrefix() {
    assertThat(secretManagementViolations(template)).isEmpty();
  }

  @Test
  void onboardingReadsOnlyTheFingerprintAndAuditSecrets() {
    assertThat(onboardingSecretReadViolations(template)).isEmpty();
  }

  @Test
  void apiSyncAndWebhookReadSecretsOnlyUnderTheStackPrefix() {
    assertThat(secretReadViolations(template)).isEmpty();
  }

  @Test
  void onlyTheApiInvokesLambdaAndOnlyTheSyncFunctionsAlias() {
    assertThat(lambdaViolations(template)).isEmpty();
  }

  @Test
  void keyPolicyAdministersAndDelegatesOnlyToTheAccountRoot() {
    assertThat(keyPolicyViolations(template)).isEmpty();
  }

  // ------------------------------------------------------------------------------ deployed shape

  @Test
  void webhookFunctionUrlIsUnauthenticatedAndConcurrencyCapped() {
    Map<String, Object> webhook = template.properties(WEBHOOK);

    assertThat(map(webhook.get("FunctionUrlConfig")))
        .as("WebhookFunction FunctionUrlConfig")
        .containsEntry("AuthType", "NONE");
    assertThat(positiveNumber(webhook.get("ReservedConcurrentExecutions")))
        .as("WebhookFunction ReservedConcurrentExecutions (resolved) > 0")
        .hasValueSatisfying(cap -> assertThat(cap).isPositive());
  }

  @Test
  void apiStageLogsNoBodiesAndIsThrottled() {
    List<Map<String, Object>> settings = maps(apiProperties().get("MethodSettings"));

    assertThat(settings).as("Api MethodSettings").isNotEmpty();
    assertThat(settings)
        .as("every Api MethodSettings entry sets DataTraceEnabled: false")
        .allSatisfy(s -> assertThat(s.get("DataTraceEnabled")).isEqualTo(Boolean.FALSE));
    assertThat(settings)
        .as("the Api MethodSettings entry for ResourcePath /* and HttpMethod *")
        .filteredOn(s -> "/*".equals(s.get("ResourcePath")) && "*".equals(s.get("HttpMethod")))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(positiveNumber(s.get("ThrottlingRateLimit")))
                  .as("ThrottlingRateLimit (resolved) > 0")
                  .hasValueSatisfying(limit -> assertThat(limit).isPositive());
              assertThat(positiveNumber(s.get("ThrottlingBurstLimit")))
                  .as("ThrottlingBurstLimit (resolved) > 0")
                  .hasValueSatisfying(limit -> assertThat(limit).isPositive());
            });
  }

  @Test
  void functionsRunJava21WithSnapStartOnAPublishedAlias() {
    Map<String, Object> globals = map(map(document.get("Globals")).get("Function"));

    assertThat(globals.get("Runtime")).as("Globals.Function.Runtime").isEqualTo("java21");
    assertThat(map(globals.get("SnapStart")).get("ApplyOn"))
        .as("Globals.Function.SnapStart.ApplyOn")
        .isEqualTo("PublishedVersions");
    assertThat(globals.get("AutoPublishAlias"))
        .as("Globals.Function.AutoPublishAlias")
        .isInstanceOfSatisfying(String.class, alias -> assertThat(alias).isNotBlank());
    assertThat(template.functions())
        .as("functions overriding the Globals' Runtime, SnapStart or AutoPublishAlias")
        .allSatisfy(
            f -> {
              Map<String, Object> props = template.properties(f.logicalId());
              for (String setting : List.of("Runtime", "SnapStart", "AutoPublishAlias")) {
                assertThat(props.getOrDefault(setting, globals.get(setting)))
                    .as("%s %s", f.logicalId(), setting)
                    .isEqualTo(globals.get(setting));
              }
            });
  }

  @Test
  void apiDefaultsToTheCognitoAuthorizerOnEveryRouteButThePreflights() {
    Map<String, Object> auth = map(apiProperties().get("Auth"));

    assertThat(auth.get("DefaultAuthorizer"))
        .as("Api DefaultAuthorizer")
        .isEqualTo("CognitoAuthorizer");
    assertThat(apiProperties())
        .as("Api (SAM's Cors sends one fixed origin)")
        .doesNotContainKey("Cors");
    assertThat(map(auth.get("Authorizers")).keySet())
        .as("Api Authorizers")
        .containsExactly("CognitoAuthorizer");
    assertThat(map(map(auth.get("Authorizers")).get("CognitoAuthorizer")).get("UserPoolArn"))
        .as("Cognito authorizer UserPoolArn")
        .isEqualTo(getAtt("UserPool", "Arn"));
    assertThat(routeAuthOverrides(template)).as("routes with their own Auth").isEmpty();
  }

  @Test
  void stackSecretsAreGeneratedBySecretsManagerUnderTheStackKey() {
    List<String> secrets = template.logicalIdsOfType("AWS::SecretsManager::Secret");

    assertThat(secrets)
        .as("stack secrets named by FINGERPRINT_, CURSOR_ and AUDIT_SECRET_ID")
        .containsAll(
            List.of(
                stackSecret("FINGERPRINT_SECRET_ID"),
                stackSecret("CURSOR_SECRET_ID"),
                stackSecret("AUDIT_SECRET_ID")));
    assertThat(secrets)
        .allSatisfy(
            id -> {
              Map<String, Object> props = template.properties(id);
              assertThat(props.get("GenerateSecretString"))
                  .as("%s GenerateSecretString", id)
                  .isInstanceOf(Map.class);
              assertThat(props).as("%s properties", id).doesNotContainKey("SecretString");
              assertThat(props.get("KmsKeyId"))
                  .as("%s KmsKeyId", id)
                  .isEqualTo(Map.of("Ref", "KeysKmsKey"));
              assertThat(map(props.get("Name")).get("Fn::Sub"))
                  .as("%s Name", id)
                  .asString()
                  .startsWith("agent-billy/${Stage}/");
            });
  }

  @Test
  void tableIsOnDemandWithTimeToLiveOnExpiresAt() {
    Map<String, Object> table =
        template.properties(template.onlyLogicalIdOfType("AWS::DynamoDB::Table"));

    assertThat(table.get("BillingMode")).as("Table BillingMode").isEqualTo("PAY_PER_REQUEST");
    assertThat(map(table.get("TimeToLiveSpecification")))
        .as("Table TimeToLiveSpecification")
        .containsEntry("AttributeName", "expires_at")
        .containsEntry("Enabled", true);
  }

  @Test
  void everyTemplateRouteIsInThePermissionMatrix() {
    assertThat(routeViolations(template)).isEmpty();
  }

  // ------------------------------------------------------------------------------ rules have teeth

  /**
   * Breaks the real template one mistake at a time and asserts the rule reports exactly that
   * mistake, naming the function and the statement.
   */
  @Nested
  class TheRulesCatch {

    @Test
    void aDecryptWithoutConditions() {
      SamTemplate broken =
          mutated(doc -> statement(doc, SYNC, "DecryptSyncKeysOnly").remove("Condition"));

      assertThat(unboundDecryptViolations(broken))
          .containsExactly(
              "SyncFunction/DecryptSyncKeysOnly: kms:Decrypt is bound neither to our context"
                  + " (StringEquals kms:EncryptionContext:app = agent-billy and"
                  + " kms:EncryptionContext:purpose) nor to Secrets Manager (StringEquals"
                  + " kms:ViaService and StringLike kms:EncryptionContext:SecretARN under the"
                  + " stack prefix)");
      assertThat(purposeViolations(broken))
          .containsExactly(
              "SyncFunction: no kms:Decrypt with purpose sync, which DESIGN.md §1 gives it");
    }

    @Test
    void aDecryptWithThePurposeButWithoutTheAppCondition() {
      SamTemplate broken =
          mutated(
              doc ->
                  stringEquals(statement(doc, API, "DecryptViewerAndManagerKeysOnly"))
                      .remove(APP_CONTEXT));

      assertThat(unboundDecryptViolations(broken))
          .singleElement(InstanceOfAssertFactories.STRING)
          .startsWith("ApiFunction/DecryptViewerAndManagerKeysOnly: kms:Decrypt is bound neither");
    }

    @Test
    void aFunctionDecryptingAPurposeItIsNotEntitledTo() {
      SamTemplate broken =
          mutated(
              doc ->
                  stringEquals(statement(doc, API, "DecryptViewerAndManagerKeysOnly"))
                      .put(PURPOSE_CONTEXT, List.of("viewer", "operator", "manager", "sync")));

      assertThat(purposeViolations(broken))
          .containsExactly(
              "ApiFunction/DecryptViewerAndManagerKeysOnly: kms:Decrypt of purpose sync;"
                  + " ApiFunction may decrypt only [manager, operator, viewer]");
    }

    @Test
    void onboardingDecryptingOurOwnContext() {
      SamTemplate broken =
          mutated(
              doc ->
                  statements(doc, ONBOARDING)
                      .add(
                          CloudFormationYaml.parse(
                              """
                              Sid: DecryptManagerKeys
                              Effect: Allow
                              Action: kms:Decrypt
                              Resource: !GetAtt KeysKmsKey.Arn
                              Condition:
                                StringEquals:
                                  kms:EncryptionContext:app: agent-billy
                                  kms:EncryptionContext:purpose: manager
                              """)));

      assertThat(onboardingDecryptViolations(broken))
          .containsExactly(
              "OnboardingFunction/DecryptManagerKeys: kms:Decrypt not limited to Secrets Manager"
                  + " (kms:ViaService); onboarding never decrypts our keys itself");
      assertThat(purposeViolations(broken))
          .containsExactly(
              "OnboardingFunction/DecryptManagerKeys: kms:Decrypt of purpose manager;"
                  + " OnboardingFunction may decrypt only [none]");
    }

    @Test
    void secretsManagerUseWithoutViaService() {
      SamTemplate broken =
          mutated(
              doc ->
                  stringEquals(statement(doc, ONBOARDING, "SecretsManagerUseOfStackKey"))
                      .remove(VIA_SERVICE));

      assertThat(secretsManagerKeyUseViolations(broken))
          .containsExactly(
              "OnboardingFunction/SecretsManagerUseOfStackKey: kms:GenerateDataKey not limited to"
                  + " Secrets Manager under the stack prefix",
              "OnboardingFunction: Secrets Manager may not decrypt its secrets (no kms:Decrypt"
                  + " with kms:ViaService and the SecretARN prefix)",
              "OnboardingFunction: Secrets Manager may not encrypt the secrets it writes (no"
                  + " kms:GenerateDataKey with kms:ViaService and the SecretARN prefix)");
      assertThat(unboundDecryptViolations(broken))
          .singleElement(InstanceOfAssertFactories.STRING)
          .startsWith("OnboardingFunction/SecretsManagerUseOfStackKey: kms:Decrypt is bound");
    }

    @Test
    void secretsManagerUseForSecretsOfAnyStage() {
      SamTemplate broken =
          mutated(
              doc ->
                  stringLike(statement(doc, WEBHOOK, "DecryptSecretsViaSecretsManager"))
                      .put(
                          SECRET_ARN_CONTEXT,
                          sub(
                              "arn:${AWS::Partition}:secretsmanager:${AWS::Region}"
                                  + ":${AWS::AccountId}:secret:*")));

      assertThat(unboundDecryptViolations(broken))
          .singleElement(InstanceOfAssertFactories.STRING)
          .startsWith("WebhookFunction/DecryptSecretsViaSecretsManager: kms:Decrypt is bound");
    }

    @Test
    void anEncryptWithoutTheAppContext() {
      SamTemplate broken =
          mutated(doc -> statement(doc, ONBOARDING, "EncryptKeysForThisApp").remove("Condition"));

      assertThat(encryptViolations(broken))
          .containsExactly(
              "OnboardingFunction/EncryptKeysForThisApp: kms:Encrypt without StringEquals"
                  + " kms:EncryptionContext:app = agent-billy");
    }

    @Test
    void aScanAndEveryResource() {
      SamTemplate broken =
          mutated(
              doc -> {
                Map<String, Object> table = statement(doc, SYNC, "TableRead");
                list(table.get("Action")).add("dynamodb:Scan");
                table.put("Resource", "*");
              });

      assertThat(scanViolations(broken)).containsExactly("SyncFunction/TableRead: dynamodb:Scan");
      assertThat(wildcardViolations(broken))
          .containsExactly("SyncFunction/TableRead: Resource \"*\"");
      assertThat(tableViolations(broken))
          .containsExactly("SyncFunction/TableRead: DynamoDB on *, not the table or its indexes");
      assertThat(allowListViolations(broken))
          .containsExactly(
              "SyncFunction/TableRead: dynamodb:Scan is not on SyncFunction's" + " allow-list");
    }

    @Test
    void aWildcardAction() {
      SamTemplate broken =
          mutated(
              doc ->
                  statement(doc, WEBHOOK, "ReadWebhookSecretAndSyncKeySecrets")
                      .put("Action", "secretsmanager:*"));

      assertThat(wildcardViolations(broken))
          .containsExactly(
              "WebhookFunction/ReadWebhookSecretAndSyncKeySecrets: wildcard action"
                  + " secretsmanager:*");
    }

    @Test
    void secretWritesOutsideTheStackPrefix() {
      SamTemplate broken =
          mutated(
              doc ->
                  statement(doc, ONBOARDING, "ManageKeySecretsUnderPrefix")
                      .put(
                          "Resource",
                          sub(
                              "arn:${AWS::Partition}:secretsmanager:${AWS::Region}"
                                  + ":${AWS::AccountId}:secret:agent-billy/*")));

      assertThat(secretManagementViolations(broken))
          .containsExactly(
              "OnboardingFunction/ManageKeySecretsUnderPrefix: secretsmanager:CreateSecret,"
                  + " secretsmanager:PutSecretValue, secretsmanager:DeleteSecret,"
                  + " secretsmanager:TagResource, secretsmanager:DescribeSecret on !Sub"
                  + " arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}"
                  + ":secret:agent-billy/*, outside the stack prefix");
    }

    @Test
    void stackSecretWritesNoLongerDenied() {
      SamTemplate broken =
          mutated(
              doc ->
                  statement(doc, ONBOARDING, "NeverTheStacksOwnSecrets")
                      .put("Action", List.of("secretsmanager:CreateSecret")));

      assertThat(secretManagementViolations(broken))
          .containsExactly(
              "OnboardingFunction/ManageKeySecretsUnderPrefix: secretsmanager:PutSecretValue"
                  + " reaches the stack's own secrets (_stack/*) undenied",
              "OnboardingFunction/ManageKeySecretsUnderPrefix: secretsmanager:DeleteSecret"
                  + " reaches the stack's own secrets (_stack/*) undenied",
              "OnboardingFunction/ManageKeySecretsUnderPrefix: secretsmanager:TagResource"
                  + " reaches the stack's own secrets (_stack/*) undenied",
              "OnboardingFunction/ManageKeySecretsUnderPrefix: secretsmanager:DescribeSecret"
                  + " reaches the stack's own secrets (_stack/*) undenied");
    }

    @Test
    void onboardingReadingEverySecretOfTheStack() {
      SamTemplate broken =
          mutated(
              doc -> statement(doc, ONBOARDING, "ReadStackSecrets").put("Resource", STACK_SECRETS));

      assertThat(onboardingSecretReadViolations(broken))
          .containsExactly(
              "OnboardingFunction/ReadStackSecrets: secretsmanager:GetSecretValue on !Sub"
                  + " arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}"
                  + ":secret:agent-billy/${Stage}/*; onboarding reads only !Ref"
                  + " FingerprintKeySecret and !Ref AuditKeySecret",
              "OnboardingFunction: cannot read !Ref FingerprintKeySecret",
              "OnboardingFunction: cannot read !Ref AuditKeySecret");
    }

    @Test
    void theApiInvokingAnyFunction() {
      SamTemplate broken =
          mutated(
              doc ->
                  statement(doc, API, "StartSync")
                      .put(
                          "Resource",
                          sub(
                              "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}"
                                  + ":function:*")));

      assertThat(lambdaViolations(broken))
          .containsExactly(
              "ApiFunction/StartSync: lambda:InvokeFunction on !Sub"
                  + " arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:*;"
                  + " only the sync function's alias (!Ref SyncFunction.Alias)");
    }

    @Test
    void aKeyPolicyOpenToEveryone() {
      SamTemplate broken =
          mutated(
              doc ->
                  mutableMaps(
                          mutable(
                                  mutable(resource(doc, "KeysKmsKey").get("Properties"))
                                      .get("KeyPolicy"))
                              .get("Statement"))
                      .getLast()
                      .put("Principal", "*"));

      assertThat(keyPolicyViolations(broken))
          .containsExactly(
              "KeysKmsKey/DeployerCreatesTheStacksOwnSecrets: principal *; only the account root"
                  + " (!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root)");
    }

    @Test
    void aManagedPolicyOrARoleOfItsOwn() {
      SamTemplate broken =
          mutated(
              doc -> {
                Map<String, Object> sync = mutable(resource(doc, SYNC).get("Properties"));
                list(sync.get("Policies")).add("AmazonDynamoDBFullAccess");
                mutable(resource(doc, WEBHOOK).get("Properties"))
                    .put("Role", getAtt("SomeRole", "Arn"));
              });

      assertThat(structureViolations(broken))
          .containsExactly(
              "SyncFunction: Policies entry AmazonDynamoDBFullAccess is not an inline"
                  + " Statement document (no managed policies or SAM policy templates)",
              "WebhookFunction: Role replaces the function's own least-privilege role");
    }

    @Test
    void aRouteOutsideThePermissionMatrix() {
      SamTemplate broken =
          mutated(
              doc ->
                  mutable(mutable(resource(doc, API).get("Properties")).get("Events"))
                      .put(
                          "Debug",
                          CloudFormationYaml.parse(
                              """
                              Type: Api
                              Properties: {RestApiId: !Ref Api, Path: /debug, Method: get}
                              """)));

      assertThat(routeViolations(broken))
          .containsExactly("ApiFunction/Debug: GET /debug is not in PermissionMatrix.routes()");
    }
  }

  // ------------------------------------------------------------------------------ the rules

  static List<String> structureViolations(SamTemplate t) {
    List<String> violations = new ArrayList<>();
    t.resources()
        .forEach(
            (id, resource) -> {
              Object type = map(resource).get("Type");
              if (String.valueOf(type).startsWith("AWS::IAM::")
                  && !isApiGatewaysLoggingRole(id, map(resource))) {
                violations.add(id + ": " + type + "; give each function inline Policies instead");
              }
            });
    for (SamTemplate.Function f : t.functions()) {
      Map<String, Object> props = t.properties(f.logicalId());
      if (props.containsKey("Role")) {
        violations.add(f.logicalId() + ": Role replaces the function's own least-privilege role");
      }
      for (Object policy : listOf(props.get("Policies"))) {
        if (!(policy instanceof Map<?, ?> inline)
            || !inline.containsKey("Statement")
            || !Set.of("Version", "Statement").containsAll(map(inline).keySet())) {
          violations.add(
              f.logicalId()
                  + ": Policies entry "
                  + render(policy)
                  + " is not an inline Statement document (no managed policies or SAM policy"
                  + " templates)");
        }
      }
    }
    Set<String> seen = new HashSet<>();
    for (Statement s : statements(t)) {
      if (s.sid().startsWith("#")) {
        violations.add(s.name() + ": no Sid");
      } else if (!seen.add(s.name())) {
        violations.add(s.name() + ": Sid used twice");
      }
      Object effect = s.raw().get("Effect");
      if (!"Allow".equals(effect) && !"Deny".equals(effect)) {
        violations.add(s.name() + ": Effect " + effect);
      }
      for (String key : List.of("NotAction", "NotResource", "Principal", "NotPrincipal")) {
        if (s.raw().containsKey(key)) {
          violations.add(s.name() + ": " + key);
        }
      }
      if (s.actions().isEmpty() || s.resources().isEmpty()) {
        violations.add(s.name() + ": needs both Action and Resource");
      }
    }
    return violations;
  }

  /**
   * The one IAM resource allowed besides the functions' own roles: API Gateway's account-wide
   * CloudWatch role, trusted by API Gateway alone and holding only AWS's push-to-logs policy.
   */
  private static boolean isApiGatewaysLoggingRole(String id, Map<String, Object> resource) {
    Map<String, Object> props = map(resource.get("Properties"));
    return id.equals("ApiGatewayCloudWatchRole")
        && "AWS::IAM::Role".equals(resource.get("Type"))
        && props.keySet().equals(Set.of("AssumeRolePolicyDocument", "ManagedPolicyArns"))
        && String.valueOf(props.get("AssumeRolePolicyDocument"))
            .contains("Service=apigateway.amazonaws.com")
        && listOf(props.get("ManagedPolicyArns")).size() == 1
        && String.valueOf(props.get("ManagedPolicyArns"))
            .contains(":iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs");
  }

  static List<String> allowListViolations(SamTemplate t) {
    List<String> violations = new ArrayList<>();
    Set<String> functions = new LinkedHashSet<>();
    for (SamTemplate.Function f : t.functions()) {
      String fn = f.logicalId();
      functions.add(fn);
      Set<String> allowed = ALLOWED_ACTIONS.get(fn);
      if (allowed == null) {
        violations.add(fn + ": no allow-list in TemplatePolicyTest; add one from DESIGN.md §1");
        continue;
      }
      Set<String> granted = new HashSet<>();
      for (Statement s : grants(t, fn)) {
        for (String action : s.actions()) {
          granted.add(lower(action));
          if (!lowered(allowed).contains(lower(action))) {
            violations.add(s.name() + ": " + action + " is not on " + fn + "'s allow-list");
          }
        }
      }
      for (String action : new TreeSet<>(allowed)) {
        if (!granted.contains(lower(action))) {
          violations.add(fn + ": nothing grants " + action + ", which its allow-list expects");
        }
      }
    }
    for (String fn : new TreeSet<>(ALLOWED_ACTIONS.keySet())) {
      if (!functions.contains(fn)) {
        violations.add(fn + ": has an allow-list but is not in the template");
      }
    }
    return violations;
  }

  static List<String> wildcardViolations(SamTemplate t) {
    List<String> violations = new ArrayList<>();
    for (Statement s : grants(t)) {
      for (String action : s.actions()) {
        if (action.contains("*") || action.contains("?")) {
          violations.add(s.name() + ": wildcard action " + action);
        }
      }
      if (s.resources().contains("*")) {
        violations.add(s.name() + ": Resource \"*\"");
      }
    }
    return violations;
  }

  static List<String> tableViolations(SamTemplate t) {
    List<String> violations = new ArrayList<>();
    for (Statement s : grants(t)) {
      if (s.grantsAnyOf("dynamodb:")) {
        for (Object resource : s.resources()) {
          if (!resource.equals(TABLE) && !resource.equals(TABLE_INDEXES)) {
            violations.add(
                s.name() + ": DynamoDB on " + render(resource) + ", not the table or its indexes");
          }
        }
      }
    }
    return violations;
  }

  static List<String> scanViolations(SamTemplate t) {
    return grants(t).stream()
        .filter(s -> s.grants("dynamodb:Scan"))
        .map(s -> s.name() + ": dynamodb:Scan")
        .toList();
  }

  static List<String> kmsResourceViolations(SamTemplate t) {
    List<String> violations = new ArrayList<>();
    for (Statement s : grants(t)) {
      if (s.grantsAnyOf("kms:") && !s.resources().equals(List.of(STACK_KEY))) {
        violations.add(
            s.name()
                + ": KMS on "
                + render(s.resources())
                + ", not the stack key ("
                + render(STACK_KEY)
                + ")");
      }
    }
    return violations;
  }

  static List<String> encryptViolations(SamTemplate t) {
    List<String> violations = new ArrayList<>();
    for (Statement s : grants(t)) {
      if (!s.grants("kms:Encrypt")) {
        continue;
      }
      if (!s.function().equals(ONBOARDING)) {
        violations.add(s.name() + ": kms:Encrypt, which only onboarding may use");
      }
      if (!s.conditionValues("StringEquals", APP_CONTEXT).equals(List.of(APP))) {
        violations.add(
            s.name() + ": kms:Encrypt without StringEquals " + APP_CONTEXT + " = " + APP);
      }
    }
    return violations;
  }

  static List<String> onboardingDecryptViolations(SamTemplate t) {
    return grants(t, ONBOARDING).stream()
        .filter(s -> s.grants("kms:Decrypt") && !s.isViaSecretsManager())
        .map(
            s ->
                s.name()
                    + ": kms:Decrypt not limited to Secrets Manager (kms:ViaService); onboarding"
                    + " never decrypts our keys itself")
        .toList();
  }

  static List<String> purposeViolations(SamTemplate t) {
    List<String> violations = new ArrayList<>();
    for (SamTemplate.Function f : t.functions()) {
      String fn = f.logicalId();
      Set<String> allowed = DECRYPTABLE_PURPOSES.getOrDefault(fn, Set.of());
      Set<String> decryptable = new HashSet<>();
      for (Statement s : grants(t, fn)) {
        if (!s.grants("kms:Decrypt") || !s.isBoundToOurContext()) {
          continue;
        }
        for (Object purpose : s.conditionValues("StringEquals", PURPOSE_CONTEXT)) {
          decryptable.add(String.valueOf(purpose));
          if (!allowed.contains(String.valueOf(purpose))) {
            violations.add(
                s.name()
                    + ": kms:Decrypt of purpose "
                    + purpose
                    + "; "
                    + fn
                    + " may decrypt only "
                    + (allowed.isEmpty() ? "[none]" : new TreeSet<>(allowed)));
          }
        }
      }
      for (String purpose : new TreeSet<>(allowed)) {
        if (!decryptable.contains(purpose)) {
          violations.add(
              fn + ": no kms:Decrypt with purpose " + purpose + ", which DESIGN.md §1 gives it");
        }
      }
    }
    return violations;
  }

  static List<String> unboundDecryptViolations(SamTemplate t) {
    return grants(t).stream()
        .filter(
            s -> s.grants("kms:Decrypt") && !s.isBoundToOurContext() && !s.isViaSecretsManager())
        .map(
            s ->
                s.name()
                    + ": kms:Decrypt is bound neither to our context (StringEquals "
                    + APP_CONTEXT
                    + " = "
                    + APP
                    + " and "
                    + PURPOSE_CONTEXT
                    + ") nor to Secrets Manager (StringEquals "
                    + VIA_SERVICE
                    + " and StringLike "
                    + SECRET_ARN_CONTEXT
                    + " under the stack prefix)")
        .toList();
  }

  static List<String> secretsManagerKeyUseViolations(SamTemplate t) {
    List<String> violations = new ArrayList<>();
    for (Statement s : grants(t)) {
      for (String action : s.actions()) {
        if (!lower(action).startsWith("kms:generatedatakey")) {
          continue;
        }
        if (!s.function().equals(ONBOARDING)) {
          violations.add(
              s.name()
                  + ": "
                  + action
                  + ", which only onboarding (the writer of secrets) may let Secrets Manager use");
        }
        if (!s.isViaSecretsManager()) {
          violations.add(
              s.name() + ": " + action + " not limited to Secrets Manager under the stack prefix");
        }
      }
      if (s.isViaSecretsManager()) {
        Set<String> permitted =
            s.function().equals(ONBOARDING)
                ? Set.of("kms:decrypt", "kms:generatedatakey")
                : Set.of("kms:decrypt");
        s.actions().stream()
            .filter(
                action -> lower(action).startsWith("kms:") && !permitted.contains(lower(action)))
            .forEach(action -> violations.add(s.name() + ": " + action + " via Secrets Manager"));
      }
    }
    for (SamTemplate.Function f : t.functions()) {
      String fn = f.logicalId();
      if (grants(t, fn).stream()
          .noneMatch(s -> s.isViaSecretsManager() && s.grants("kms:Decrypt"))) {
        violations.add(
            fn
                + ": Secrets Manager may not decrypt its secrets (no kms:Decrypt with"
                + " kms:ViaService and the SecretARN prefix)");
      }
    }
    if (grants(t, ONBOARDING).stream()
        .noneMatch(s -> s.isViaSecretsManager() && s.grants("kms:GenerateDataKey"))) {
      violations.add(
          ONBOARDING
              + ": Secrets Manager may not encrypt the secrets it writes (no kms:GenerateDataKey"
              + " with kms:ViaService and the SecretARN prefix)");
    }
    return violations;
  }

  static List<String> secretManagementViolations(SamTemplate t) {
    List<String> violations = new ArrayList<>();
    for (Statement s : grants(t)) {
      List<String> managing =
          s.actions().stream()
              .filter(
                  a ->
                      lower(a).startsWith("secretsmanager:")
                          && !lower(a).equals("secretsmanager:getsecretvalue"))
              .toList();
      if (managing.isEmpty()) {
        continue;
      }
      if (!s.function().equals(ONBOARDING)) {
        violations.add(
            s.name() + ": " + String.join(", ", managing) + ", which only onboarding may use");
      }
      for (Object resource : s.resources()) {
        if (!resource.equals(STACK_SECRETS)) {
          violations.add(
              s.name()
                  + ": "
                  + String.join(", ", managing)
                  + " on "
                  + render(resource)
                  + ", outside the stack prefix");
        }
      }
      if (s.function().equals(ONBOARDING)) {
        Set<String> denied = deniedOnTheStacksOwnSecrets(t);
        for (String action : managing) {
          if (!denied.contains(lower(action))) {
            violations.add(
                s.name() + ": " + action + " reaches the stack's own secrets (_stack/*) undenied");
          }
        }
      }
    }
    return violations;
  }

  /** The actions a Deny statement of onboarding forbids on the stack's own secrets. */
  private static Set<String> deniedOnTheStacksOwnSecrets(SamTemplate t) {
    Set<String> denied = new HashSet<>();
    for (Statement s : statements(t)) {
      if (s.function().equals(ONBOARDING)
          && "Deny".equals(s.raw().get("Effect"))
          && s.resources().contains(STACKS_OWN_SECRETS)) {
        s.actions().forEach(action -> denied.add(lower(action)));
      }
    }
    return denied;
  }

  static List<String> onboardingSecretReadViolations(SamTemplate t) {
    List<Object> readable =
        List.of(
            Map.of("Ref", stackSecret(t, "FINGERPRINT_SECRET_ID")),
            Map.of("Ref", stackSecret(t, "AUDIT_SECRET_ID")));
    List<String> violations = new ArrayList<>();
    Set<Object> read = new HashSet<>();
    for (Statement s : grants(t, ONBOARDING)) {
      if (!s.grants("secretsmanager:GetSecretValue")) {
        continue;
      }
      for (Object resource : s.resources()) {
        read.add(resource);
        if (!readable.contains(resource)) {
          violations.add(
              s.name()
                  + ": secretsmanager:GetSecretValue on "
                  + render(resource)
                  + "; onboarding reads only "
                  + readable.stream()
                      .map(TemplatePolicyTest::render)
                      .collect(Collectors.joining(" and ")));
        }
      }
    }
    readable.stream()
        .filter(secret -> !read.contains(secret))
        .forEach(secret -> violations.add(ONBOARDING + ": cannot read " + render(secret)));
    return violations;
  }

  static List<String> secretReadViolations(SamTemplate t) {
    List<String> violations = new ArrayList<>();
    for (String fn : List.of(API, SYNC, WEBHOOK)) {
      List<Statement> reads =
          grants(t, fn).stream().filter(s -> s.grants("secretsmanager:GetSecretValue")).toList();
      if (reads.isEmpty()) {
        violations.add(fn + ": cannot read its secrets (no secretsmanager:GetSecretValue)");
      }
      for (Statement s : reads) {
        for (Object resource : s.resources()) {
          if (!isUnderTheStackPrefix(resource)) {
            violations.add(
                s.name()
                    + ": secretsmanager:GetSecretValue on "
                    + render(resource)
                    + ", outside the stack prefix");
          }
        }
      }
    }
    return violations;
  }

  static List<String> lambdaViolations(SamTemplate t) {
    List<String> violations = new ArrayList<>();
    for (Statement s : grants(t)) {
      for (String action : s.actions()) {
        if (!lower(action).startsWith("lambda:")) {
          continue;
        }
        if (!s.function().equals(API)) {
          violations.add(s.name() + ": " + action + "; only the api function may use Lambda");
        } else if (!lower(action).equals("lambda:invokefunction")) {
          violations.add(s.name() + ": " + action + "; the api function may only invoke");
        }
        for (Object resource : s.resources()) {
          if (!resource.equals(SYNC_ALIAS)) {
            violations.add(
                s.name()
                    + ": "
                    + action
                    + " on "
                    + render(resource)
                    + "; only the sync function's alias ("
                    + render(SYNC_ALIAS)
                    + ")");
          }
        }
      }
    }
    if (grants(t, API).stream().noneMatch(s -> s.grants("lambda:InvokeFunction"))) {
      violations.add(API + ": cannot start a sync (no lambda:InvokeFunction on the sync alias)");
    }
    return violations;
  }

  static List<String> keyPolicyViolations(SamTemplate t) {
    List<String> violations = new ArrayList<>();
    for (String key : t.logicalIdsOfType("AWS::KMS::Key")) {
      Object policy = t.properties(key).get("KeyPolicy");
      if (!(policy instanceof Map<?, ?>)) {
        violations.add(key + ": no inline KeyPolicy");
        continue;
      }
      List<Map<String, Object>> statements = maps(map(policy).get("Statement"));
      for (int i = 0; i < statements.size(); i++) {
        Map<String, Object> statement = statements.get(i);
        String name = key + "/" + Objects.toString(statement.get("Sid"), "#" + (i + 1));
        if (statement.containsKey("NotPrincipal")) {
          violations.add(name + ": NotPrincipal");
        }
        if (!ACCOUNT_ROOT.equals(statement.get("Principal"))) {
          violations.add(
              name
                  + ": principal "
                  + render(statement.get("Principal"))
                  + "; only the account root ("
                  + render(map(ACCOUNT_ROOT).get("AWS"))
                  + ")");
        }
      }
    }
    return violations;
  }

  static List<String> routeViolations(SamTemplate t) {
    Set<Route> matrix = PermissionMatrix.routes().keySet();
    Map<Route, String> servedBy = new HashMap<>();
    List<String> violations = new ArrayList<>();
    for (SamTemplate.Function f : t.functions()) {
      for (SamTemplate.ApiRoute r : f.apiRoutes()) {
        Route route = Route.of(r.method(), r.path());
        String name = f.logicalId() + "/" + r.eventName();
        if (r.method().equals("OPTIONS")) {
          // CORS preflights, answered by the api function's router for every path.
          if (!f.logicalId().equals(API)) {
            violations.add(name + ": a preflight is the api function's to answer");
          }
          continue;
        }
        if (!r.authorized()) {
          // Served without a token: allowed only for the routes the matrix names as public.
          if (!PermissionMatrix.publicRoutes().contains(route)) {
            violations.add(name + ": " + route + " has no authorizer and is not a public route");
          }
        } else if (!matrix.contains(route)) {
          violations.add(name + ": " + route + " is not in PermissionMatrix.routes()");
        }
        String other = servedBy.putIfAbsent(route, name);
        if (other != null) {
          violations.add(name + ": " + route + " is also served by " + other);
        }
      }
    }
    return violations;
  }

  private static List<String> routeAuthOverrides(SamTemplate t) {
    List<String> overrides = new ArrayList<>();
    for (SamTemplate.Function f : t.functions()) {
      map(t.properties(f.logicalId()).getOrDefault("Events", Map.of()))
          .forEach(
              (name, event) -> {
                Map<String, Object> e = map(event);
                Map<String, Object> props = map(e.getOrDefault("Properties", Map.of()));
                boolean withoutAuthorizer = Map.of("Authorizer", "NONE").equals(props.get("Auth"));
                boolean preflight = "OPTIONS".equals(props.get("Method")) && withoutAuthorizer;
                // The OAuth metadata an MCP client reads before it has a token (RFC 9728).
                boolean publicRoute =
                    withoutAuthorizer
                        && props.get("Method") instanceof String method
                        && props.get("Path") instanceof String path
                        && PermissionMatrix.publicRoutes().contains(Route.of(method, path));
                if ("Api".equals(e.get("Type"))
                    && props.containsKey("Auth")
                    && !preflight
                    && !publicRoute) {
                  overrides.add(f.logicalId() + "/" + name);
                }
              });
    }
    return overrides;
  }

  // ------------------------------------------------------------------------------ statements

  /** One IAM statement of a function's inline {@code Policies}. */
  record Statement(String function, String sid, Map<String, Object> raw) {

    String name() {
      return function + "/" + sid;
    }

    boolean allows() {
      return "Allow".equals(raw.get("Effect"));
    }

    List<String> actions() {
      return listOf(raw.get("Action")).stream().map(String::valueOf).toList();
    }

    List<Object> resources() {
      return listOf(raw.get("Resource"));
    }

    /** IAM action names are case-insensitive. */
    boolean grants(String action) {
      return actions().stream().anyMatch(action::equalsIgnoreCase);
    }

    boolean grantsAnyOf(String servicePrefix) {
      return actions().stream().anyMatch(a -> lower(a).startsWith(servicePrefix));
    }

    /** The values a condition operator requires of a key (keys are case-insensitive in IAM). */
    List<Object> conditionValues(String operator, String key) {
      if (!(raw.get("Condition") instanceof Map<?, ?> condition)
          || !(condition.get(operator) instanceof Map<?, ?> keys)) {
        return List.of();
      }
      return keys.entrySet().stream()
          .filter(e -> String.valueOf(e.getKey()).equalsIgnoreCase(key))
          .findFirst()
          .map(e -> listOf(e.getValue()))
          .orElse(List.of());
    }

    /** Our own context: StringEquals on {@code app} = agent-billy and on {@code purpose}. */
    boolean isBoundToOurContext() {
      return conditionValues("StringEquals", APP_CONTEXT).equals(List.of(APP))
          && !conditionValues("StringEquals", PURPOSE_CONTEXT).isEmpty();
    }

    /** Secrets Manager's use: only via Secrets Manager, only for secrets under the prefix. */
    boolean isViaSecretsManager() {
      List<Object> secrets = conditionValues("StringLike", SECRET_ARN_CONTEXT);
      return conditionValues("StringEquals", VIA_SERVICE).equals(List.of(SECRETS_MANAGER))
          && !secrets.isEmpty()
          && secrets.stream().allMatch(TemplatePolicyTest::isUnderTheStackPrefix);
    }
  }

  /** The stack's own secrets, which a policy names by {@code !Ref}. */
  private static final Set<String> STACK_SECRET_RESOURCES =
      Set.of("FingerprintKeySecret", "CursorKeySecret", "AuditKeySecret");

  /**
   * Whether a secret ARN (pattern) lies under {@code agent-billy/<stage>/}: the prefix itself, a
   * narrower {@code !Sub} below it (a purpose's secrets), or a {@code !Ref} to a stack secret.
   */
  static boolean isUnderTheStackPrefix(Object arn) {
    if (arn.equals(STACK_SECRETS)) {
      return true;
    }
    if (arn instanceof Map<?, ?> m && m.size() == 1) {
      if (m.get("Ref") instanceof String ref) {
        return STACK_SECRET_RESOURCES.contains(ref);
      }
      if (m.get("Fn::Sub") instanceof String pattern) {
        String prefix = String.valueOf(map(STACK_SECRETS).get("Fn::Sub"));
        prefix = prefix.substring(0, prefix.length() - 1);
        return pattern.startsWith(prefix) && !pattern.substring(prefix.length()).startsWith("*");
      }
    }
    return false;
  }

  /** Every statement of every function's inline policies, in template order. */
  static List<Statement> statements(SamTemplate t) {
    List<Statement> all = new ArrayList<>();
    for (SamTemplate.Function f : t.functions()) {
      int index = 0;
      for (Object policy : listOf(t.properties(f.logicalId()).get("Policies"))) {
        if (!(policy instanceof Map<?, ?> inline)) {
          continue;
        }
        for (Object statement : listOf(inline.get("Statement"))) {
          index++;
          Map<String, Object> raw = map(statement);
          String sid = raw.get("Sid") instanceof String s ? s : "#" + index;
          all.add(new Statement(f.logicalId(), sid, raw));
        }
      }
    }
    return all;
  }

  /** The statements that grant something (Effect Allow). */
  static List<Statement> grants(SamTemplate t) {
    return statements(t).stream().filter(Statement::allows).toList();
  }

  static List<Statement> grants(SamTemplate t, String function) {
    return grants(t).stream().filter(s -> s.function().equals(function)).toList();
  }

  // ------------------------------------------------------------------------------ helpers

  private static Map<String, Object> apiProperties() {
    return template.properties(template.onlyLogicalIdOfType("AWS::Serverless::Api"));
  }

  private static String stackSecret(String variable) {
    return stackSecret(template, variable);
  }

  private static String stackSecret(SamTemplate t, String variable) {
    return t.globalEnvironmentRef(variable)
        .orElseThrow(
            () -> new AssertionError("Globals.Function.Environment has no !Ref " + variable));
  }

  /** A number, or a {@code Ref} to a parameter resolved to its default. */
  private static Optional<Long> positiveNumber(Object value) {
    Object resolved =
        value instanceof Map<?, ?> ref && ref.get("Ref") instanceof String parameter
            ? template.parameterDefault(parameter).orElse(null)
            : value;
    return resolved instanceof Number n ? Optional.of(n.longValue()) : Optional.empty();
  }

  private static Object sub(String text) {
    return Map.of("Fn::Sub", text);
  }

  private static Object getAtt(String resource, String attribute) {
    return Map.of("Fn::GetAtt", List.of(resource, attribute));
  }

  private static String lower(String action) {
    return action.toLowerCase(Locale.ROOT);
  }

  private static Set<String> lowered(Set<String> actions) {
    return actions.stream().map(TemplatePolicyTest::lower).collect(Collectors.toSet());
  }

  /** A scalar or a list, as a list ({@code Action: x} and {@code Action: [x]} mean the same). */
  private static List<Object> listOf(Object value) {
    if (value == null) {
      return List.of();
    }
    return value instanceof List<?> list ? List.copyOf(list) : List.of(value);
  }

  private static Map<String, Object> map(Object value) {
    return SamTemplate.stringKeyed(value, String.valueOf(value));
  }

  private static List<Map<String, Object>> maps(Object value) {
    return listOf(value).stream().map(TemplatePolicyTest::map).toList();
  }

  private static String render(Object value) {
    if (value instanceof Map<?, ?> m && m.size() == 1) {
      Map.Entry<?, ?> e = m.entrySet().iterator().next();
      String key = String.valueOf(e.getKey());
      if (key.equals("Ref")) {
        return "!Ref " + e.getValue();
      }
      if (key.equals("Fn::GetAtt") && e.getValue() instanceof List<?> parts) {
        return "!GetAtt " + parts.stream().map(String::valueOf).collect(Collectors.joining("."));
      }
      if (key.startsWith("Fn::")) {
        return "!" + key.substring(4) + " " + render(e.getValue());
      }
    }
    if (value instanceof List<?> list) {
      return list.stream()
          .map(TemplatePolicyTest::render)
          .collect(Collectors.joining(", ", "[", "]"));
    }
    return String.valueOf(value);
  }

  // ------------------------------------------------------------------------------ mutation

  /** The real template, deep-copied, changed and read again the way the real one is read. */
  private static SamTemplate mutated(Consumer<Map<String, Object>> change) {
    Map<String, Object> copy = mutable(deepCopy(document));
    change.accept(copy);
    return SamTemplate.parse(new Yaml().dump(copy));
  }

  private static Object deepCopy(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
      return copy;
    }
    if (value instanceof List<?> l) {
      return new ArrayList<>(l.stream().map(TemplatePolicyTest::deepCopy).toList());
    }
    return value;
  }

  private static Map<String, Object> resource(Map<String, Object> doc, String id) {
    return mutable(mutable(doc.get("Resources")).get(id));
  }

  private static List<Map<String, Object>> statements(Map<String, Object> doc, String function) {
    Map<String, Object> props = mutable(resource(doc, function).get("Properties"));
    return mutableList(mutable(mutableList(props.get("Policies")).getFirst()).get("Statement"));
  }

  private static Map<String, Object> statement(
      Map<String, Object> doc, String function, String sid) {
    return statements(doc, function).stream()
        .filter(s -> sid.equals(s.get("Sid")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("No statement " + sid + " in " + function));
  }

  private static Map<String, Object> stringEquals(Map<String, Object> statement) {
    return mutable(mutable(statement.get("Condition")).get("StringEquals"));
  }

  private static Map<String, Object> stringLike(Map<String, Object> statement) {
    return mutable(mutable(statement.get("Condition")).get("StringLike"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mutable(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> mutableList(Object value) {
    return (List<T>) value;
  }

  private static List<Object> list(Object value) {
    return mutableList(value);
  }

  private static List<Map<String, Object>> mutableMaps(Object value) {
    return mutableList(value);
  }
}
