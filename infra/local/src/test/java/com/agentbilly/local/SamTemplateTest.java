package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.agentbilly.domain.PermissionMatrix;
import com.agentbilly.domain.Route;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

class SamTemplateTest {

  private static SamTemplate template;

  @BeforeAll
  static void readRepositoryTemplate() throws IOException {
    template = SamTemplate.fromRepository();
  }

  @Test
  void findsTheRepositoryRootFromAModuleDirectory() {
    Path root = SamTemplate.findRepositoryRoot(Path.of("").toAbsolutePath());

    assertThat(root.resolve("template.yaml")).isRegularFile();
    assertThat(root.resolve("infra/local/pom.xml")).isRegularFile();
  }

  @Test
  void readsTheFiveFunctionsWithTheirHandlerClasses() {
    assertThat(template.functions())
        .extracting(SamTemplate.Function::logicalId, SamTemplate.Function::handlerClass)
        .containsExactlyInAnyOrder(
            tuple("ApiFunction", "com.agentbilly.api.ApiHandler"),
            tuple("McpFunction", "com.agentbilly.mcp.McpHandler"),
            tuple("OnboardingFunction", "com.agentbilly.onboarding.OnboardingHandler"),
            tuple("SyncFunction", "com.agentbilly.sync.SyncHandler"),
            tuple("WebhookFunction", "com.agentbilly.webhook.WebhookHandler"));
    assertThat(template.function("ApiFunction").handlerMethod()).isEqualTo("handleRequest");
    assertThat(template.function("ApiFunction").codeUri()).isEqualTo("functions/api");
  }

  @Test
  void readsApiEventsAsMethodAndPath() {
    assertThat(template.function("ApiFunction").apiRoutes())
        .extracting(SamTemplate.ApiRoute::method, SamTemplate.ApiRoute::path)
        .contains(tuple("GET", "/me"), tuple("POST", "/orgs"), tuple("GET", "/orgs/{org}"));
    assertThat(template.function("SyncFunction").apiRoutes()).isEmpty();
    assertThat(template.function("WebhookFunction").apiRoutes()).isEmpty();
  }

  @Test
  void onlyTheWebhookFunctionHasAFunctionUrl() {
    assertThat(template.functions())
        .filteredOn(SamTemplate.Function::hasFunctionUrl)
        .extracting(SamTemplate.Function::logicalId)
        .containsExactly("WebhookFunction");
  }

  @Test
  void resolvesTheScheduleParameterToItsDefaultRate() {
    List<SamTemplate.Schedule> schedules = template.function("SyncFunction").schedules();

    assertThat(schedules)
        .extracting(SamTemplate.Schedule::eventName, SamTemplate.Schedule::expression)
        .containsExactly(tuple("Scheduled", "rate(15 minutes)"));
    assertThat(schedules.getFirst().rate()).isEqualTo(Duration.ofMinutes(15));
    assertThat(schedules.getFirst().enabled()).isTrue();
  }

  @Test
  void timeoutAndMemoryFallBackToTheGlobals() {
    assertThat(template.function("SyncFunction").timeout()).isEqualTo(Duration.ofSeconds(900));
    assertThat(template.function("ApiFunction").timeout()).isEqualTo(Duration.ofSeconds(29));
    assertThat(template.function("ApiFunction").memorySizeMb()).isEqualTo(1024);
  }

  @Test
  void turnsShortFormTagsOfTheRealTemplateIntoLongForm() {
    Map<String, Object> alias = template.properties("KeysKmsKeyAlias");
    Map<String, Object> apiEnv = environmentOf("ApiFunction");

    assertThat(alias)
        .containsEntry("AliasName", Map.of("Fn::Sub", "alias/agent-billy-${Stage}"))
        .containsEntry("TargetKeyId", Map.of("Ref", "KeysKmsKey"));
    assertThat(apiEnv).containsEntry("SYNC_FUNCTION_NAME", Map.of("Ref", "SyncFunction.Alias"));
    assertThat(template.properties("UserPool"))
        .containsEntry("UserPoolName", Map.of("Fn::Sub", "agent-billy-${Stage}"));
  }

  @Test
  void findsWhatAGlobalEnvironmentVariableRefersTo() {
    assertThat(template.globalEnvironmentRef("AUDIT_SECRET_ID")).contains("AuditKeySecret");
    assertThat(template.globalEnvironmentRef("FINGERPRINT_SECRET_ID"))
        .contains("FingerprintKeySecret");
    assertThat(template.globalEnvironmentRef("KMS_KEY_ID")).isEmpty();
    assertThat(template.globalEnvironmentRef("NO_SUCH_VARIABLE")).isEmpty();
  }

  @Test
  void turnsTheTableIntoACreateTableRequestNamedFromTheArgument() {
    CreateTableRequest request = template.createTableRequest("agent-billy-test");

    assertThat(request.tableName()).isEqualTo("agent-billy-test");
    assertThat(request.billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    assertThat(request.keySchema())
        .containsExactly(key("pk", KeyType.HASH), key("sk", KeyType.RANGE));
    assertThat(request.attributeDefinitions())
        .extracting(AttributeDefinition::attributeName)
        .containsExactly(
            "pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk", "sync_pk");
    assertThat(request.attributeDefinitions())
        .extracting(AttributeDefinition::attributeType)
        .containsOnly(ScalarAttributeType.S);
    assertThat(request.globalSecondaryIndexes())
        .extracting(GlobalSecondaryIndex::indexName)
        .containsExactly("gsi1", "gsi2", "gsi3", "orgs_with_sync_key");
    GlobalSecondaryIndex sparse = request.globalSecondaryIndexes().getLast();
    assertThat(sparse.keySchema())
        .containsExactly(key("sync_pk", KeyType.HASH), key("pk", KeyType.RANGE));
    assertThat(sparse.projection().projectionType()).isEqualTo(ProjectionType.KEYS_ONLY);
    assertThat(request.globalSecondaryIndexes().getFirst().projection().projectionType())
        .isEqualTo(ProjectionType.ALL);
    assertThat(request.hasLocalSecondaryIndexes()).isFalse();
  }

  @Test
  void readsTheTableTimeToLive() {
    assertThat(template.timeToLive())
        .hasValueSatisfying(
            ttl -> {
              assertThat(ttl.attributeName()).isEqualTo("expires_at");
              assertThat(ttl.enabled()).isTrue();
            });
  }

  @Test
  void everyPathHasAPreflightWithoutTheAuthorizerAndEveryOtherRouteHasIt() {
    List<SamTemplate.ApiRoute> routes =
        template.functions().stream().flatMap(f -> f.apiRoutes().stream()).toList();
    Set<String> paths =
        routes.stream()
            .filter(r -> !r.method().equals("OPTIONS"))
            .map(SamTemplate.ApiRoute::path)
            .collect(Collectors.toSet());

    assertThat(
            routes.stream()
                .filter(r -> r.method().equals("OPTIONS"))
                .map(SamTemplate.ApiRoute::path)
                .collect(Collectors.toSet()))
        .isEqualTo(paths);
    assertThat(routes)
        .allSatisfy(
            r ->
                assertThat(r.authorized())
                    .as(r.eventName())
                    .isEqualTo(
                        !r.method().equals("OPTIONS")
                            && !PermissionMatrix.publicRoutes()
                                .contains(Route.of(r.method(), r.path()))));
    assertThat(template.function("ApiFunction").apiRoutes())
        .filteredOn(r -> r.method().equals("OPTIONS"))
        .hasSize(paths.size());
  }

  @Test
  void readsEveryShortFormTagOnScalarsSequencesAndMappings() {
    SamTemplate parsed =
        SamTemplate.parse(
            """
            Resources:
              Thing:
                Type: AWS::Test::Thing
                Properties:
                  Ref: !Ref Stage
                  AttScalar: !GetAtt Table.StreamArn
                  AttList: !GetAtt [Table, Arn]
                  Sub: !Sub "agent-billy/${Stage}/"
                  SubList: !Sub ["${A}-x", {A: !Ref Stage}]
                  If: !If [IsProd, 1, !Ref AWS::NoValue]
                  Join: !Join [",", [a, b]]
                  Select: !Select [0, !GetAZs ""]
                  Split: !Split [",", "a,b"]
                  Equals: !Equals [!Ref Stage, prod]
                  Not: !Not [!Condition IsProd]
                  FindInMap: !FindInMap [Map, !Ref Stage, Key]
                  ImportValue: !ImportValue shared-vpc
                  Base64: !Base64 hello
                  Cidr: !Cidr ["10.0.0.0/16", 4, 8]
                  Transform: !Transform {Name: AWS::Include, Parameters: {Location: s3://x}}
            """);

    Map<String, Object> p = parsed.properties("Thing");

    assertThat(p.get("Ref")).isEqualTo(Map.of("Ref", "Stage"));
    assertThat(p.get("AttScalar")).isEqualTo(Map.of("Fn::GetAtt", List.of("Table", "StreamArn")));
    assertThat(p.get("AttList")).isEqualTo(Map.of("Fn::GetAtt", List.of("Table", "Arn")));
    assertThat(p.get("Sub")).isEqualTo(Map.of("Fn::Sub", "agent-billy/${Stage}/"));
    assertThat(p.get("SubList"))
        .isEqualTo(Map.of("Fn::Sub", List.of("${A}-x", Map.of("A", Map.of("Ref", "Stage")))));
    assertThat(p.get("If"))
        .isEqualTo(Map.of("Fn::If", List.of("IsProd", 1, Map.of("Ref", "AWS::NoValue"))));
    assertThat(p.get("Join")).isEqualTo(Map.of("Fn::Join", List.of(",", List.of("a", "b"))));
    assertThat(p.get("Select"))
        .isEqualTo(Map.of("Fn::Select", List.of(0, Map.of("Fn::GetAZs", ""))));
    assertThat(p.get("Split")).isEqualTo(Map.of("Fn::Split", List.of(",", "a,b")));
    assertThat(p.get("Equals"))
        .isEqualTo(Map.of("Fn::Equals", List.of(Map.of("Ref", "Stage"), "prod")));
    assertThat(p.get("Not")).isEqualTo(Map.of("Fn::Not", List.of(Map.of("Condition", "IsProd"))));
    assertThat(p.get("FindInMap"))
        .isEqualTo(Map.of("Fn::FindInMap", List.of("Map", Map.of("Ref", "Stage"), "Key")));
    assertThat(p.get("ImportValue")).isEqualTo(Map.of("Fn::ImportValue", "shared-vpc"));
    assertThat(p.get("Base64")).isEqualTo(Map.of("Fn::Base64", "hello"));
    assertThat(p.get("Cidr")).isEqualTo(Map.of("Fn::Cidr", List.of("10.0.0.0/16", 4, 8)));
    assertThat(p.get("Transform"))
        .isEqualTo(
            Map.of(
                "Fn::Transform",
                Map.of("Name", "AWS::Include", "Parameters", Map.of("Location", "s3://x"))));
  }

  @Test
  void rejectsAGetAttWithoutAnAttribute() {
    assertThatThrownBy(() -> SamTemplate.parse("Resources:\n  A: !GetAtt Table\n"))
        .hasMessageContaining("!GetAtt needs Resource.Attribute");
  }

  @Test
  void parsesRateExpressions() {
    assertThat(SamTemplate.parseRate("rate(1 minute)")).isEqualTo(Duration.ofMinutes(1));
    assertThat(SamTemplate.parseRate("rate(15 minutes)")).isEqualTo(Duration.ofMinutes(15));
    assertThat(SamTemplate.parseRate("rate(1 hour)")).isEqualTo(Duration.ofHours(1));
    assertThat(SamTemplate.parseRate("rate(6 hours)")).isEqualTo(Duration.ofHours(6));
    assertThat(SamTemplate.parseRate("rate(2 days)")).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void rejectsWhatEventBridgeRejects() {
    assertThatThrownBy(() -> SamTemplate.parseRate("rate(1 minutes)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("singular unit for 1");
    assertThatThrownBy(() -> SamTemplate.parseRate("rate(5 minute)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("singular unit for 1");
    assertThatThrownBy(() -> SamTemplate.parseRate("rate(0 minutes)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A rate must be positive: rate(0 minutes)");
    assertThatThrownBy(() -> SamTemplate.parseRate("cron(0 12 * * ? *)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Not a rate expression: cron(0 12 * * ? *)");
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> environmentOf(String function) {
    Map<String, Object> environment =
        (Map<String, Object>) template.properties(function).get("Environment");
    return (Map<String, Object>) environment.get("Variables");
  }
}
