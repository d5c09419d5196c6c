package com.agentbilly.local;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.agentbilly.adapter.aws.KmsSecretsManagerKeyVault;
import com.agentbilly.adapter.dynamodb.DynamoDbAuditLog;
import com.agentbilly.adapter.dynamodb.DynamoDbInvitationStore;
import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.config.KeyFingerprints;
import com.agentbilly.config.Settings;
import com.agentbilly.config.StackSecrets;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.audit.AuditActor;
import com.agentbilly.domain.audit.AuditEntry;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.domain.invitations.InvitationCode;
import com.agentbilly.port.AuditLog.Verification;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Key onboarding end to end (issue #3): the owner's requests go through the dev gateway to the
 * onboarding function, which probes the Stripe permission layer with the demo keys and stores into
 * moto. Each test works on a fresh org, so the tests share the stack without resetting it.
 *
 * <p>Besides the response, each test checks the side effects: what is in the table, in Secrets
 * Manager (and that KMS binds it to its org and purpose), in the audit chain, and — after every
 * refusal — that the refused key is nowhere: not in the response, the logs, the table or a secret.
 */
@WithLocalStack
class KeyOnboardingIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private static final String DEMO_ACCOUNT = "acct_1BillyDemo00000001";
  private static final String FOREIGN_ACCOUNT = "acct_1BillyOther00000002";

  private static final List<String> VIEWER_READS =
      List.of(
          "rak_customer_read",
          "rak_subscription_read",
          "rak_invoice_read",
          "rak_charge_read",
          "rak_product_read",
          "rak_coupon_read");
  private static final List<String> SYNC_READS =
      List.of(
          "rak_customer_read",
          "rak_subscription_read",
          "rak_invoice_read",
          "rak_charge_read",
          "rak_product_read",
          "rak_plan_read",
          "rak_refund_read",
          "rak_event_read",
          "rak_coupon_read");
  private static final List<String> CHECKED_WRITES =
      List.of(
          "rak_refund_write",
          "rak_subscription_write",
          "rak_customer_write",
          "rak_product_write",
          "rak_plan_write",
          "rak_charge_write",
          "rak_invoice_write",
          "rak_payout_write");
  private static final List<String> METADATA_FIELDS =
      List.of(
          "purpose",
          "livemode",
          "last4",
          "fingerprint",
          "verified_permissions",
          "connected_at",
          "connected_by");

  @RegisterExtension final CapturedLogs logs = new CapturedLogs();

  private static JsonNode demoKeys;
  private static Settings settings;
  private static SdkHttpClient http;
  private static DynamoDbClient dynamo;
  private static KmsClient kms;
  private static SecretsManagerClient secrets;
  private static SecretScan scan;
  private static DynamoDbOrgStore orgStore;
  private static DynamoDbAuditLog auditLog;
  private static DynamoDbInvitationStore invitationStore;
  private static KeyFingerprints fingerprints;

  private final LocalStack stack;
  private final ApiClient owner;

  KeyOnboardingIT(LocalStack stack) {
    this.stack = stack;
    this.owner = stack.api().as(LocalStack.OWNER);
  }

  @BeforeAll
  static void connectToTheStack(LocalStack stack) throws IOException {
    String keysFile = System.getenv("STRIPE_LAYER_KEYS");
    assertThat(keysFile).as("STRIPE_LAYER_KEYS (set by make test)").isNotBlank();
    demoKeys = JSON.readTree(Path.of(keysFile).toFile());
    settings = Settings.fromEnvironment();
    http = UrlConnectionHttpClient.create();
    dynamo = DynamoDbClient.builder().httpClient(http).build();
    kms = KmsClient.builder().httpClient(http).build();
    secrets = SecretsManagerClient.builder().httpClient(http).build();
    scan = new SecretScan(dynamo, secrets, stack.info().table());
    orgStore = new DynamoDbOrgStore(dynamo, stack.info().table());
    invitationStore = new DynamoDbInvitationStore(dynamo, stack.info().table());
    StackSecrets stackSecrets = new StackSecrets(() -> secrets, settings);
    auditLog =
        new DynamoDbAuditLog(
            dynamo, stack.info().table(), stackSecrets.auditKey(), Clock.systemUTC());
    fingerprints = new KeyFingerprints(stackSecrets::fingerprintKey);
  }

  @AfterAll
  static void closeClients() {
    secrets.close();
    kms.close();
    dynamo.close();
    http.close();
  }

  // ------------------------------------------------------------------ connecting

  @Test
  void connectsTheViewerKeyAndShowsOnlyItsMetadata() {
    String org = newOrg("test");
    String key = demoKey("viewer");
    Instant before = Instant.now();

    ApiResponse connected = connect(org, "viewer", key);

    assertThat(connected.status()).as(connected.body()).isEqualTo(200);
    JsonNode metadata = connected.json();
    assertThat(fieldNames(metadata)).containsExactlyElementsOf(METADATA_FIELDS);
    assertThat(metadata.get("purpose").asText()).isEqualTo("viewer");
    assertThat(metadata.get("livemode").isBoolean()).isTrue();
    assertThat(metadata.get("livemode").booleanValue()).isFalse();
    assertThat(metadata.get("last4").asText()).isEqualTo(last4(key));
    assertThat(metadata.get("fingerprint").asText())
        .matches("fp_[0-9a-f]{32}")
        .isEqualTo(fingerprints.fingerprint(key));
    assertThat(strings(metadata.get("verified_permissions"))).isEqualTo(VIEWER_READS);
    assertThat(Instant.parse(metadata.get("connected_at").asText()))
        .isBetween(before, Instant.now());
    assertThat(metadata.get("connected_by").asText()).isEqualTo(LocalStack.OWNER);
    assertThat(connected.body()).doesNotContain(key);

    ApiResponse listed = owner.get("/orgs/" + org + "/keys");
    assertThat(listed.status()).as(listed.body()).isEqualTo(200);
    assertThat(listed.json()).isEqualTo(JSON.createObjectNode().set("data", array(metadata)));

    JsonNode described = owner.get("/orgs/" + org).json();
    assertThat(described.get("stripe_account").asText()).isEqualTo(DEMO_ACCOUNT);
    assertThat(described.at("/keys/viewer")).isEqualTo(metadata);
    assertThat(described.at("/keys/sync").isNull()).isTrue();
    assertThat(described.at("/keys/manager").isNull()).isTrue();

    assertThat(storedKeyMetadataItem(org, "viewer"))
        .containsEntry("last4", AttributeValue.fromS(last4(key)))
        .containsEntry("fingerprint", AttributeValue.fromS(fingerprints.fingerprint(key)))
        .containsEntry("livemode", AttributeValue.fromBool(false));
    assertThat(scan.find(key)).isEmpty();
    assertThat(logs.text()).doesNotContain(key);
    assertThat(logs.jsonLinesWithMessage("request"))
        .filteredOn(line -> line.get("route").asText().equals("PUT /orgs/{org}/keys/{purpose}"))
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.get("org").asText()).isEqualTo(org);
              assertThat(line.get("role").asText()).isEqualTo("owner");
              assertThat(line.get("status").asInt()).isEqualTo(200);
              assertThat(line.get("Outcome").asText()).isEqualTo("ok");
              assertThat(line.get("Function").asText()).isEqualTo("onboarding");
              assertThat(line.at("/_aws/CloudWatchMetrics/0/Namespace").asText())
                  .isEqualTo("AgentBilly");
            });
  }

  @Test
  void storesTheKeyOnlyAsCiphertextBoundToItsOrgAndPurpose() {
    String org = newOrg("test");
    String otherOrg = newOrg("test");
    String key = demoKey("viewer");

    assertThat(connect(org, "viewer", key).status()).isEqualTo(200);

    SdkBytes stored = storedCiphertext(org, SecretPurpose.VIEWER);
    assertThat(stored.asByteArray()).isNotEqualTo(key.getBytes(UTF_8));
    assertThat(new String(stored.asByteArray(), ISO_8859_1)).doesNotContain(key);
    assertThat(new String(stored.asByteArray(), UTF_8)).doesNotContain(key);
    assertThat(secrets.getSecretValue(r -> r.secretId(secretName(org, "viewer"))).secretString())
        .isNull();

    assertThat(decrypt(stored, context(org, SecretPurpose.VIEWER))).isEqualTo(key);
    for (Map<String, String> wrong :
        List.of(
            context(otherOrg, SecretPurpose.VIEWER),
            context(org, SecretPurpose.SYNC),
            context(org, SecretPurpose.MANAGER),
            context(org, SecretPurpose.WEBHOOK),
            Map.of("org", org, "purpose", "viewer", "app", "another-app"),
            Map.of("org", org, "purpose", "viewer"),
            Map.<String, String>of())) {
      assertThatThrownBy(() -> decrypt(stored, wrong))
          .as("decrypting with %s", wrong)
          .isInstanceOf(InvalidCiphertextException.class);
    }
  }

  @Test
  void connectingAKeyIsAuditedAndTheChainVerifies() {
    String org = newOrg("test");
    String key = demoKey("viewer");

    assertThat(connect(org, "viewer", key).status()).isEqualTo(200);

    List<AuditEntry> entries = audit(org);
    assertThat(entries)
        .extracting(e -> e.event().action())
        .containsExactly("org.created", "key.connected");
    AuditEvent connected = entries.get(1).event();
    assertThat(connected.actor()).isEqualTo(new AuditActor(ownerSub(), LocalStack.OWNER, "owner"));
    assertThat(connected.target()).isEqualTo("key:viewer");
    assertThat(connected.outcome()).isEqualTo(AuditOutcome.SUCCESS);
    assertThat(connected.keyPurpose()).isEqualTo("viewer");
    assertThat(connected.details())
        .isEqualTo(Map.of("last4", last4(key), "fingerprint", fingerprints.fingerprint(key)));
    assertThat(auditLog.verify(new OrgId(org))).isEqualTo(new Verification(true, 2, null));
  }

  @Test
  void connectsTheSyncAndManagerKeysWithTheirOwnPermissions() {
    String org = newOrg("test");

    ApiResponse viewer = connect(org, "viewer", demoKey("viewer"));
    ApiResponse sync = connect(org, "sync", demoKey("sync"));
    ApiResponse manager = connect(org, "manager", demoKey("manager"));

    assertThat(viewer.status()).as(viewer.body()).isEqualTo(200);
    assertThat(sync.status()).as(sync.body()).isEqualTo(200);
    assertThat(manager.status()).as(manager.body()).isEqualTo(200);
    assertThat(strings(sync.json().get("verified_permissions"))).isEqualTo(SYNC_READS);
    assertThat(strings(manager.json().get("verified_permissions")))
        .containsExactly(
            "rak_charge_read", "rak_coupon_read", "rak_refund_write", "rak_subscription_write");
    assertThat(manager.json().get("last4").asText()).isEqualTo(last4(demoKey("manager")));

    JsonNode listed = owner.get("/orgs/" + org + "/keys").json().get("data");
    assertThat(listed).containsExactlyInAnyOrder(viewer.json(), sync.json(), manager.json());
    JsonNode keys = owner.get("/orgs/" + org).json().get("keys");
    assertThat(keys.get("viewer")).isEqualTo(viewer.json());
    assertThat(keys.get("sync")).isEqualTo(sync.json());
    assertThat(keys.get("manager")).isEqualTo(manager.json());
    for (String purpose : List.of("viewer", "sync", "manager")) {
      SecretPurpose secretPurpose = SecretPurpose.valueOf(purpose.toUpperCase(Locale.ROOT));
      assertThat(decrypt(storedCiphertext(org, secretPurpose), context(org, secretPurpose)))
          .isEqualTo(demoKey(purpose));
    }
    assertThat(actions(org))
        .containsExactly("org.created", "key.connected", "key.connected", "key.connected");
    assertThat(auditLog.verify(new OrgId(org))).isEqualTo(new Verification(true, 4, null));
  }

  @Test
  void aPastedKeyWithWhitespaceAroundItIsStoredTrimmed() {
    String org = newOrg("test");
    String key = demoKey("viewer");

    ApiResponse connected = connect(org, "viewer", " \t" + key + " \n");

    assertThat(connected.status()).as(connected.body()).isEqualTo(200);
    assertThat(connected.json().get("last4").asText()).isEqualTo(last4(key));
    assertThat(connected.json().get("fingerprint").asText())
        .isEqualTo(fingerprints.fingerprint(key));
    assertThat(strings(connected.json().get("verified_permissions"))).isEqualTo(VIEWER_READS);
    assertThat(
            decrypt(
                storedCiphertext(org, SecretPurpose.VIEWER), context(org, SecretPurpose.VIEWER)))
        .isEqualTo(key);
  }

  // ------------------------------------------------------------------ refusals

  static Stream<Arguments> refusedKeys() {
    return Stream.of(
        arguments("a live secret key", "sk_live_" + random(32), "secret_key_rejected"),
        arguments("a test secret key", "sk_test_" + random(32), "secret_key_rejected"),
        arguments("a publishable key", "pk_test_" + random(32), "invalid_key_format"),
        arguments("10 KB of garbage", garbage(10 * 1024), "invalid_key_format"),
        arguments("unicode", "rk_test_ключ_" + random(16) + "_€🔑", "invalid_key_format"),
        arguments("an rk_prod_ key", "rk_prod_" + random(32), "invalid_key_format"),
        arguments("a live restricted key", "rk_live_" + random(32), "key_mode_mismatch"),
        arguments("a restricted key Stripe does not know", "rk_test_" + random(32), "key_invalid"));
  }

  @ParameterizedTest(name = "{0} is refused with {2}")
  @MethodSource("refusedKeys")
  void refusesTheKeyAndLeavesNoTraceOfIt(String what, String key, String code) {
    String org = newOrg("test");

    ApiResponse refused = connect(org, "viewer", key);

    JsonNode error = assertRefused(refused, code);
    assertThat(fieldNames(error)).containsExactly("code", "message");
    assertNothingConnected(org);
    assertRejectionAudited(org, Map.of("reason", code));
    assertAppearsNowhere(key, refused);
  }

  @Test
  void aSecretKeyRefusalExplainsHowToMakeARestrictedKey() {
    String org = newOrg("test");

    ApiResponse refused = connect(org, "sync", "sk_test_" + random(32));

    JsonNode error = assertRefused(refused, "secret_key_rejected");
    assertThat(error.get("message").asText())
        .contains("never accepts a secret key")
        .contains("Create restricted key")
        .contains("GET /key-requirements");
  }

  @Test
  void refusesAnEmptyOrBlankKeyAsInvalidFormat() {
    String org = newOrg("test");

    for (String blank : List.of("", "   ", "\n\t")) {
      ApiResponse refused = connect(org, "viewer", blank);

      JsonNode error = assertRefused(refused, "invalid_key_format");
      assertThat(fieldNames(error)).containsExactly("code", "message");
    }
    assertNothingConnected(org);
    assertThat(actions(org))
        .containsExactly("org.created", "key.rejected", "key.rejected", "key.rejected");
  }

  @Test
  void refusesATestKeyForALiveOrg() {
    String org = newOrg("live");
    String key = demoKey("viewer");

    ApiResponse refused = connect(org, "viewer", key);

    JsonNode error = assertRefused(refused, "key_mode_mismatch");
    assertThat(fieldNames(error)).containsExactly("code", "message");
    assertThat(error.get("message").asText()).contains("rk_live_");
    assertNothingConnected(org);
    assertRejectionAudited(org, Map.of("reason", "key_mode_mismatch"));
    assertAppearsNowhere(key, refused);
  }

  @Test
  void refusesTheOverscopedKeyAsViewerNamingEveryWritePermission() {
    String org = newOrg("test");
    String key = demoKey("overscoped");

    ApiResponse refused = connect(org, "viewer", key);

    JsonNode error = assertRefused(refused, "excess_permissions");
    assertThat(fieldNames(error)).containsExactly("code", "message", "excess");
    assertThat(strings(error.get("excess"))).isEqualTo(CHECKED_WRITES);
    assertNothingConnected(org);
    assertRejectionAudited(org, Map.of("reason", "excess_permissions", "excess", CHECKED_WRITES));
    assertAppearsNowhere(key, refused);
  }

  @Test
  void refusesTheManagerKeyAsViewerNamingBothItsExcessAndWhatItLacks() {
    String org = newOrg("test");
    String key = demoKey("manager");
    List<String> excess = List.of("rak_refund_write", "rak_subscription_write");
    List<String> missing = List.of("rak_customer_read", "rak_invoice_read", "rak_product_read");

    ApiResponse refused = connect(org, "viewer", key);

    JsonNode error = assertRefused(refused, "excess_permissions");
    assertThat(fieldNames(error)).containsExactly("code", "message", "excess", "missing");
    assertThat(strings(error.get("excess"))).isEqualTo(excess);
    assertThat(strings(error.get("missing"))).isEqualTo(missing);
    assertNothingConnected(org);
    assertRejectionAudited(
        org, Map.of("reason", "excess_permissions", "excess", excess, "missing", missing));
    assertAppearsNowhere(key, refused);
  }

  @Test
  void refusesTheUnderscopedKeyAsViewerNamingTheMissingChargeRead() {
    String org = newOrg("test");
    String key = demoKey("underscoped");

    ApiResponse refused = connect(org, "viewer", key);

    JsonNode error = assertRefused(refused, "missing_permissions");
    assertThat(fieldNames(error)).containsExactly("code", "message", "missing");
    assertThat(strings(error.get("missing"))).containsExactly("rak_charge_read");
    assertNothingConnected(org);
    assertRejectionAudited(
        org, Map.of("reason", "missing_permissions", "missing", List.of("rak_charge_read")));
    assertAppearsNowhere(key, refused);
  }

  @Test
  void refusesAKeyOfAnotherStripeAccountThanTheFirstKeys() {
    String org = newOrg("test");
    String viewerKey = demoKey("viewer");
    ApiResponse first = connect(org, "viewer", viewerKey);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    String foreignKey = demoKey("foreign");

    ApiResponse refused = connect(org, "viewer", foreignKey);

    JsonNode error = assertRefused(refused, "key_account_mismatch");
    assertThat(fieldNames(error)).containsExactly("code", "message");
    JsonNode described = owner.get("/orgs/" + org).json();
    assertThat(described.get("stripe_account").asText()).isEqualTo(DEMO_ACCOUNT);
    assertThat(described.at("/keys/viewer")).isEqualTo(first.json());
    assertThat(
            decrypt(
                storedCiphertext(org, SecretPurpose.VIEWER), context(org, SecretPurpose.VIEWER)))
        .isEqualTo(viewerKey);
    assertThat(actions(org)).containsExactly("org.created", "key.connected", "key.rejected");
    assertThat(audit(org).getLast().event().details())
        .isEqualTo(Map.of("reason", "key_account_mismatch"));
    assertAppearsNowhere(foreignKey, refused);
  }

  @Test
  void theFirstKeyDecidesTheAccountEvenWhenItIsTheForeignOne() {
    String org = newOrg("test");

    ApiResponse first = connect(org, "viewer", demoKey("foreign"));
    ApiResponse second = connect(org, "sync", demoKey("sync"));

    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(owner.get("/orgs/" + org).json().get("stripe_account").asText())
        .isEqualTo(FOREIGN_ACCOUNT);
    assertRefused(second, "key_account_mismatch");
  }

  @Test
  void aMissingKeyFieldIsAValidationFailureNotAKeyRefusal() {
    String org = newOrg("test");

    for (String body : List.of("{}", "{\"key\": null}")) {
      ApiResponse response = owner.put("/orgs/" + org + "/keys/viewer", body);

      assertThat(response.status()).as(response.body()).isEqualTo(422);
      assertThat(response.json().at("/error/code").asText()).isEqualTo("validation_failed");
      assertThat(response.json().at("/error/fields"))
          .isEqualTo(JSON.createObjectNode().put("key", "is required"));
    }
    ApiResponse notAString = owner.put("/orgs/" + org + "/keys/viewer", "{\"key\": 42}");
    assertThat(notAString.status()).isEqualTo(400);
    assertThat(notAString.json().at("/error/code").asText()).isEqualTo("invalid_request");
    ApiResponse unknownField =
        owner.put("/orgs/" + org + "/keys/viewer", Map.of("key", demoKey("viewer"), "label", "x"));
    assertThat(unknownField.status()).isEqualTo(422);
    assertThat(unknownField.json().at("/error/fields"))
        .isEqualTo(JSON.createObjectNode().put("label", "is not a known field"));
    assertNothingConnected(org);
    assertThat(actions(org)).containsExactly("org.created");
  }

  @Test
  void aStripeOutageWhileProbingIsStripeUnavailableAndStoresNothing() throws Exception {
    String org = newOrg("test");
    String key = demoKey("viewer");
    String probedPath = "/v1/payouts/po_agent_billy_probe_missing";
    HttpResponse<String> armed =
        layer(
            "POST",
            "/_layer/faults",
            JSON.writeValueAsString(
                Map.of(
                    "status", 500, "count", 1, "path_prefix", probedPath, "should_retry", false)));
    assertThat(armed.statusCode()).as(armed.body()).isEqualTo(200);

    ApiResponse response = connect(org, "viewer", key);

    assertThat(response.status()).as(response.body()).isEqualTo(502);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("stripe_unavailable");
    assertThat(fieldNames(response.json().get("error"))).containsExactly("code", "message");
    assertThat(JSON.readTree(layer("GET", "/_layer/faults", null).body()).get("faults"))
        .noneMatch(fault -> fault.path("path_prefix").asText().equals(probedPath));
    assertNothingConnected(org);
    assertThat(actions(org)).containsExactly("org.created");
    assertAppearsNowhere(key, response);
  }

  // ------------------------------------------------------------------ rotation and revocation

  @Test
  void connectingAgainRotatesTheKeyToANewSecretVersion() {
    String org = newOrg("test");
    String key = demoKey("viewer");
    ApiResponse first = connect(org, "viewer", key);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    String firstVersion = currentVersion(org, "viewer");

    ApiResponse rotated = connect(org, "viewer", key);

    assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
    assertThat(Instant.parse(rotated.json().get("connected_at").asText()))
        .isAfter(Instant.parse(first.json().get("connected_at").asText()));
    assertThat(rotated.json().get("fingerprint")).isEqualTo(first.json().get("fingerprint"));
    String secondVersion = currentVersion(org, "viewer");
    assertThat(secondVersion).isNotEqualTo(firstVersion);
    assertThat(describeSecret(org, "viewer").versionIdsToStages())
        .containsEntry(firstVersion, List.of("AWSPREVIOUS"))
        .containsEntry(secondVersion, List.of("AWSCURRENT"));
    assertThat(
            decrypt(
                storedCiphertext(org, SecretPurpose.VIEWER), context(org, SecretPurpose.VIEWER)))
        .isEqualTo(key);
    assertThat(owner.get("/orgs/" + org + "/keys").json().get("data"))
        .containsExactly(rotated.json());
    assertThat(actions(org)).containsExactly("org.created", "key.connected", "key.rotated");
    assertThat(audit(org).getLast().event().details())
        .isEqualTo(Map.of("last4", last4(key), "fingerprint", fingerprints.fingerprint(key)));
    assertThat(auditLog.verify(new OrgId(org))).isEqualTo(new Verification(true, 3, null));
  }

  @Test
  void rotationUnderConcurrentReadsNeverYieldsAMissingKey() throws Exception {
    String org = newOrg("test");
    String key = demoKey("viewer");
    assertThat(connect(org, "viewer", key).status()).isEqualTo(200);
    KmsSecretsManagerKeyVault apiVault =
        new KmsSecretsManagerKeyVault(
            () -> kms,
            () -> secrets,
            settings.kmsKeyId(),
            settings.secretPrefix(),
            Set.of(SecretPurpose.VIEWER),
            false,
            Clock.systemUTC(),
            Duration.ZERO);
    int readers = 4;
    int rotations = 5;
    AtomicBoolean rotating = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch started = new CountDownLatch(readers);
    List<Integer> rotationStatuses = new ArrayList<>();
    List<Integer> readsDuringRotations = new ArrayList<>();

    try (ExecutorService pool = Executors.newFixedThreadPool(readers)) {
      for (int r = 0; r < readers; r++) {
        pool.submit(
            () -> {
              started.countDown();
              while (rotating.get()) {
                try {
                  Optional<String> read = apiVault.get(new OrgId(org), SecretPurpose.VIEWER);
                  if (!read.equals(Optional.of(key))) {
                    wrong.add(read.map(value -> "another key").orElse("no key"));
                  }
                  reads.incrementAndGet();
                } catch (RuntimeException e) {
                  failures.add(e);
                }
              }
            });
      }
      started.await();
      for (int i = 0; i < rotations; i++) {
        int readsBefore = reads.get();
        rotationStatuses.add(connect(org, "viewer", key).status());
        readsDuringRotations.add(reads.get() - readsBefore);
      }
      rotating.set(false);
    }

    assertThat(rotationStatuses).containsOnly(200).hasSize(rotations);
    assertThat(readsDuringRotations).allMatch(count -> count > 0);
    assertThat(failures).isEmpty();
    assertThat(wrong).isEmpty();
    assertThat(describeSecret(org, "viewer").versionIdsToStages().values())
        .contains(List.of("AWSCURRENT"));
    assertThat(actions(org)).filteredOn("key.rotated"::equals).hasSize(rotations);
  }

  @Test
  void revokingDeletesTheSecretAndMetadataAndThePurposeCanBeConnectedAgainAtOnce() {
    String org = newOrg("test");
    String key = demoKey("viewer");
    assertThat(connect(org, "viewer", key).status()).isEqualTo(200);

    ApiResponse revoked = owner.delete("/orgs/" + org + "/keys/viewer");

    assertThat(revoked.status()).as(revoked.body()).isEqualTo(204);
    assertThat(revoked.body()).isEmpty();
    assertThatThrownBy(() -> describeSecret(org, "viewer"))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(scan.secretNames()).doesNotContain(secretName(org, "viewer"));
    assertNoKeyStored(org);
    assertThat(owner.get("/orgs/" + org).json().get("stripe_account").asText())
        .isEqualTo(DEMO_ACCOUNT);
    assertThat(actions(org)).containsExactly("org.created", "key.connected", "key.revoked");
    AuditEvent revocation = audit(org).getLast().event();
    assertThat(revocation.keyPurpose()).isEqualTo("viewer");
    assertThat(revocation.details())
        .isEqualTo(Map.of("last4", last4(key), "fingerprint", fingerprints.fingerprint(key)));

    ApiResponse reconnected = connect(org, "viewer", key);

    assertThat(reconnected.status()).as(reconnected.body()).isEqualTo(200);
    assertThat(
            decrypt(
                storedCiphertext(org, SecretPurpose.VIEWER), context(org, SecretPurpose.VIEWER)))
        .isEqualTo(key);
    assertThat(actions(org).getLast()).isEqualTo("key.connected");

    assertThat(owner.delete("/orgs/" + org + "/keys/viewer").status()).isEqualTo(204);
    ApiResponse again = owner.delete("/orgs/" + org + "/keys/viewer");
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.json().at("/error/code").asText()).isEqualTo("not_found");
    assertThat(actions(org))
        .containsExactly(
            "org.created", "key.connected", "key.revoked", "key.connected", "key.revoked");
    assertThat(auditLog.verify(new OrgId(org))).isEqualTo(new Verification(true, 5, null));
  }

  // ------------------------------------------------------------------ webhook secret

  @Test
  void storesTheWebhookSecretAndAnswersTheUrlToRegister() {
    String org = newOrg("test");
    String secret = "whsec_" + random(32);

    ApiResponse set = owner.put("/orgs/" + org + "/webhook-secret", Map.of("secret", secret));

    assertThat(set.status()).as(set.body()).isEqualTo(200);
    String url = webhookBaseUrl() + "/orgs/" + org;
    assertThat(set.json())
        .isEqualTo(JSON.createObjectNode().put("configured", true).put("url", url));
    JsonNode webhook = owner.get("/orgs/" + org).json().get("webhook");
    assertThat(webhook).isEqualTo(JSON.createObjectNode().put("configured", true).put("url", url));
    assertThat(
            decrypt(
                storedCiphertext(org, SecretPurpose.WEBHOOK), context(org, SecretPurpose.WEBHOOK)))
        .isEqualTo(secret);
    assertThat(scan.find(secret)).isEmpty();
    assertThat(logs.text()).doesNotContain(secret);
    assertThat(actions(org)).containsExactly("org.created", "webhook_secret.set");
    assertThat(audit(org).getLast().event().details()).isEmpty();
  }

  @Test
  void refusesAMalformedWebhookSecretWithoutStoringIt() {
    String org = newOrg("test");
    String malformed = "wh_" + random(32);

    ApiResponse refused =
        owner.put("/orgs/" + org + "/webhook-secret", Map.of("secret", malformed));
    ApiResponse missing = owner.put("/orgs/" + org + "/webhook-secret", "{}");

    JsonNode error = assertRefused(refused, "invalid_webhook_secret");
    assertThat(fieldNames(error)).containsExactly("code", "message");
    assertThat(missing.status()).as(missing.body()).isEqualTo(422);
    assertThat(missing.json().at("/error/code").asText()).isEqualTo("validation_failed");
    assertThat(missing.json().at("/error/fields"))
        .isEqualTo(JSON.createObjectNode().put("secret", "is required"));
    assertThat(owner.get("/orgs/" + org).json().at("/webhook/configured").booleanValue()).isFalse();
    assertThat(scan.secretNames()).doesNotContain(secretName(org, "webhook"));
    assertThat(actions(org)).containsExactly("org.created");
    assertAppearsNowhere(malformed, refused);
  }

  // ------------------------------------------------------------------ who may do what

  @Test
  void managersAndViewersAreForbiddenToChangeKeysAndTheDenialIsAudited() {
    String org = newOrg("test");
    assertThat(connect(org, "viewer", demoKey("viewer")).status()).isEqualTo(200);
    addMember(org, LocalStack.MANAGER, Role.MANAGER);
    addMember(org, LocalStack.VIEWER, Role.VIEWER);

    for (String member : List.of(LocalStack.MANAGER, LocalStack.VIEWER)) {
      ApiClient api = stack.api().as(member);
      assertForbidden(api.put("/orgs/" + org + "/keys/sync", Map.of("key", demoKey("sync"))));
      assertForbidden(api.delete("/orgs/" + org + "/keys/viewer"));
      assertForbidden(
          api.put("/orgs/" + org + "/webhook-secret", Map.of("secret", "whsec_" + random(32))));
      assertForbidden(api.delete("/orgs/" + org));

      ApiResponse listed = api.get("/orgs/" + org + "/keys");
      assertThat(listed.status()).as(listed.body()).isEqualTo(200);
      assertThat(listed.json().get("data"))
          .extracting(k -> k.get("purpose").asText())
          .containsExactly("viewer");
    }

    List<AuditEntry> denied =
        audit(org).stream().filter(e -> e.event().action().equals("access.denied")).toList();
    assertThat(denied)
        .extracting(e -> e.event().actor())
        .containsExactly(
            member(LocalStack.MANAGER, "manager"),
            member(LocalStack.MANAGER, "manager"),
            member(LocalStack.MANAGER, "manager"),
            member(LocalStack.MANAGER, "manager"),
            member(LocalStack.VIEWER, "viewer"),
            member(LocalStack.VIEWER, "viewer"),
            member(LocalStack.VIEWER, "viewer"),
            member(LocalStack.VIEWER, "viewer"));
    assertThat(denied)
        .extracting(e -> e.event().target())
        .containsExactly(
            "PUT /orgs/{org}/keys/{purpose}",
            "DELETE /orgs/{org}/keys/{purpose}",
            "PUT /orgs/{org}/webhook-secret",
            "DELETE /orgs/{org}",
            "PUT /orgs/{org}/keys/{purpose}",
            "DELETE /orgs/{org}/keys/{purpose}",
            "PUT /orgs/{org}/webhook-secret",
            "DELETE /orgs/{org}");
    assertThat(denied).extracting(e -> e.event().outcome()).containsOnly(AuditOutcome.DENIED);
    assertThat(owner.get("/orgs/" + org + "/keys").json().get("data"))
        .extracting(k -> k.get("purpose").asText())
        .containsExactly("viewer");
    assertThat(scan.secretNames())
        .doesNotContain(secretName(org, "sync"), secretName(org, "webhook"))
        .contains(secretName(org, "viewer"));
    assertThat(auditLog.verify(new OrgId(org))).isEqualTo(new Verification(true, 10, null));
  }

  @Test
  void aNonMemberFindsNoKeyRouteOfTheOrg() {
    String org = newOrg("test");
    assertThat(connect(org, "viewer", demoKey("viewer")).status()).isEqualTo(200);
    ApiClient outsider = stack.api().as(LocalStack.OUTSIDER);

    for (ApiResponse response :
        List.of(
            outsider.get("/orgs/" + org + "/keys"),
            outsider.put("/orgs/" + org + "/keys/viewer", Map.of("key", demoKey("viewer"))),
            outsider.put("/orgs/" + org + "/keys/nonsense", Map.of("key", demoKey("viewer"))),
            outsider.delete("/orgs/" + org + "/keys/viewer"),
            outsider.put(
                "/orgs/" + org + "/webhook-secret", Map.of("secret", "whsec_" + random(32))),
            outsider.delete("/orgs/" + org))) {
      assertThat(response.status()).as(response.body()).isEqualTo(404);
      assertThat(response.json().at("/error/code").asText()).isEqualTo("not_found");
    }
    assertThat(actions(org)).containsExactly("org.created", "key.connected");
    assertThat(owner.get("/orgs/" + org + "/keys").json().get("data")).hasSize(1);
  }

  @Test
  void anUnknownPurposeIsNotFound() {
    String org = newOrg("test");

    for (ApiResponse response :
        List.of(
            owner.put("/orgs/" + org + "/keys/webhook", Map.of("key", demoKey("viewer"))),
            owner.put("/orgs/" + org + "/keys/admin", Map.of("key", demoKey("viewer"))),
            owner.put("/orgs/" + org + "/keys/VIEWER", Map.of("key", demoKey("viewer"))),
            owner.delete("/orgs/" + org + "/keys/admin"),
            owner.delete("/orgs/" + org + "/keys/webhook"))) {
      assertThat(response.status()).as(response.body()).isEqualTo(404);
      assertThat(response.json().at("/error/code").asText()).isEqualTo("not_found");
    }
    assertNothingConnected(org);
    assertThat(actions(org)).containsExactly("org.created");
  }

  // ------------------------------------------------------------------ deleting the org

  @Test
  void deletingTheOrgRemovesEveryItemAndSecretOfIt() {
    String org = newOrg("test");
    String other = newOrg("test");
    assertThat(connect(org, "viewer", demoKey("viewer")).status()).isEqualTo(200);
    assertThat(connect(org, "manager", demoKey("manager")).status()).isEqualTo(200);
    assertThat(connect(other, "viewer", demoKey("viewer")).status()).isEqualTo(200);
    assertThat(
            owner
                .put("/orgs/" + org + "/webhook-secret", Map.of("secret", "whsec_" + random(32)))
                .status())
        .isEqualTo(200);
    addMember(org, LocalStack.VIEWER, Role.VIEWER);
    String openCode = invite(org, "someone@example.test", "viewer");
    String usedCode = invite(org, LocalStack.MANAGER, "manager");
    ApiResponse accepted =
        stack.api().as(LocalStack.MANAGER).post("/invitations/accept", Map.of("code", usedCode));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
    assertThat(invitationStore.findByCodeHash(InvitationCode.presented(openCode).hash()))
        .isPresent();
    assertThat(itemsOf(org)).isNotEmpty();

    ApiResponse deleted = owner.delete("/orgs/" + org);

    assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
    assertThat(itemsOf(org)).isEmpty();
    assertThat(scan.find(org)).as("any item or secret that names the org").isEmpty();
    assertThat(invitationStore.findByCodeHash(InvitationCode.presented(openCode).hash())).isEmpty();
    assertThat(
            stack
                .api()
                .as(LocalStack.MANAGER)
                .post("/invitations/accept", Map.of("code", openCode))
                .status())
        .isEqualTo(404);
    assertThat(scan.secretNames())
        .noneMatch(name -> name.startsWith(settings.secretPrefix() + org));
    for (String user : List.of(LocalStack.OWNER, LocalStack.VIEWER, LocalStack.MANAGER)) {
      JsonNode memberships = stack.api().as(user).get("/me").json().get("memberships");
      assertThat(memberships.findValuesAsText("org_id")).doesNotContain(org);
    }
    assertThat(owner.get("/orgs/" + org).status()).isEqualTo(404);
    assertThat(owner.get("/orgs/" + org + "/keys").status()).isEqualTo(404);
    assertThat(owner.get("/orgs/" + other + "/keys").json().get("data")).hasSize(1);
    assertThat(scan.secretNames()).contains(secretName(other, "viewer"));
    assertThat(auditLog.verify(new OrgId(other))).isEqualTo(new Verification(true, 2, null));
  }

  // ------------------------------------------------------------------ requirements

  @Test
  void publishesTheRequirementsOfEachPurpose() throws IOException {
    ApiResponse response = stack.api().as(LocalStack.OUTSIDER).get("/key-requirements");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json())
        .isEqualTo(
            JSON.readTree(
                """
                {
                  "sync": {
                    "read": [
                      {"slug": "rak_customer_read", "label": "Customers: Read"},
                      {"slug": "rak_subscription_read", "label": "Subscriptions: Read"},
                      {"slug": "rak_invoice_read", "label": "Invoices: Read"},
                      {"slug": "rak_charge_read", "label": "Charges: Read"},
                      {"slug": "rak_product_read", "label": "Products: Read"},
                      {"slug": "rak_plan_read", "label": "Prices: Read"},
                      {"slug": "rak_refund_read", "label": "Refunds: Read"},
                      {"slug": "rak_event_read", "label": "Events: Read"},
                      {"slug": "rak_coupon_read", "label": "Coupons: Read"}
                    ],
                    "write": [],
                    "forbidden_write": [
                      {"slug": "rak_refund_write", "label": "Refunds: Write"},
                      {"slug": "rak_subscription_write", "label": "Subscriptions: Write"},
                      {"slug": "rak_customer_write", "label": "Customers: Write"},
                      {"slug": "rak_product_write", "label": "Products: Write"},
                      {"slug": "rak_plan_write", "label": "Prices: Write"},
                      {"slug": "rak_charge_write", "label": "Charges: Write"},
                      {"slug": "rak_invoice_write", "label": "Invoices: Write"},
                      {"slug": "rak_payout_write", "label": "Payouts: Write"}
                    ]
                  },
                  "manager": {
                    "read": [
                      {"slug": "rak_charge_read", "label": "Charges: Read"},
                      {"slug": "rak_coupon_read", "label": "Coupons: Read"}
                    ],
                    "write": [
                      {"slug": "rak_refund_write", "label": "Refunds: Write"},
                      {"slug": "rak_subscription_write", "label": "Subscriptions: Write"}
                    ],
                    "forbidden_write": [
                      {"slug": "rak_customer_write", "label": "Customers: Write"},
                      {"slug": "rak_product_write", "label": "Products: Write"},
                      {"slug": "rak_plan_write", "label": "Prices: Write"},
                      {"slug": "rak_charge_write", "label": "Charges: Write"},
                      {"slug": "rak_invoice_write", "label": "Invoices: Write"},
                      {"slug": "rak_payout_write", "label": "Payouts: Write"}
                    ]
                  },
                  "operator": {
                    "read": [
                      {"slug": "rak_coupon_read", "label": "Coupons: Read"}
                    ],
                    "write": [
                      {"slug": "rak_subscription_write", "label": "Subscriptions: Write"}
                    ],
                    "forbidden_write": [
                      {"slug": "rak_refund_write", "label": "Refunds: Write"},
                      {"slug": "rak_customer_write", "label": "Customers: Write"},
                      {"slug": "rak_product_write", "label": "Products: Write"},
                      {"slug": "rak_plan_write", "label": "Prices: Write"},
                      {"slug": "rak_charge_write", "label": "Charges: Write"},
                      {"slug": "rak_invoice_write", "label": "Invoices: Write"},
                      {"slug": "rak_payout_write", "label": "Payouts: Write"}
                    ]
                  },
                  "viewer": {
                    "read": [
                      {"slug": "rak_customer_read", "label": "Customers: Read"},
                      {"slug": "rak_subscription_read", "label": "Subscriptions: Read"},
                      {"slug": "rak_invoice_read", "label": "Invoices: Read"},
                      {"slug": "rak_charge_read", "label": "Charges: Read"},
                      {"slug": "rak_product_read", "label": "Products: Read"},
                      {"slug": "rak_coupon_read", "label": "Coupons: Read"}
                    ],
                    "write": [],
                    "forbidden_write": [
                      {"slug": "rak_refund_write", "label": "Refunds: Write"},
                      {"slug": "rak_subscription_write", "label": "Subscriptions: Write"},
                      {"slug": "rak_customer_write", "label": "Customers: Write"},
                      {"slug": "rak_product_write", "label": "Products: Write"},
                      {"slug": "rak_plan_write", "label": "Prices: Write"},
                      {"slug": "rak_charge_write", "label": "Charges: Write"},
                      {"slug": "rak_invoice_write", "label": "Invoices: Write"},
                      {"slug": "rak_payout_write", "label": "Payouts: Write"}
                    ]
                  }
                }
                """));
    assertThat(fieldNames(response.json()))
        .containsExactly("sync", "manager", "operator", "viewer");
    ApiResponse anonymous = stack.api().get("/key-requirements");
    assertThat(anonymous.status()).isEqualTo(401);
  }

  // ------------------------------------------------------------------ helpers: API

  private String newOrg(String mode) {
    ApiResponse created = owner.post("/orgs", Map.of("name", "Key Onboarding IT", "mode", mode));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("org_id").asText();
  }

  private ApiResponse connect(String org, String purpose, String key) {
    return owner.put("/orgs/" + org + "/keys/" + purpose, Map.of("key", key));
  }

  private static JsonNode assertRefused(ApiResponse response, String code) {
    assertThat(response.status()).as(response.body()).isEqualTo(422);
    JsonNode error = response.json().get("error");
    assertThat(fieldNames(response.json())).containsExactly("error");
    assertThat(error.get("code").asText()).isEqualTo(code);
    assertThat(error.get("message").asText()).isNotBlank();
    return error;
  }

  private static void assertForbidden(ApiResponse response) {
    assertThat(response.status()).as(response.body()).isEqualTo(403);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("forbidden");
    assertThat(response.json().at("/error/message").asText())
        .isEqualTo("This action needs the owner role in this org.");
  }

  /** No key metadata, no secret, and no Stripe account recorded for the org. */
  private void assertNothingConnected(String org) {
    assertNoKeyStored(org);
    assertThat(owner.get("/orgs/" + org).json().get("stripe_account").isNull()).isTrue();
  }

  /** No key metadata listed or shown for the org, and no secret of it. */
  private void assertNoKeyStored(String org) {
    assertThat(owner.get("/orgs/" + org + "/keys").json())
        .isEqualTo(JSON.createObjectNode().set("data", JSON.createArrayNode()));
    JsonNode keys = owner.get("/orgs/" + org).json().get("keys");
    assertThat(keys)
        .isEqualTo(
            JSON.createObjectNode()
                .putNull("sync")
                .putNull("manager")
                .putNull("operator")
                .putNull("viewer"));
    assertThat(scan.secretNames())
        .noneMatch(name -> name.startsWith(settings.secretPrefix() + org + "/"));
  }

  /** The refused key is not in the response, the logs, any table item or any secret. */
  private void assertAppearsNowhere(String key, ApiResponse response) {
    assertThat(response.body()).doesNotContain(key);
    response
        .headers()
        .map()
        .forEach(
            (name, values) ->
                assertThat(values).as("header %s", name).noneMatch(value -> value.contains(key)));
    assertThat(logs.events()).isNotEmpty().noneMatch(line -> line.contains(key));
    assertThat(scan.find(key)).isEmpty();
  }

  private void assertRejectionAudited(String org, Map<String, Object> details) {
    List<AuditEntry> entries = audit(org);
    assertThat(entries)
        .extracting(e -> e.event().action())
        .containsExactly("org.created", "key.rejected");
    AuditEvent rejected = entries.getLast().event();
    assertThat(rejected.actor()).isEqualTo(new AuditActor(ownerSub(), LocalStack.OWNER, "owner"));
    assertThat(rejected.target()).isEqualTo("key:viewer");
    assertThat(rejected.outcome()).isEqualTo(AuditOutcome.FAILED);
    assertThat(rejected.keyPurpose()).isEqualTo("viewer");
    assertThat(rejected.details()).isEqualTo(details);
    assertThat(auditLog.verify(new OrgId(org))).isEqualTo(new Verification(true, 2, null));
  }

  /** Invites {@code email} into the org as its owner; the invitation's code. */
  private String invite(String org, String email, String role) {
    ApiResponse invited =
        owner.post("/orgs/" + org + "/invitations", Map.of("email", email, "role", role));
    assertThat(invited.status()).as(invited.body()).isEqualTo(201);
    return invited.json().get("code").asText();
  }

  private void addMember(String org, String username, Role role) {
    orgStore.putMembership(
        new Membership(
            new OrgId(org),
            "Key Onboarding IT",
            stack.info().user(username).sub(),
            username,
            role,
            Instant.now()));
  }

  private AuditActor member(String username, String role) {
    return new AuditActor(stack.info().user(username).sub(), username, role);
  }

  private String ownerSub() {
    return stack.info().user(LocalStack.OWNER).sub();
  }

  /** A request to the Stripe permission layer's own controls ({@code /_layer/…}). */
  private static HttpResponse<String> layer(String method, String path, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(System.getenv("STRIPE_API_BASE") + path));
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  private static String webhookBaseUrl() {
    String base = System.getenv("WEBHOOK_BASE_URL");
    assertThat(base).as("WEBHOOK_BASE_URL (set by make test)").isNotBlank();
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  // ------------------------------------------------------------------ helpers: storage

  /** The org's audit entries, oldest first. */
  private static List<AuditEntry> audit(String org) {
    return auditLog.page(new OrgId(org), 100, null).entries().reversed();
  }

  private static List<String> actions(String org) {
    return audit(org).stream().map(e -> e.event().action()).toList();
  }

  private static List<Map<String, AttributeValue>> itemsOf(String org) {
    return scan.items().stream()
        .filter(item -> item.get("pk").s().startsWith("ORG#" + org))
        .toList();
  }

  private static Map<String, AttributeValue> storedKeyMetadataItem(String org, String purpose) {
    return itemsOf(org).stream()
        .filter(item -> item.get("sk").s().equals("KEY#" + purpose))
        .findFirst()
        .orElseThrow();
  }

  private static String secretName(String org, String purpose) {
    return settings.secretPrefix() + org + "/" + purpose;
  }

  private static SdkBytes storedCiphertext(String org, SecretPurpose purpose) {
    return secrets
        .getSecretValue(r -> r.secretId(secretName(org, purpose.wireName())))
        .secretBinary();
  }

  private static DescribeSecretResponse describeSecret(String org, String purpose) {
    return secrets.describeSecret(r -> r.secretId(secretName(org, purpose)));
  }

  private static String currentVersion(String org, String purpose) {
    return describeSecret(org, purpose).versionIdsToStages().entrySet().stream()
        .filter(entry -> entry.getValue().contains("AWSCURRENT"))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, String> context(String org, SecretPurpose purpose) {
    return KmsSecretsManagerKeyVault.encryptionContext(new OrgId(org), purpose);
  }

  private static String decrypt(SdkBytes ciphertext, Map<String, String> context) {
    return kms.decrypt(
            r -> r.keyId(settings.kmsKeyId()).ciphertextBlob(ciphertext).encryptionContext(context))
        .plaintext()
        .asUtf8String();
  }

  // ------------------------------------------------------------------ helpers: values

  private static String demoKey(String name) {
    String key = demoKeys.at("/keys/" + name + "/key").asText();
    assertThat(key).as("demo key %s in STRIPE_LAYER_KEYS", name).startsWith("rk_test_");
    return key;
  }

  private static String last4(String key) {
    return key.substring(key.length() - 4);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static JsonNode array(JsonNode... elements) {
    return JSON.createArrayNode().addAll(List.of(elements));
  }

  private static String random(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
    }
    return out.toString();
  }

  /** Printable ASCII of every kind, quotes and backslashes included, with a unique start. */
  private static String garbage(int length) {
    StringBuilder out = new StringBuilder(random(16));
    while (out.length() < length) {
      out.append((char) (' ' + RANDOM.nextInt('~' - ' ' + 1)));
    }
    return out.toString();
  }
}
