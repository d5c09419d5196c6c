package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.dynamodb.DynamoDbInvitationStore;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.invitations.Invitation;
import com.agentbilly.domain.invitations.InvitationCode;
import com.agentbilly.domain.invitations.InvitationIds;
import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Invitations end to end: real Cognito tokens (with their {@code email} and {@code email_verified}
 * claims) → dev gateway → api function → DynamoDB. Each test makes its own org and its own users.
 */
@WithLocalStack
class InvitationIT {

  private static final SecureRandom RANDOM = new SecureRandom();

  @RegisterExtension final CapturedLogs logs = new CapturedLogs();

  private static SdkHttpClient http;
  private static DynamoDbClient dynamo;
  private static SecretsManagerClient secrets;
  private static SecretScan scan;
  private static DynamoDbInvitationStore invitationStore;
  private static TestUsers users;

  private final LocalStack stack;
  private final ApiClient owner;

  InvitationIT(LocalStack stack) {
    this.stack = stack;
    this.owner = stack.api().as(LocalStack.OWNER);
  }

  @BeforeAll
  static void connect(LocalStack stack) {
    http = UrlConnectionHttpClient.create();
    dynamo = DynamoDbClient.builder().httpClient(http).build();
    secrets = SecretsManagerClient.builder().httpClient(http).build();
    scan = new SecretScan(dynamo, secrets, stack.info().table());
    invitationStore = new DynamoDbInvitationStore(dynamo, stack.info().table());
    users = new TestUsers(stack);
  }

  @AfterAll
  static void close() {
    users.close();
    secrets.close();
    dynamo.close();
    http.close();
  }

  @Test
  void theInviteeJoinsWithTheRoleAndTheCodeIsNowhereButTheFirstResponse() throws Exception {
    String org = newOrg();
    TestUsers.User ann = users.verified("ann");

    ApiResponse created = invite(org, ann.email().toUpperCase(), "manager");

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String code = created.json().get("code").asText();
    String id = created.json().get("invitation_id").asText();
    assertThat(code).matches("invite_[a-z2-7]{32}");
    assertThat(created.json().get("email").asText()).isEqualTo(ann.email());
    Instant expiresAt = Instant.parse(created.json().get("expires_at").asText());
    assertThat(Duration.between(Instant.now(), expiresAt))
        .isBetween(Duration.ofDays(7).minusMinutes(5), Duration.ofDays(7));

    ApiResponse listed = owner.get("/orgs/" + org + "/invitations");
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.json().get("data").findValuesAsText("invitation_id")).containsExactly(id);
    assertThat(listed.json().at("/data/0/invited_by").asText()).isEqualTo(LocalStack.OWNER);
    assertThat(listed.body()).doesNotContain(code);

    ApiResponse accepted = accept(ann.api(), code);

    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
    assertThat(accepted.json().get("org_id").asText()).isEqualTo(org);
    assertThat(accepted.json().get("role").asText()).isEqualTo("manager");
    JsonNode members = owner.get("/orgs/" + org + "/members").json().get("data");
    assertThat(members.findValuesAsText("user_id")).contains(ann.sub());
    assertThat(roleOf(members, ann.sub())).isEqualTo("manager");
    assertThat(ann.api().get("/me").json().get("memberships").findValuesAsText("org_id"))
        .containsExactly(org);
    assertThat(owner.get("/orgs/" + org + "/invitations").json().get("data")).isEmpty();

    JsonNode trail = owner.get("/orgs/" + org + "/audit").json().get("data");
    assertThat(trail.findValuesAsText("action"))
        .containsExactly("member.joined", "member.invited", "org.created");
    assertThat(trail.get(0).at("/actor/user_id").asText()).isEqualTo(ann.sub());
    assertThat(trail.get(0).get("details").get("invitation_id").asText()).isEqualTo(id);
    assertThat(trail.get(1).get("details").get("email").asText()).isEqualTo(ann.email());
    assertThat(owner.get("/orgs/" + org + "/audit/verify").json().get("valid").asBoolean())
        .isTrue();

    assertThat(trail.toString()).doesNotContain(code);
    assertThat(scan.find(code)).isEmpty();
    assertThat(scan.find(code.substring("invite_".length()))).isEmpty();
    assertThat(logs.text()).doesNotContain(code.substring("invite_".length()));
    assertThat(storedInvitationItems(org)).isEmpty();
  }

  @Test
  void aStoredInvitationKeepsOnlyTheHashOfItsCode() {
    String org = newOrg();
    TestUsers.User ann = users.verified("ann");

    String code = invite(org, ann.email(), "viewer").json().get("code").asText();

    List<Map<String, AttributeValue>> items = storedInvitationItems(org);
    assertThat(items).hasSize(1);
    assertThat(items.getFirst().get("gsi2pk").s())
        .isEqualTo("INVITE#" + InvitationCode.presented(code).hash());
    assertThat(items.getFirst().get("expires_at").n()).matches("[0-9]{10}");
    assertThat(scan.find(code.substring("invite_".length()))).isEmpty();
  }

  @Test
  void anotherEmailOrAnUnverifiedEmailIsNotFoundAndTheInvitationStaysOpen() {
    String org = newOrg();
    TestUsers.User ann = users.verified("ann");
    TestUsers.User bob = users.verified("bob");
    String code = invite(org, ann.email(), "viewer").json().get("code").asText();

    assertNotFound(accept(bob.api(), code));
    assertNotFound(accept(stack.api().as(LocalStack.OUTSIDER), code));

    TestUsers.User unverified = users.unverified("carl");
    String codeForCarl = invite(org, unverified.email(), "viewer").json().get("code").asText();
    assertNotFound(accept(unverified.api(), codeForCarl));

    assertThat(memberIds(org)).containsExactly(sub(LocalStack.OWNER));
    assertThat(owner.get("/orgs/" + org + "/invitations").json().get("data")).hasSize(2);
    assertThat(accept(ann.api(), code).status()).isEqualTo(200);
  }

  @Test
  void aUsedCodeIsNotFoundTheSecondTime() {
    String org = newOrg();
    TestUsers.User ann = users.verified("ann");
    String code = invite(org, ann.email(), "viewer").json().get("code").asText();
    assertThat(accept(ann.api(), code).status()).isEqualTo(200);
    assertThat(owner.delete("/orgs/" + org + "/members/" + ann.sub()).status()).isEqualTo(204);

    assertNotFound(accept(ann.api(), code));
    assertThat(memberIds(org)).doesNotContain(ann.sub());
  }

  @Test
  void aRevokedCodeIsNotFoundAndOnlyAnOwnerRevokes() {
    String org = newOrg();
    addDemoMember(org, LocalStack.MANAGER, "manager");
    TestUsers.User ann = users.verified("ann");
    ApiResponse created = invite(org, ann.email(), "viewer");
    String id = created.json().get("invitation_id").asText();
    String code = created.json().get("code").asText();

    ApiResponse byManager = stack.api().as(LocalStack.MANAGER).delete(invitationPath(org, id));
    assertThat(byManager.status()).isEqualTo(403);
    ApiResponse revoked = owner.delete(invitationPath(org, id));
    assertThat(revoked.status()).as(revoked.body()).isEqualTo(204);

    assertNotFound(accept(ann.api(), code));
    assertNotFound(owner.delete(invitationPath(org, id)));
    assertThat(memberIds(org)).doesNotContain(ann.sub());
    assertThat(storedInvitationItems(org)).isEmpty();
    assertThat(actions(org)).startsWith("invitation.revoked", "access.denied", "member.invited");
  }

  @Test
  void anExpiredCodeIsNotFoundAndNotListed() {
    String org = newOrg();
    TestUsers.User ann = users.verified("ann");
    InvitationCode code = InvitationCode.generate(RANDOM);
    Instant created = Instant.now().minus(Duration.ofDays(8)).truncatedTo(ChronoUnit.SECONDS);
    invitationStore.create(
        new Invitation(
            InvitationIds.generate(RANDOM),
            new OrgId(org),
            "Invitation IT",
            ann.email(),
            Role.OWNER,
            code.hash(),
            created,
            created.plus(Invitation.VALIDITY),
            LocalStack.OWNER));

    assertNotFound(accept(ann.api(), code.reveal()));
    assertThat(owner.get("/orgs/" + org + "/invitations").json().get("data")).isEmpty();
    assertThat(memberIds(org)).containsExactly(sub(LocalStack.OWNER));
  }

  @Test
  void anUnknownCodeIsNotFound() {
    TestUsers.User ann = users.verified("ann");
    assertNotFound(accept(ann.api(), InvitationCode.generate(RANDOM).reveal()));
    assertNotFound(accept(ann.api(), "not a code"));
    ApiResponse missing = ann.api().post("/invitations/accept", Map.of());
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.json().at("/error/fields/code").asText()).isEqualTo("is required");
  }

  @Test
  void concurrentAcceptsOfOneCodeMakeOneMember() throws Exception {
    for (int round = 0; round < 3; round++) {
      String org = newOrg();
      TestUsers.User ann = users.verified("ann");
      String code = invite(org, ann.email(), "viewer").json().get("code").asText();
      CountDownLatch start = new CountDownLatch(1);
      Callable<Integer> accepting =
          () -> {
            start.await();
            return accept(ann.api(), code).status();
          };

      List<Future<Integer>> results = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
        for (int i = 0; i < 4; i++) {
          results.add(pool.submit(accepting));
        }
        start.countDown();
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> result : results) {
        statuses.add(result.get());
      }

      assertThat(statuses).containsExactlyInAnyOrder(200, 404, 404, 404);
      assertThat(memberIds(org)).containsExactlyInAnyOrder(sub(LocalStack.OWNER), ann.sub());
      assertThat(actions(org).stream().filter("member.joined"::equals)).hasSize(1);
    }
  }

  @Test
  void aMemberAcceptingKeepsTheirRole() {
    String org = newOrg();
    TestUsers.User ann = users.verified("ann");
    String first = invite(org, ann.email(), "manager").json().get("code").asText();
    String second = invite(org, ann.email(), "viewer").json().get("code").asText();
    assertThat(accept(ann.api(), first).status()).isEqualTo(200);

    ApiResponse again = accept(ann.api(), second);

    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().get("role").asText()).isEqualTo("manager");
    assertThat(roleOf(owner.get("/orgs/" + org + "/members").json().get("data"), ann.sub()))
        .isEqualTo("manager");
    assertThat(storedInvitationItems(org)).isEmpty();
  }

  @Test
  void badInvitationsAreRefusedWithTheContractsCodes() {
    String org = newOrg();
    ApiResponse badEmail = invite(org, "not-an-email", "viewer");
    assertThat(badEmail.status()).isEqualTo(422);
    assertThat(badEmail.json().at("/error/fields/email").asText())
        .isEqualTo("is not an email address");
    ApiResponse badRole = invite(org, "ann@members.test", "admin");
    assertThat(badRole.status()).isEqualTo(422);
    ApiResponse tooLarge =
        owner.post(
            "/orgs/" + org + "/invitations",
            Map.of("email", "a".repeat(300 * 1024) + "@members.test", "role", "viewer"));
    assertThat(tooLarge.status()).isEqualTo(413);
    ApiResponse wrongType =
        owner.post("/orgs/" + org + "/invitations", Map.of("email", 1, "role", "viewer"));
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(storedInvitationItems(org)).isEmpty();
    assertThat(actions(org)).containsExactly("org.created");
  }

  // ---------------------------------------------------------------- helpers

  private String newOrg() {
    ApiResponse created = owner.post("/orgs", Map.of("name", "Invitation IT", "mode", "test"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("org_id").asText();
  }

  private ApiResponse invite(String org, String email, String role) {
    return owner.post("/orgs/" + org + "/invitations", Map.of("email", email, "role", role));
  }

  private void addDemoMember(String org, String username, String role) {
    String code = invite(org, username, role).json().get("code").asText();
    ApiResponse accepted = accept(stack.api().as(username), code);
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
  }

  private static ApiResponse accept(ApiClient api, String code) {
    return api.post("/invitations/accept", Map.of("code", code));
  }

  private static String invitationPath(String org, String id) {
    return "/orgs/" + org + "/invitations/" + id;
  }

  private List<String> memberIds(String org) {
    return owner.get("/orgs/" + org + "/members").json().get("data").findValuesAsText("user_id");
  }

  private List<String> actions(String org) {
    return owner.get("/orgs/" + org + "/audit").json().get("data").findValuesAsText("action");
  }

  private static String roleOf(JsonNode members, String userId) {
    for (JsonNode member : members) {
      if (member.get("user_id").asText().equals(userId)) {
        return member.get("role").asText();
      }
    }
    throw new AssertionError("not a member: " + userId);
  }

  private static List<Map<String, AttributeValue>> storedInvitationItems(String org) {
    return scan.items().stream()
        .filter(item -> item.get("pk").s().equals("ORG#" + org))
        .filter(item -> item.get("sk").s().startsWith("INVITE#"))
        .toList();
  }

  private String sub(String username) {
    return stack.info().user(username).sub();
  }

  private static void assertNotFound(ApiResponse response) {
    assertThat(response.status()).as(response.body()).isEqualTo(404);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("not_found");
  }
}
