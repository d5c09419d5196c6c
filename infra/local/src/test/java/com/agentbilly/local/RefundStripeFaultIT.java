package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.api.actions.ManagerActionRoutes;
import com.agentbilly.http.RequestAuditor;
import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A refund while Stripe fails: a 500 or a 429 injected by the permission layer (Stripe did
 * nothing), and an answer lost after Stripe refunded (a {@link SwitchableProxy} in front of the
 * layer holds it back past the client's timeout). The caller is told to retry with the same
 * Idempotency-Key; the retry ends with exactly one refund at Stripe and the audit log saying what
 * happened, once.
 */
@WithLocalStack
class RefundStripeFaultIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final LocalStack stack;
  private final ActionsFixture fixture;
  private SwitchableProxy proxy;

  RefundStripeFaultIT(LocalStack stack) {
    this.stack = stack;
    this.fixture = new ActionsFixture(stack);
  }

  @BeforeEach
  void stripeBehindASwitchableProxy() throws Exception {
    proxy = new SwitchableProxy(URI.create(System.getenv("STRIPE_API_BASE")));
    layer("DELETE", "/_layer/faults");
  }

  @AfterEach
  void close() throws Exception {
    proxy.close();
    layer("DELETE", "/_layer/faults");
  }

  @Test
  void aStripe500IsStripeUnavailableAndTheRetryRefundsOnceAndReconcilesTheAudit() throws Exception {
    String org = fixture.org("manager");
    String charge = fixture.charge(2700);
    try (DevGateway gateway = fixture.gatewayWith(ActionsFixture.apiWith(this::actions))) {
      ApiClient manager = manager(gateway);
      fault(500, 1);

      ApiResponse failed = manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge));

      assertThat(failed.status()).as(failed.body()).isEqualTo(502);
      assertThat(failed.json().at("/error/code").asText()).isEqualTo("stripe_unavailable");
      assertThat(fixture.refundsOf(charge)).isEmpty();
      assertThat(outcomes(org, "refund.created")).containsExactly("unknown");

      ApiResponse retry = manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge));

      assertThat(retry.status()).as(retry.body()).isEqualTo(201);
      assertThat(fixture.refundsOf(charge)).hasSize(1);
      assertThat(outcomes(org, "refund.created")).containsExactly("unknown");
      assertThat(outcomes(org, "refund.reconciled")).containsExactly("success");
    }
  }

  @Test
  void aStormOf429sIsRateLimitedAndTheRetryRefundsOnceWithItsOutcomeAudited() throws Exception {
    String org = fixture.org("manager");
    String charge = fixture.charge(2800);
    try (DevGateway gateway = fixture.gatewayWith(ActionsFixture.apiWith(this::actions))) {
      ApiClient manager = manager(gateway);
      // One 429 is ridden out with two short pauses (StripeApiActions); three are reported.
      fault(429, 3);

      ApiResponse limited = manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge));

      assertThat(limited.status()).as(limited.body()).isEqualTo(429);
      assertThat(limited.json().at("/error/code").asText()).isEqualTo("rate_limited");
      assertThat(fixture.refundsOf(charge)).isEmpty();

      ApiResponse retry = manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge));

      assertThat(retry.status()).as(retry.body()).isEqualTo(201);
      assertThat(fixture.refundsOf(charge)).hasSize(1);
      // The refund the retry made is in the log as a success, whatever the 429 left there.
      assertThat(outcomes(org, "refund.created", "refund.reconciled")).contains("success");
      assertThat(outcomes(org, "refund.requested")).hasSize(2);
    }
  }

  @Test
  void anAnswerLostAfterStripeRefundedIsAdoptedByTheRetryNotRefundedAgain() throws Exception {
    String org = fixture.org("manager");
    String charge = fixture.charge(2900);
    try (DevGateway gateway = fixture.gatewayWith(ActionsFixture.apiWith(this::actions))) {
      ApiClient manager = manager(gateway);
      // Every answer through the proxy arrives after the client's 1.5 s read timeout.
      proxy.slowDown(Duration.ofSeconds(3), 1);

      ApiResponse lost = manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge));

      assertThat(lost.status()).as(lost.body()).isEqualTo(502);
      assertThat(lost.json().at("/error/code").asText()).isEqualTo("stripe_unavailable");
      assertThat(fixture.refundsOf(charge)).as("Stripe refunded; we never heard").hasSize(1);
      proxy.comeBack();

      ApiResponse retry = manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge));

      assertThat(retry.status()).as(retry.body()).isEqualTo(201);
      assertThat(fixture.refundsOf(charge)).hasSize(1);
      assertThat(retry.json().at("/refund/id").asText())
          .isEqualTo(fixture.refundsOf(charge).get(0).get("id").asText());
      assertThat(outcomes(org, "refund.created")).containsExactly("unknown");
      assertThat(outcomes(org, "refund.reconciled")).containsExactly("success");
    }
  }

  /** The real manager actions, reaching Stripe through the proxy with short timeouts. */
  private ManagerActionRoutes actions(ApplicationContext context) {
    return ActionsFixture.actions(
        context,
        ActionsFixture.records(context),
        context.getBean(RequestAuditor.class),
        new StripeClients(
            proxy.uri().toString(), Duration.ofMillis(1000), Duration.ofMillis(1500), 0));
  }

  private ApiClient manager(DevGateway gateway) {
    return fixture
        .client(gateway)
        .as(LocalStack.MANAGER)
        .withHeader("Idempotency-Key", UUID.randomUUID().toString());
  }

  /**
   * The layer answers the next {@code count} refund requests {@code status}, not forwarding them.
   */
  private static void fault(int status, int count) throws Exception {
    HttpResponse<String> added =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(System.getenv("STRIPE_API_BASE") + "/_layer/faults"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"status\":"
                            + status
                            + ",\"count\":"
                            + count
                            + ",\"path_prefix\":\"/v1/refunds\",\"should_retry\":false}"))
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
  }

  private static void layer(String method, String path) throws IOException, InterruptedException {
    HTTP.send(
        HttpRequest.newBuilder(URI.create(System.getenv("STRIPE_API_BASE") + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private List<String> outcomes(String org, String... actions) {
    ApiResponse audit = stack.api().as(LocalStack.OWNER).get("/orgs/" + org + "/audit?limit=100");
    assertThat(audit.status()).as(audit.body()).isEqualTo(200);
    List<String> wanted = List.of(actions);
    return StreamSupport.stream(audit.json().get("data").spliterator(), false)
        .filter(entry -> wanted.contains(entry.get("action").asText()))
        .map((JsonNode entry) -> entry.get("outcome").asText())
        .toList();
  }
}
