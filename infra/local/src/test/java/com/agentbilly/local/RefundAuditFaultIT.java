package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.dynamodb.DynamoDbAuditLog;
import com.agentbilly.config.Settings;
import com.agentbilly.config.StackSecrets;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.audit.AuditEntry;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.port.AuditLog;
import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A refund while the audit log's DynamoDB is down or slow: a second dev gateway whose api function
 * is the real wiring, except that the manager actions audit through a DynamoDB client reaching moto
 * through a {@link SwitchableProxy}, so the real SDK meets a real outage while the records, the
 * mirror and everyone else keep theirs. Whatever fails, Stripe holds at most one refund per
 * Idempotency-Key, and once DynamoDB is back the audit log holds its intent and its outcome exactly
 * once, with the chain intact.
 */
@WithLocalStack
class RefundAuditFaultIT {

  private final LocalStack stack;
  private final ActionsFixture fixture;
  private SwitchableProxy proxy;
  private DynamoDbClient proxied;
  private final AtomicInteger appends = new AtomicInteger();
  private volatile int darkAfterAppends = Integer.MAX_VALUE;

  RefundAuditFaultIT(LocalStack stack) {
    this.stack = stack;
    this.fixture = new ActionsFixture(stack);
  }

  @BeforeEach
  void auditBehindASwitchableProxy() throws IOException {
    proxy = new SwitchableProxy(URI.create(System.getenv("AWS_ENDPOINT_URL")));
    proxied = proxy.dynamoDb();
  }

  @AfterEach
  void close() {
    proxy.close();
    proxied.close();
  }

  @Test
  void anAuditLogDownBeforeTheIntentSendsNothingToStripeAndTheRetryRefundsOnce() throws Exception {
    String org = fixture.org("manager");
    String charge = fixture.charge(3100);
    try (DevGateway gateway = fixture.gatewayWith(ActionsFixture.apiWith(this::actions))) {
      ApiClient manager = manager(gateway);
      proxy.goDark();

      ApiResponse down = manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge));

      assertThat(down.status()).as(down.body()).isEqualTo(500);
      assertThat(down.json().at("/error/code").asText()).isEqualTo("internal");
      assertThat(fixture.refundsOf(charge)).isEmpty();
      proxy.comeBack();

      ApiResponse retry = manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge));

      assertThat(retry.status()).as(retry.body()).isEqualTo(201);
      assertThat(fixture.refundsOf(charge)).hasSize(1);
      assertThat(actions(org, "refund.requested")).hasSize(1);
      assertThat(outcomes(org, "refund.created")).containsExactly("success");
    }
    assertThat(chainIsValid(org)).isTrue();
  }

  @Test
  void anAuditLogDownAfterTheIntentStillRefundsOnceAndTheRetryWritesTheOutcomeOnce()
      throws Exception {
    String org = fixture.org("manager");
    String charge = fixture.charge(3200);
    try (DevGateway gateway = fixture.gatewayWith(ActionsFixture.apiWith(this::actions))) {
      ApiClient manager = manager(gateway);
      darkAfterAppends = 1;

      ApiResponse refunded = manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge));

      // Stripe refunded and the answer is recorded: the caller is told so, though the outcome's
      // entry is not written yet (its intent is).
      assertThat(refunded.status()).as(refunded.body()).isEqualTo(201);
      assertThat(fixture.refundsOf(charge)).hasSize(1);
      proxy.comeBack();
      darkAfterAppends = Integer.MAX_VALUE;
      assertThat(actions(org, "refund.requested")).hasSize(1);
      assertThat(actions(org, "refund.created")).isEmpty();

      ApiResponse retry = manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge));
      ApiResponse again = manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge));

      assertThat(retry.status()).isEqualTo(201);
      assertThat(retry.json()).isEqualTo(refunded.json());
      assertThat(again.json()).isEqualTo(refunded.json());
      assertThat(fixture.refundsOf(charge)).hasSize(1);
      assertThat(actions(org, "refund.requested")).hasSize(1);
      assertThat(outcomes(org, "refund.created")).containsExactly("success");
    }
    assertThat(chainIsValid(org)).isTrue();
  }

  @Test
  void anAuditLogAnsweringLateRefundsOnceWithEachEntryOnce() throws Exception {
    String org = fixture.org("manager");
    String charge = fixture.charge(3300);
    try (DevGateway gateway = fixture.gatewayWith(ActionsFixture.apiWith(this::actions))) {
      ApiClient manager = manager(gateway);
      // Every 2nd answer arrives after the client gave up on it, often for an entry DynamoDB
      // wrote: the retry then meets its own entry.
      proxy.slowDown(Duration.ofMillis(1000), 2);

      ApiResponse refunded = manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge));

      assertThat(refunded.status()).as(refunded.body()).isEqualTo(201);
      assertThat(proxy.delayedAnswers()).as("answers held back").isPositive();
      proxy.comeBack();
      ApiResponse retry = manager.post("/orgs/" + org + "/refunds", Map.of("charge", charge));
      assertThat(retry.json()).isEqualTo(refunded.json());
      assertThat(fixture.refundsOf(charge)).hasSize(1);
      assertThat(actions(org, "refund.requested")).hasSize(1);
      assertThat(outcomes(org, "refund.created")).containsExactly("success");
    }
    assertThat(chainIsValid(org)).isTrue();
  }

  /** The real manager actions, auditing through the proxy. */
  private com.agentbilly.api.actions.ManagerActionRoutes actions(ApplicationContext context) {
    AuditLog log =
        new DynamoDbAuditLog(
            proxied,
            context.getBean(Settings.class).tableName(),
            context.getBean(StackSecrets.class)::auditKey,
            Clock.systemUTC());
    return ActionsFixture.actions(
        context, ActionsFixture.records(context), new RequestAuditor(new DarkAfterAppends(log)));
  }

  private ApiClient manager(DevGateway gateway) {
    return fixture
        .client(gateway)
        .as(LocalStack.MANAGER)
        .withHeader("Idempotency-Key", UUID.randomUUID().toString());
  }

  private List<JsonNode> actions(String org, String action) {
    ApiResponse audit = stack.api().as(LocalStack.OWNER).get("/orgs/" + org + "/audit?limit=100");
    assertThat(audit.status()).as(audit.body()).isEqualTo(200);
    return StreamSupport.stream(audit.json().get("data").spliterator(), false)
        .filter(entry -> entry.get("action").asText().equals(action))
        .toList();
  }

  private List<String> outcomes(String org, String action) {
    return actions(org, action).stream().map(entry -> entry.get("outcome").asText()).toList();
  }

  private boolean chainIsValid(String org) {
    ApiResponse verified = stack.api().as(LocalStack.OWNER).get("/orgs/" + org + "/audit/verify");
    assertThat(verified.status()).as(verified.body()).isEqualTo(200);
    return verified.json().get("valid").asBoolean();
  }

  /** The audit log, switching the proxy dark right after the test's chosen number of appends. */
  private final class DarkAfterAppends implements AuditLog {

    private final AuditLog delegate;

    DarkAfterAppends(AuditLog delegate) {
      this.delegate = delegate;
    }

    @Override
    public AuditEntry append(OrgId org, AuditEvent event) {
      AuditEntry entry = delegate.append(org, event);
      appended();
      return entry;
    }

    @Override
    public Optional<AuditOutcome> appendOnce(OrgId org, AuditEvent event, String onceKey) {
      Optional<AuditOutcome> before = delegate.appendOnce(org, event, onceKey);
      appended();
      return before;
    }

    @Override
    public Page page(OrgId org, int limit, String after) {
      return delegate.page(org, limit, after);
    }

    @Override
    public Verification verify(OrgId org, Progress from, int maxEntries) {
      return delegate.verify(org, from, maxEntries);
    }

    private void appended() {
      if (appends.incrementAndGet() == darkAfterAppends) {
        proxy.goDark();
      }
    }
  }
}
