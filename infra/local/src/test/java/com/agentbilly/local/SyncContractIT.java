package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.sync.OrgSync;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.net.ApiResource.RequestMethod;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The list and event requests the sync makes are valid for Stripe's API: stripe-mock, which checks
 * every request against Stripe's OpenAPI spec, answers each one with a list.
 */
class SyncContractIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET_KEY = "sk_test_billySyncContract000000000000000";

  private static StripeClient stripeMock;

  @BeforeAll
  static void findStripeMock() {
    String url = System.getenv("STRIPE_MOCK_URL");
    assertThat(url)
        .as(
            "STRIPE_MOCK_URL is not set: run `make test`, which starts stripe-mock (or"
                + " infra/bin/stack-up test and eval \"$(infra/bin/stack-env test)\")")
        .isNotBlank();
    stripeMock = StripeClient.builder().setApiKey(SECRET_KEY).setApiBase(url).build();
  }

  static Stream<ObjectType> backfilledTypes() {
    return OrgSync.BACKFILL_ORDER.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backfilledTypes")
  void theFirstAndFollowingBackfillPagesOfEveryTypeAreValidListRequests(ObjectType type)
      throws Exception {
    for (String path :
        new String[] {OrgSync.listPath(type, null), OrgSync.listPath(type, "obj_123")}) {
      JsonNode page = JSON.readTree(stripeMock.rawRequest(RequestMethod.GET, path, null).body());

      assertThat(page.get("object").asText()).as(path).isEqualTo("list");
      assertThat(page.get("data").isArray()).as(path).isTrue();
    }
  }

  @Test
  void theCatchUpEventPagesAreValidListRequests() throws Exception {
    for (String path :
        new String[] {
          OrgSync.eventsPath(1_795_780_800L, null), OrgSync.eventsPath(1_795_780_800L, "evt_123")
        }) {
      JsonNode page = JSON.readTree(stripeMock.rawRequest(RequestMethod.GET, path, null).body());

      assertThat(page.get("object").asText()).as(path).isEqualTo("list");
      assertThat(page.get("data").isArray()).as(path).isTrue();
    }
  }
}
