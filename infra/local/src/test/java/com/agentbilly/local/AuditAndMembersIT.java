package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The audit trail and the members list end to end: Cognito token → gateway → api and onboarding
 * functions → DynamoDB. Every test makes its own org, so tests share the stack.
 */
@WithLocalStack
class AuditAndMembersIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static SdkHttpClient http;
  private static DynamoDbClient dynamo;
  private static DynamoDbOrgStore orgStore;

  private final LocalStack stack;
  private final ApiClient owner;
  private final ApiClient viewer;

  AuditAndMembersIT(LocalStack stack) {
    this.stack = stack;
    this.owner = stack.api().as(LocalStack.OWNER);
    this.viewer = stack.api().as(LocalStack.VIEWER);
  }

  @BeforeAll
  static void connectToTheTable(LocalStack stack) {
    http = UrlConnectionHttpClient.create();
    dynamo = DynamoDbClient.builder().httpClient(http).build();
    orgStore = new DynamoDbOrgStore(dynamo, stack.info().table());
  }

  @AfterAll
  static void closeClients() {
    dynamo.close();
    http.close();
  }

  @Test
  void ownerPagesThroughTheTrailNewestFirstAndItVerifies() throws Exception {
    String org = newOrgWithViewer();
    ApiResponse refused = viewer.put("/orgs/" + org + "/keys/viewer", Map.of("key", "rk_test_x"));
    assertThat(refused.status()).as(refused.body()).isEqualTo(403);
    assertThat(refused.json().at("/error/code").asText()).isEqualTo("forbidden");

    List<JsonNode> entries = new ArrayList<>();
    ApiResponse first = owner.get("/orgs/" + org + "/audit?limit=1");
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.json().get("has_more").asBoolean()).isTrue();
    first.json().get("data").forEach(entries::add);
    ApiResponse second =
        owner.get(
            "/orgs/" + org + "/audit?limit=1&cursor=" + first.json().get("next_cursor").asText());
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(second.json().get("has_more").asBoolean()).isFalse();
    assertThat(second.json().get("next_cursor").isNull()).isTrue();
    second.json().get("data").forEach(entries::add);

    assertThat(entries)
        .extracting(e -> e.get("id").asText())
        .containsExactly("aud_000000000002", "aud_000000000001");
    JsonNode denied = entries.get(0);
    JsonNode created = entries.get(1);
    assertThat(denied.get("action").asText()).isEqualTo("access.denied");
    assertThat(denied.get("outcome").asText()).isEqualTo("denied");
    assertThat(denied.get("target").asText()).isEqualTo("PUT /orgs/{org}/keys/{purpose}");
    assertThat(denied.get("actor"))
        .isEqualTo(
            JSON.valueToTree(
                Map.of(
                    "user_id",
                    sub(LocalStack.VIEWER),
                    "username",
                    LocalStack.VIEWER,
                    "role",
                    "viewer")));
    assertThat(created.get("action").asText()).isEqualTo("org.created");
    assertThat(created.get("outcome").asText()).isEqualTo("success");
    assertThat(created.get("target").asText()).isEqualTo("org:" + org);
    assertThat(created.get("details"))
        .isEqualTo(JSON.valueToTree(Map.of("name", "Audit IT", "mode", "test")));
    assertThat(created.at("/actor/user_id").asText()).isEqualTo(sub(LocalStack.OWNER));
    assertThat(created.get("prev_hash").asText()).isEmpty();
    assertThat(created.get("hash").asText()).matches("[0-9a-f]{64}");
    assertThat(denied.get("prev_hash").asText()).isEqualTo(created.get("hash").asText());
    assertThat(denied.get("hash").asText()).matches("[0-9a-f]{64}");

    ApiResponse verified = owner.get("/orgs/" + org + "/audit/verify");
    assertThat(verified.status()).as(verified.body()).isEqualTo(200);
    assertThat(verified.json())
        .isEqualTo(
            JSON.readTree(
                "{\"valid\":true,\"entries\":2,\"first_bad_id\":null,\"complete\":true,\"next_cursor\":null}"));
  }

  @Test
  void aViewerIsForbiddenBothAuditRoutesAndANonMemberFindsNeither() throws Exception {
    String org = newOrgWithViewer();
    ApiClient outsider = stack.api().as(LocalStack.OUTSIDER);

    for (String path : List.of("/orgs/" + org + "/audit", "/orgs/" + org + "/audit/verify")) {
      ApiResponse byViewer = viewer.get(path);
      assertThat(byViewer.status()).as(byViewer.body()).isEqualTo(403);
      assertThat(byViewer.json().at("/error/code").asText()).isEqualTo("forbidden");
      ApiResponse byOutsider = outsider.get(path);
      assertThat(byOutsider.status()).as(byOutsider.body()).isEqualTo(404);
      assertThat(byOutsider.json().at("/error/code").asText()).isEqualTo("not_found");
    }
    ApiResponse members = outsider.get("/orgs/" + org + "/members");
    assertThat(members.status()).isEqualTo(404);

    JsonNode data = owner.get("/orgs/" + org + "/audit").json().get("data");
    assertThat(data.findValuesAsText("action"))
        .containsExactly("access.denied", "access.denied", "org.created");
    assertThat(data.findValuesAsText("target"))
        .containsExactly("GET /orgs/{org}/audit/verify", "GET /orgs/{org}/audit", "org:" + org);
  }

  @Test
  void anItemEditedInTheTableBreaksTheChainAtThatEntry() throws Exception {
    String org = newOrgWithViewer();
    assertThat(viewer.get("/orgs/" + org + "/audit").status()).isEqualTo(403);
    assertThat(viewer.get("/orgs/" + org + "/audit/verify").status()).isEqualTo(403);

    dynamo.updateItem(
        update ->
            update
                .tableName(stack.info().table())
                .key(
                    Map.of(
                        "pk", AttributeValue.fromS("ORG#" + org + "#AUDIT"),
                        "sk", AttributeValue.fromS("000000000002")))
                .updateExpression("SET #outcome = :outcome")
                .expressionAttributeNames(Map.of("#outcome", "outcome"))
                .expressionAttributeValues(Map.of(":outcome", AttributeValue.fromS("success"))));

    ApiResponse verified = owner.get("/orgs/" + org + "/audit/verify");
    assertThat(verified.status()).as(verified.body()).isEqualTo(200);
    assertThat(verified.json())
        .isEqualTo(
            JSON.readTree(
                "{\"valid\":false,\"entries\":3,\"first_bad_id\":\"aud_000000000002\",\"complete\":true,\"next_cursor\":null}"));
  }

  @Test
  void cursorsOfAnotherOrgAndLimitsOutOfRangeAreRefused() throws Exception {
    String org = newOrgWithViewer();
    String other = newOrgWithViewer();
    assertThat(viewer.get("/orgs/" + other + "/audit").status()).isEqualTo(403);
    String otherCursor =
        owner.get("/orgs/" + other + "/audit?limit=1").json().get("next_cursor").asText();

    ApiResponse foreign = owner.get("/orgs/" + org + "/audit?cursor=" + otherCursor);
    assertThat(foreign.status()).as(foreign.body()).isEqualTo(400);
    assertThat(foreign.json().at("/error/code").asText()).isEqualTo("invalid_cursor");

    for (String limit : List.of("0", "101", "x")) {
      ApiResponse bad = owner.get("/orgs/" + org + "/audit?limit=" + limit);
      assertThat(bad.status()).as(bad.body()).isEqualTo(400);
      assertThat(bad.json().at("/error/code").asText()).isEqualTo("invalid_request");
    }
  }

  @Test
  void everyMemberSeesOwnerAndViewerWithTheirRoles() throws Exception {
    String org = newOrgWithViewer();

    for (ApiClient member : List.of(owner, viewer)) {
      ApiResponse members = member.get("/orgs/" + org + "/members");
      assertThat(members.status()).as(members.body()).isEqualTo(200);
      JsonNode data = members.json().get("data");
      assertThat(data.findValuesAsText("user_id"))
          .containsExactly(sub(LocalStack.VIEWER), sub(LocalStack.OWNER));
      assertThat(data.findValuesAsText("username"))
          .containsExactly(LocalStack.VIEWER, LocalStack.OWNER);
      assertThat(data.findValuesAsText("role")).containsExactly("viewer", "owner");
      assertThat(Instant.parse(data.get(0).get("joined_at").asText()))
          .isAfter(Instant.parse(data.get(1).get("joined_at").asText()));
      List<String> fields = new ArrayList<>();
      data.get(0).fieldNames().forEachRemaining(fields::add);
      assertThat(fields).containsExactly("user_id", "username", "role", "joined_at");
    }
  }

  /** A new test-mode org of the demo owner, with the demo viewer added as a viewer. */
  private String newOrgWithViewer() {
    ApiResponse created = owner.post("/orgs", Map.of("name", "Audit IT", "mode", "test"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String org = created.json().get("org_id").asText();
    orgStore.putMembership(
        new Membership(
            new OrgId(org),
            "Audit IT",
            sub(LocalStack.VIEWER),
            LocalStack.VIEWER,
            Role.VIEWER,
            Instant.now().plus(1, ChronoUnit.SECONDS)));
    return org;
  }

  private String sub(String username) {
    return stack.info().user(username).sub();
  }
}
