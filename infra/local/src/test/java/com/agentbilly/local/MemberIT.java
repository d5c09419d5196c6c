package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * Role changes, removals and leaving end to end, with {@code last_owner} held against concurrent
 * requests: real tokens → dev gateway → api function → DynamoDB transactions in moto. Members join
 * the way users do, through invitations. Each test makes its own org.
 */
@WithLocalStack
class MemberIT {

  private static TestUsers users;

  private final LocalStack stack;
  private final ApiClient owner;

  MemberIT(LocalStack stack) {
    this.stack = stack;
    this.owner = stack.api().as(LocalStack.OWNER);
  }

  @BeforeAll
  static void users(LocalStack stack) {
    users = new TestUsers(stack);
  }

  @AfterAll
  static void close() {
    users.close();
  }

  @Test
  void anOwnerChangesARoleAndTheMemberActsWithIt() {
    String org = newOrg();
    TestUsers.User ann = join(org, "viewer");
    assertThat(ann.api().post("/orgs/" + org + "/sync", Map.of()).status()).isEqualTo(403);

    ApiResponse changed = changeRole(owner, org, ann.sub(), "manager");

    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    assertThat(changed.json().get("user_id").asText()).isEqualTo(ann.sub());
    assertThat(changed.json().get("role").asText()).isEqualTo("manager");
    assertThat(roles(org)).containsEntry(ann.sub(), "manager");
    ApiResponse sync = ann.api().post("/orgs/" + org + "/sync", Map.of());
    assertThat(sync.status()).as(sync.body()).isEqualTo(409);
    assertThat(sync.json().at("/error/code").asText()).isEqualTo("key_not_connected");

    JsonNode entry = auditEntries(org).get(0);
    assertThat(entry.get("action").asText()).isEqualTo("member.role_changed");
    assertThat(entry.get("target").asText()).isEqualTo("user:" + ann.sub());
    assertThat(entry.get("details").get("from").asText()).isEqualTo("viewer");
    assertThat(entry.get("details").get("to").asText()).isEqualTo("manager");
  }

  @Test
  void theLastOwnerCanNeitherStepDownNorLeave() {
    String org = newOrg();
    join(org, "manager");

    ApiResponse demoted = changeRole(owner, org, ownerSub(), "manager");
    ApiResponse left = owner.delete("/orgs/" + org + "/members/" + ownerSub());

    for (ApiResponse refused : List.of(demoted, left)) {
      assertThat(refused.status()).as(refused.body()).isEqualTo(409);
      assertThat(refused.json().at("/error/code").asText()).isEqualTo("last_owner");
    }
    assertThat(roles(org)).containsEntry(ownerSub(), "owner");
  }

  @Test
  void anOwnerStepsDownAndLeavesOnceAnotherOwnerExists() {
    String org = newOrg();
    TestUsers.User ann = join(org, "owner");

    assertThat(changeRole(owner, org, ownerSub(), "viewer").status()).isEqualTo(200);
    assertThat(roles(org)).containsEntry(ownerSub(), "viewer");
    ApiResponse left = owner.delete("/orgs/" + org + "/members/" + ownerSub());

    assertThat(left.status()).as(left.body()).isEqualTo(204);
    assertThat(roles(ann.api(), org)).containsOnlyKeys(ann.sub());
    assertThat(owner.get("/orgs/" + org).status()).isEqualTo(404);
    JsonNode entry = auditEntries(ann.api(), org).get(0);
    assertThat(entry.get("action").asText()).isEqualTo("member.removed");
    assertThat(entry.get("details").get("left").asBoolean()).isTrue();
    assertThat(entry.get("details").get("role").asText()).isEqualTo("viewer");
  }

  @Test
  void anOwnerRemovesAMemberWhoThenSeesNothingOfTheOrg() {
    String org = newOrg();
    TestUsers.User ann = join(org, "manager");

    ApiResponse removed = owner.delete("/orgs/" + org + "/members/" + ann.sub());

    assertThat(removed.status()).as(removed.body()).isEqualTo(204);
    assertThat(roles(org)).doesNotContainKey(ann.sub());
    assertThat(ann.api().get("/orgs/" + org).status()).isEqualTo(404);
    assertThat(ann.api().get("/me").json().get("memberships")).isEmpty();
    JsonNode entry = auditEntries(org).get(0);
    assertThat(entry.get("action").asText()).isEqualTo("member.removed");
    assertThat(entry.get("details").get("left").asBoolean()).isFalse();
    assertThat(entry.get("details").get("role").asText()).isEqualTo("manager");
    assertThat(owner.get("/orgs/" + org + "/audit/verify").json().get("valid").asBoolean())
        .isTrue();
  }

  @Test
  void aMemberLeavesButCannotRemoveOrPromoteOthers() {
    String org = newOrg();
    TestUsers.User ann = join(org, "manager");
    TestUsers.User bob = join(org, "viewer");

    assertThat(ann.api().delete("/orgs/" + org + "/members/" + bob.sub()).status()).isEqualTo(403);
    assertThat(changeRole(ann.api(), org, ann.sub(), "owner").status()).isEqualTo(403);
    ApiResponse left = bob.api().delete("/orgs/" + org + "/members/" + bob.sub());

    assertThat(left.status()).as(left.body()).isEqualTo(204);
    assertThat(roles(org)).containsOnlyKeys(ownerSub(), ann.sub());
    ApiResponse outsider =
        stack.api().as(LocalStack.OUTSIDER).delete("/orgs/" + org + "/members/" + ann.sub());
    assertThat(outsider.status()).isEqualTo(404);
  }

  @Test
  void unknownMembersAndBadRolesGetTheContractsCodes() {
    String org = newOrg();
    TestUsers.User ann = join(org, "viewer");

    assertThat(changeRole(owner, org, "no-such-user", "viewer").status()).isEqualTo(404);
    assertThat(owner.delete("/orgs/" + org + "/members/no-such-user").status()).isEqualTo(404);
    ApiResponse badRole = changeRole(owner, org, ann.sub(), "admin");
    assertThat(badRole.status()).isEqualTo(422);
    assertThat(badRole.json().at("/error/code").asText()).isEqualTo("validation_failed");
    ApiResponse unknownField =
        owner.put(
            "/orgs/" + org + "/members/" + ann.sub(), Map.of("role", "viewer", "admin", true));
    assertThat(unknownField.status()).isEqualTo(422);
    assertThat(roles(org)).containsEntry(ann.sub(), "viewer");
  }

  /**
   * Two owners step down at the same moment, many times over: DynamoDB's transaction (in moto, one
   * request at a time, as conditions on AWS are atomic) lets one through, and the other is
   * last_owner. The org always keeps exactly one owner.
   */
  @Test
  void twoOwnersSteppingDownAtOnceAlwaysLeaveOneOwner() throws Exception {
    for (int round = 0; round < 4; round++) {
      String org = newOrg();
      TestUsers.User ann = join(org, "owner");

      List<Integer> statuses =
          together(
              () -> changeRole(owner, org, ownerSub(), "manager").status(),
              () -> ann.api().delete("/orgs/" + org + "/members/" + ann.sub()).status());

      assertThat(statuses).containsAnyOf(200, 204).contains(409);
      assertThat(roles(org).values().stream().filter("owner"::equals)).hasSize(1);
    }
  }

  /** Two owners demote each other at the same moment: one wins, one owner is left. */
  @Test
  void twoOwnersDemotingEachOtherAtOnceLeaveOneOwner() throws Exception {
    for (int round = 0; round < 4; round++) {
      String org = newOrg();
      TestUsers.User ann = join(org, "owner");

      List<Integer> statuses =
          together(
              () -> changeRole(owner, org, ann.sub(), "viewer").status(),
              () -> changeRole(ann.api(), org, ownerSub(), "viewer").status());

      assertThat(statuses).containsExactlyInAnyOrder(200, 403);
      assertThat(roles(statuses.get(0) == 200 ? owner : ann.api(), org).values())
          .containsOnlyOnce("owner");
    }
  }

  /** Five owners all step down at once: four succeed, one is last_owner, one owner is left. */
  @Test
  void fiveOwnersSteppingDownAtOnceLeaveExactlyOne() throws Exception {
    String org = newOrg();
    List<ApiClient> owners = new ArrayList<>(List.of(owner));
    List<String> ownerIds = new ArrayList<>(List.of(ownerSub()));
    for (int i = 0; i < 4; i++) {
      TestUsers.User user = join(org, "owner");
      owners.add(user.api());
      ownerIds.add(user.sub());
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(owners.size())) {
      for (int i = 0; i < owners.size(); i++) {
        ApiClient api = owners.get(i);
        String self = ownerIds.get(i);
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return changeRole(api, org, self, "manager").status();
                }));
      }
      start.countDown();
    }
    List<Integer> statuses = new ArrayList<>();
    for (Future<Integer> result : results) {
      statuses.add(result.get());
    }

    assertThat(statuses).containsExactlyInAnyOrder(200, 200, 200, 200, 409);
    String survivor = ownerIds.get(statuses.indexOf(409));
    Map<String, String> roles = roles(owners.get(statuses.indexOf(409)), org);
    assertThat(roles.entrySet().stream().filter(e -> e.getValue().equals("owner")))
        .singleElement()
        .extracting(Map.Entry::getKey)
        .isEqualTo(survivor);
  }

  // ---------------------------------------------------------------- helpers

  private String newOrg() {
    ApiResponse created = owner.post("/orgs", Map.of("name", "Member IT", "mode", "test"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("org_id").asText();
  }

  /** A new user who joins the org through an invitation with the role. */
  private TestUsers.User join(String org, String role) {
    TestUsers.User user = users.verified(role);
    ApiResponse invited =
        owner.post("/orgs/" + org + "/invitations", Map.of("email", user.email(), "role", role));
    assertThat(invited.status()).as(invited.body()).isEqualTo(201);
    ApiResponse accepted =
        user.api().post("/invitations/accept", Map.of("code", invited.json().get("code").asText()));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
    return user;
  }

  private static ApiResponse changeRole(ApiClient api, String org, String userId, String role) {
    return api.put("/orgs/" + org + "/members/" + userId, Map.of("role", role));
  }

  private Map<String, String> roles(String org) {
    return roles(owner, org);
  }

  private static Map<String, String> roles(ApiClient api, String org) {
    ApiResponse members = api.get("/orgs/" + org + "/members");
    assertThat(members.status()).as(members.body()).isEqualTo(200);
    Map<String, String> roles = new java.util.LinkedHashMap<>();
    members
        .json()
        .get("data")
        .forEach(m -> roles.put(m.get("user_id").asText(), m.get("role").asText()));
    return roles;
  }

  private JsonNode auditEntries(String org) {
    return auditEntries(owner, org);
  }

  private static JsonNode auditEntries(ApiClient api, String org) {
    ApiResponse trail = api.get("/orgs/" + org + "/audit");
    assertThat(trail.status()).as(trail.body()).isEqualTo(200);
    return trail.json().get("data");
  }

  private String ownerSub() {
    return stack.info().user(LocalStack.OWNER).sub();
  }

  private static List<Integer> together(Callable<Integer> first, Callable<Integer> second)
      throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Integer> statuses = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      Future<Integer> a =
          pool.submit(
              () -> {
                start.await();
                return first.call();
              });
      Future<Integer> b =
          pool.submit(
              () -> {
                start.await();
                return second.call();
              });
      start.countDown();
      statuses.add(a.get());
      statuses.add(b.get());
    }
    return statuses;
  }
}
