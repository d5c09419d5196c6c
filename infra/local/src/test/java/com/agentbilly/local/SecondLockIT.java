package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.api.actions.ManagerActionRoutes;
import com.agentbilly.config.FunctionContext;
import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.Caller;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Route;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.Json;
import com.agentbilly.port.OrgStore;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.ApplicationContext;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The second lock (DESIGN §3): with our role check taken out of the wiring, a viewer's refund still
 * reaches Stripe only with the org's viewer key — the key follows the caller's role — and Stripe
 * (the permission layer in front of localstripe) refuses it. Nothing is refunded.
 */
@WithLocalStack
class SecondLockIT {

  private final LocalStack stack;
  private final ActionsFixture fixture;

  SecondLockIT(LocalStack stack) {
    this.stack = stack;
    this.fixture = new ActionsFixture(stack);
  }

  @Test
  void withOurRoleCheckBypassedAViewersRefundCarriesTheViewerKeyAndStripeRefusesIt()
      throws Exception {
    String org = fixture.org("manager", "viewer");
    String charge = fixture.charge(3000);

    try (DevGateway unchecked = fixture.gatewayWith(withoutRoleCheck())) {
      ApiResponse viewer = post(fixture.client(unchecked).as(LocalStack.VIEWER), org, charge);
      ApiResponse manager = post(fixture.client(unchecked).as(LocalStack.MANAGER), org, charge);

      assertThat(viewer.status()).as(viewer.body()).isEqualTo(403);
      assertThat(viewer.json().at("/error/code").asText()).isEqualTo("stripe_permission_denied");
      assertThat(viewer.json().at("/error/message").asText())
          .contains("viewer key", "rak_refund_write")
          .doesNotContainPattern("rk_test_[A-Za-z0-9]{8,}");
      // The same wiring refunds for a manager: the refusal above was the key's, not the wiring's.
      assertThat(manager.status()).as(manager.body()).isEqualTo(201);
    }

    assertThat(fixture.refundsOf(charge)).hasSize(1);
    JsonNode refused =
        StreamSupport.stream(
                stack
                    .api()
                    .as(LocalStack.OWNER)
                    .get("/orgs/" + org + "/audit?limit=100")
                    .json()
                    .get("data")
                    .spliterator(),
                false)
            .filter(e -> e.get("action").asText().equals("refund.created"))
            .filter(e -> e.get("outcome").asText().equals("failed"))
            .findFirst()
            .orElseThrow();
    assertThat(refused.get("key_purpose").asText()).isEqualTo("viewer");
    assertThat(refused.at("/actor/role").asText()).isEqualTo("viewer");
    assertThat(refused.at("/details/error").asText()).isEqualTo("stripe_permission_denied");
  }

  @Test
  void withOurRoleCheckBypassedAnOperatorsRefundCarriesTheOperatorKeyAndStripeRefusesIt()
      throws Exception {
    String org = fixture.org("manager", "operator", "viewer");
    String charge = fixture.charge(2000);

    try (DevGateway unchecked = fixture.gatewayWith(withoutRoleCheck())) {
      ApiResponse operator = post(fixture.client(unchecked).as(LocalStack.OPERATOR), org, charge);

      assertThat(operator.status()).as(operator.body()).isEqualTo(403);
      assertThat(operator.json().at("/error/code").asText()).isEqualTo("stripe_permission_denied");
      assertThat(operator.json().at("/error/message").asText())
          .contains("operator key", "rak_refund_write")
          .doesNotContainPattern("rk_test_[A-Za-z0-9]{8,}");
    }

    assertThat(fixture.refundsOf(charge)).isEmpty();
  }

  private static ApiResponse post(ApiClient client, String org, String charge) {
    return client
        .withHeader("Idempotency-Key", UUID.randomUUID().toString())
        .post("/orgs/" + org + "/refunds", Map.of("charge", charge, "amount", 500));
  }

  /**
   * The api function's real refund route (the production bean) behind a router that checks
   * membership only to learn the caller's role, and lets every role through.
   */
  private static RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>
      withoutRoleCheck() {
    ApplicationContext context = FunctionContext.start("api");
    ManagerActionRoutes actions = context.getBean(ManagerActionRoutes.class);
    OrgStore orgs = context.getBean(OrgStore.class);
    return (event, lambdaContext) -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> claims =
          (Map<String, Object>) event.getRequestContext().getAuthorizer().get("claims");
      String userId = (String) claims.get("sub");
      OrgId org = new OrgId(event.getPathParameters().get("org"));
      Membership membership = orgs.findMembership(org, userId).orElseThrow();
      ApiRequest request =
          new ApiRequest(
              Route.of(event.getHttpMethod(), event.getResource()),
              new Caller(userId, (String) claims.get("cognito:username"), null, false),
              org,
              membership.role(),
              event.getPathParameters(),
              event.getQueryStringParameters(),
              event.getHeaders(),
              event.getBody(),
              UUID.randomUUID().toString());
      com.agentbilly.http.ApiResponse response;
      try {
        response = actions.refund(request);
      } catch (ApiProblem problem) {
        response = com.agentbilly.http.ApiResponse.error(problem);
      }
      return new APIGatewayProxyResponseEvent()
          .withStatusCode(response.status())
          .withHeaders(Map.of("Content-Type", "application/json"))
          .withBody(Json.write(response.body()));
    };
  }
}
