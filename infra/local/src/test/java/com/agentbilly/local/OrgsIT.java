package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The first slice end to end: Cognito token → gateway → api function → DynamoDB → response. */
@WithLocalStack
class OrgsIT {

  private final LocalStack stack;

  OrgsIT(LocalStack stack) {
    this.stack = stack;
  }

  @Test
  void everyDemoUserSeesTheirOwnIdentity() {
    for (String username :
        new String[] {
          LocalStack.OWNER, LocalStack.MANAGER, LocalStack.VIEWER, LocalStack.OUTSIDER
        }) {
      ApiResponse me = stack.api().as(username).get("/me");
      assertThat(me.status()).as(me.body()).isEqualTo(200);
      assertThat(me.json().at("/user/id").asText()).isEqualTo(stack.info().user(username).sub());
      assertThat(me.json().at("/user/username").asText()).isEqualTo(username);
    }
  }

  @Test
  void createdOrgIsVisibleToItsOwnerAndHiddenFromOthers() {
    ApiResponse created =
        stack.api().as(LocalStack.OWNER).post("/orgs", Map.of("name", "Slice Co", "mode", "test"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String org = created.json().get("org_id").asText();
    assertThat(org).matches("org_[a-z2-7]{26}");
    assertThat(created.json().get("role").asText()).isEqualTo("owner");

    ApiResponse byOwner = stack.api().as(LocalStack.OWNER).get("/orgs/" + org);
    assertThat(byOwner.status()).as(byOwner.body()).isEqualTo(200);
    assertThat(byOwner.json().get("name").asText()).isEqualTo("Slice Co");
    assertThat(byOwner.json().get("mode").asText()).isEqualTo("test");
    assertThat(byOwner.json().get("stripe_account").isNull()).isTrue();
    assertThat(byOwner.json().at("/sync/status").asText()).isEqualTo("never");

    ApiResponse byOutsider = stack.api().as(LocalStack.OUTSIDER).get("/orgs/" + org);
    assertThat(byOutsider.status()).isEqualTo(404);
    assertThat(byOutsider.json().at("/error/code").asText()).isEqualTo("not_found");

    ApiResponse me = stack.api().as(LocalStack.OWNER).get("/me");
    assertThat(me.json().get("memberships").findValuesAsText("org_id")).contains(org);
    assertThat(
            stack
                .api()
                .as(LocalStack.OUTSIDER)
                .get("/me")
                .json()
                .get("memberships")
                .findValuesAsText("org_id"))
        .doesNotContain(org);
  }

  @Test
  void anOrgThatDoesNotExistLooksLikeOneTheCallerIsNotIn() {
    ApiResponse response =
        stack.api().as(LocalStack.OWNER).get("/orgs/org_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    assertThat(response.status()).isEqualTo(404);
    assertThat(stack.api().as(LocalStack.OWNER).get("/orgs/not-an-org").status()).isEqualTo(404);
  }

  @Test
  void badInputGetsTheContractsCodesAndCreatesNothing() {
    int before = stack.api().as(LocalStack.VIEWER).get("/me").json().get("memberships").size();

    ApiResponse malformed = stack.api().as(LocalStack.VIEWER).post("/orgs", "{\"name\": ");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().at("/error/code").asText()).isEqualTo("invalid_request");

    ApiResponse wrongType =
        stack.api().as(LocalStack.VIEWER).post("/orgs", Map.of("name", 12, "mode", "test"));
    assertThat(wrongType.status()).isEqualTo(400);

    ApiResponse invalid = stack.api().as(LocalStack.VIEWER).post("/orgs", Map.of("mode", "prod"));
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.json().at("/error/code").asText()).isEqualTo("validation_failed");
    assertThat(invalid.json().at("/error/fields/name").asText()).isEqualTo("is required");
    assertThat(invalid.json().at("/error/fields/mode").asText()).contains("test");

    ApiResponse tooLarge =
        stack
            .api()
            .as(LocalStack.VIEWER)
            .post("/orgs", Map.of("name", "x".repeat(300 * 1024), "mode", "test"));
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.json().at("/error/code").asText()).isEqualTo("payload_too_large");

    assertThat(stack.api().as(LocalStack.VIEWER).get("/me").json().get("memberships").size())
        .isEqualTo(before);
  }
}
