package com.agentbilly.local;

import static com.agentbilly.local.PolicySimulator.KEY_ARN;
import static com.agentbilly.local.PolicySimulator.TABLE_ARN;
import static com.agentbilly.local.PolicySimulator.secretArn;
import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.local.PolicySimulator.Decision;
import com.agentbilly.local.PolicySimulator.Request;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What each function's role may do to the table, the secrets and the key, decided by evaluating
 * {@code template.yaml}'s policies ({@link PolicySimulator}) on concrete requests: every kind of
 * partition an org has, every kind of secret, our encryption contexts and Secrets Manager's. The
 * expected tables below are the least authority each function needs (issue #15); a statement that
 * grants more, or a function that lost what it needs, fails with the cell that changed.
 */
class TemplateAuthorityTest {

  private static final String ORG = "org_abcdefghijklmnopqrstuvwxyz";
  private static final String USER = "3f1c2a9e-0000-4000-8000-00000000000a";
  private static final List<String> WRITES =
      List.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");

  /** Every kind of partition key in the table, by a name for the kind. */
  private static final Map<String, String> PARTITIONS = partitions();

  private static Map<String, String> partitions() {
    Map<String, String> kinds = new LinkedHashMap<>();
    kinds.put("org (org, memberships, invitations, key metadata)", "ORG#" + ORG);
    for (ObjectType type : ObjectType.values()) {
      kinds.put("mirror " + type.objectName(), "ORG#" + ORG + "#" + type.objectName());
    }
    kinds.put("event ledger", "ORG#" + ORG + "#EVT");
    kinds.put("summary", "ORG#" + ORG + "#SUMMARY");
    kinds.put("sync state and lease", "ORG#" + ORG + "#SYNC");
    kinds.put("idempotency records", "ORG#" + ORG + "#IDEM");
    kinds.put("refund limits and day totals", "ORG#" + ORG + "#LIMITS");
    kinds.put("audit chain", "ORG#" + ORG + "#AUDIT");
    kinds.put("audit once-markers", "ORG#" + ORG + "#AUDIT_ONCE");
    kinds.put("user request quota", "USER#" + USER + "#QUOTA");
    kinds.put("another user's quota", "USER#someone-else#QUOTA");
    return kinds;
  }

  private static final Set<String> MIRROR =
      Arrays.stream(ObjectType.values())
          .map(t -> "mirror " + t.objectName())
          .collect(Collectors.toSet());

  private static SamTemplate template;
  private static PolicySimulator keyPolicy;

  @BeforeAll
  static void readTemplate() throws IOException {
    template = SamTemplate.fromRepository();
    keyPolicy = new PolicySimulator(statementsOf(keyPolicyDocument()));
  }

  // ------------------------------------------------------------------------------ the table

  @Test
  void theWebhookFunctionWritesOnlyTheMirrorTheLedgerAndTheSummary() {
    Map<String, Set<String>> expected = new TreeMap<>();
    for (String kind : PARTITIONS.keySet()) {
      boolean writable =
          MIRROR.contains(kind) || kind.equals("event ledger") || kind.equals("summary");
      expected.put(kind, writable ? Set.of("dynamodb:PutItem", "dynamodb:UpdateItem") : Set.of());
    }
    assertThat(writableActions("WebhookFunction")).isEqualTo(expected);
  }

  @Test
  void theSyncFunctionWritesOnlyTheMirrorTheLedgerTheSummaryAndItsSyncState() {
    Map<String, Set<String>> expected = new TreeMap<>();
    for (String kind : PARTITIONS.keySet()) {
      boolean writable =
          MIRROR.contains(kind)
              || Set.of("event ledger", "summary", "sync state and lease").contains(kind);
      expected.put(kind, writable ? Set.copyOf(WRITES) : Set.of());
    }
    assertThat(writableActions("SyncFunction")).isEqualTo(expected);
  }

  @Test
  void theApiFunctionAppendsToTheAuditChainButNeverChangesOrDeletesIt() {
    Map<String, Set<String>> writable = writableActions("ApiFunction");
    assertThat(writable.get("audit chain")).containsExactly("dynamodb:PutItem");
    assertThat(writable.get("audit once-markers")).containsExactly("dynamodb:PutItem");
    // Everything else it manages (memberships, invitations, idempotency, quotas) stays writable.
    PARTITIONS.keySet().stream()
        .filter(kind -> !kind.startsWith("audit"))
        .forEach(
            kind ->
                assertThat(writable.get(kind))
                    .as(kind)
                    .containsExactlyInAnyOrderElementsOf(WRITES));
    assertThat(
            simulator("ApiFunction")
                .evaluate(tableRequest("dynamodb:BatchWriteItem", "ORG#" + ORG + "#AUDIT")))
        .isEqualTo(Decision.EXPLICITLY_DENIED);
  }

  @Test
  void theMcpFunctionAppendsToTheAuditChainButNeverChangesOrDeletesIt() {
    Map<String, Set<String>> writable = writableActions("McpFunction");
    assertThat(writable.get("audit chain")).containsExactly("dynamodb:PutItem");
    assertThat(writable.get("audit once-markers")).containsExactly("dynamodb:PutItem");
    assertThat(
            simulator("McpFunction")
                .evaluate(tableRequest("dynamodb:DeleteItem", "ORG#" + ORG + "#AUDIT")))
        .isEqualTo(Decision.EXPLICITLY_DENIED);
  }

  @Test
  void aWebhookRoleWriteToAMembershipItemIsDenied() {
    // The attack of issue #15: code run in the public webhook function making itself an owner.
    PolicySimulator webhook = simulator("WebhookFunction");
    for (String action :
        List.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")) {
      assertThat(webhook.evaluate(tableRequest(action, "ORG#" + ORG)))
          .as(action)
          .isEqualTo(Decision.IMPLICITLY_DENIED);
    }
    // A batch or transaction is authorised item by item: one membership item in it denies it.
    assertThat(
            webhook.allows(
                new Request(
                    "dynamodb:PutItem",
                    TABLE_ARN,
                    Map.of(
                        "dynamodb:LeadingKeys",
                        List.of("ORG#" + ORG + "#customer", "ORG#" + ORG)))))
        .isFalse();
    // And it can still do its job.
    assertThat(webhook.allows(tableRequest("dynamodb:PutItem", "ORG#" + ORG + "#customer")))
        .isTrue();
  }

  @Test
  void readsStayOpenForEveryFunction() {
    for (String function :
        List.of(
            "ApiFunction",
            "McpFunction",
            "OnboardingFunction",
            "SyncFunction",
            "WebhookFunction")) {
      assertThat(simulator(function).allows(tableRequest("dynamodb:GetItem", "ORG#" + ORG)))
          .as(function)
          .isTrue();
    }
  }

  // ------------------------------------------------------------------------------ secrets

  /** Every kind of secret under the stack's prefix. */
  private static final Map<String, String> SECRETS = secrets();

  private static Map<String, String> secrets() {
    Map<String, String> kinds = new LinkedHashMap<>();
    for (String purpose : List.of("viewer", "operator", "manager", "sync", "webhook")) {
      kinds.put(purpose, secretArn(ORG + "/" + purpose));
    }
    for (String stack : List.of("fingerprint-key", "cursor-key", "audit-key")) {
      kinds.put("_stack/" + stack, secretArn("_stack/" + stack));
    }
    return kinds;
  }

  @Test
  void eachFunctionReadsExactlyTheSecretsItNeeds() {
    Map<String, Set<String>> readable = new TreeMap<>();
    for (String function :
        List.of(
            "ApiFunction",
            "McpFunction",
            "OnboardingFunction",
            "SyncFunction",
            "WebhookFunction")) {
      PolicySimulator role = simulator(function);
      readable.put(
          function,
          SECRETS.entrySet().stream()
              .filter(
                  e ->
                      role.allows(
                          new Request("secretsmanager:GetSecretValue", e.getValue(), Map.of())))
              .map(Map.Entry::getKey)
              .collect(Collectors.toCollection(TreeSet::new)));
    }
    assertThat(readable)
        .isEqualTo(
            Map.of(
                "ApiFunction",
                Set.of("viewer", "operator", "manager", "_stack/cursor-key", "_stack/audit-key"),
                "McpFunction",
                Set.of("viewer", "operator", "manager", "_stack/cursor-key", "_stack/audit-key"),
                "OnboardingFunction",
                Set.of("_stack/fingerprint-key", "_stack/audit-key"),
                "SyncFunction",
                Set.of("sync"),
                "WebhookFunction",
                Set.of("webhook", "sync")));
  }

  // ------------------------------------------------------------------------------ the key

  @Test
  void eachFunctionDecryptsOnlyItsOwnSecretsThroughSecretsManager() {
    Map<String, Set<String>> decryptable = new TreeMap<>();
    for (String function :
        List.of(
            "ApiFunction",
            "McpFunction",
            "OnboardingFunction",
            "SyncFunction",
            "WebhookFunction")) {
      decryptable.put(
          function,
          SECRETS.entrySet().stream()
              .filter(e -> keyUseAllowed(function, "kms:Decrypt", viaSecretsManager(e.getValue())))
              .map(Map.Entry::getKey)
              .collect(Collectors.toCollection(TreeSet::new)));
    }
    // Onboarding writes every org secret, so Secrets Manager may use the key for it under the
    // prefix; it reads only the fingerprint and audit keys back (GetSecretValue, above).
    assertThat(decryptable)
        .isEqualTo(
            Map.of(
                "ApiFunction",
                Set.of("viewer", "operator", "manager", "_stack/cursor-key", "_stack/audit-key"),
                "McpFunction",
                Set.of("viewer", "operator", "manager", "_stack/cursor-key", "_stack/audit-key"),
                "OnboardingFunction",
                Set.of(
                    "viewer",
                    "operator",
                    "manager",
                    "sync",
                    "webhook",
                    "_stack/fingerprint-key",
                    "_stack/cursor-key",
                    "_stack/audit-key"),
                "SyncFunction",
                Set.of("sync"),
                "WebhookFunction",
                Set.of("webhook", "sync")));
  }

  @Test
  void ourOwnContextDecryptsOnlyForEachFunctionsPurposes() {
    Map<String, Set<String>> purposes = new TreeMap<>();
    for (String function :
        List.of(
            "ApiFunction",
            "McpFunction",
            "OnboardingFunction",
            "SyncFunction",
            "WebhookFunction")) {
      purposes.put(
          function,
          Stream.of("viewer", "operator", "manager", "sync", "webhook")
              .filter(p -> keyUseAllowed(function, "kms:Decrypt", ourContext(p)))
              .collect(Collectors.toCollection(TreeSet::new)));
    }
    assertThat(purposes)
        .isEqualTo(
            Map.of(
                "ApiFunction", Set.of("viewer", "operator", "manager"),
                "McpFunction", Set.of("viewer", "operator", "manager"),
                "OnboardingFunction", Set.of(),
                "SyncFunction", Set.of("sync"),
                "WebhookFunction", Set.of("webhook", "sync")));
  }

  @Test
  void theAccountRootKeepsAdministrationButCannotUseTheKey() {
    // An administrator of the account, granted kms:* on every key in IAM: the key policy no longer
    // delegates use to IAM, so it cannot decrypt a Stripe key, with or without our context.
    String admin = "arn:aws:iam::" + PolicySimulator.ACCOUNT + ":role/Administrator";
    for (Map<String, List<String>> context :
        List.of(ourContext("manager"), Map.<String, List<String>>of())) {
      assertThat(
              keyPolicy.grantsTo(admin, withPrincipal(kmsRequest("kms:Decrypt", context), admin)))
          .as("decrypt with %s", context)
          .isFalse();
    }
    assertThat(
            keyPolicy.grantsTo(
                admin, withPrincipal(kmsRequest("kms:Encrypt", ourContext("sync")), admin)))
        .isFalse();
    // It can still administer (and so recover) the key.
    for (String action :
        List.of("kms:DescribeKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion")) {
      assertThat(keyPolicy.grantsTo(admin, withPrincipal(kmsRequest(action, Map.of()), admin)))
          .as(action)
          .isTrue();
    }
  }

  @Test
  void noUseOfTheKeyIsUnboundFromAnEncryptionContext() {
    for (String function :
        List.of(
            "ApiFunction",
            "McpFunction",
            "OnboardingFunction",
            "SyncFunction",
            "WebhookFunction")) {
      for (String action : List.of("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")) {
        assertThat(keyUseAllowed(function, action, Map.of())).as(function + " " + action).isFalse();
      }
    }
  }

  // ------------------------------------------------------------------------------ helpers

  private static Map<String, Set<String>> writableActions(String function) {
    PolicySimulator role = simulator(function);
    Map<String, Set<String>> writable = new TreeMap<>();
    PARTITIONS.forEach(
        (kind, pk) ->
            writable.put(
                kind,
                WRITES.stream()
                    .filter(action -> role.allows(tableRequest(action, pk)))
                    .collect(Collectors.toCollection(TreeSet::new))));
    return writable;
  }

  private static Request tableRequest(String action, String partitionKey) {
    return new Request(action, TABLE_ARN, Map.of("dynamodb:LeadingKeys", List.of(partitionKey)));
  }

  private static Map<String, List<String>> ourContext(String purpose) {
    return Map.of(
        "kms:EncryptionContext:app", List.of("agent-billy"),
        "kms:EncryptionContext:purpose", List.of(purpose),
        "kms:EncryptionContext:org", List.of(ORG));
  }

  private static Map<String, List<String>> viaSecretsManager(String secretArn) {
    return Map.of(
        "kms:ViaService", List.of("secretsmanager." + PolicySimulator.REGION + ".amazonaws.com"),
        "kms:EncryptionContext:SecretARN", List.of(secretArn),
        "kms:EncryptionContext:SecretVersionId", List.of("v1"));
  }

  private static Request kmsRequest(String action, Map<String, List<String>> context) {
    return new Request(action, KEY_ARN, context);
  }

  private static Request withPrincipal(Request request, String principal) {
    Map<String, List<String>> context = new HashMap<>(request.context());
    context.put("aws:PrincipalArn", List.of(principal));
    return new Request(request.action(), request.resource(), context);
  }

  /** KMS: the key policy must grant the role (here: through the root) and the role's IAM allow. */
  private static boolean keyUseAllowed(
      String function, String action, Map<String, List<String>> context) {
    String role =
        "arn:aws:iam::"
            + PolicySimulator.ACCOUNT
            + ":role/"
            + PolicySimulator.STACK
            + "-"
            + function
            + "Role-1Q2W3E4R5T6Y";
    Request request = withPrincipal(kmsRequest(action, context), role);
    return keyPolicy.grantsTo(role, request) && simulator(function).allows(request);
  }

  private static PolicySimulator simulator(String function) {
    List<Map<String, Object>> statements = new ArrayList<>();
    Object policies = template.properties(function).get("Policies");
    for (Object policy : (List<?>) policies) {
      statements.addAll(statementsOf(policy));
    }
    return new PolicySimulator(statements);
  }

  private static Object keyPolicyDocument() {
    return template.properties("KeysKmsKey").get("KeyPolicy");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> statementsOf(Object policy) {
    Object statements = ((Map<String, Object>) policy).get("Statement");
    return (List<Map<String, Object>>) statements;
  }
}
