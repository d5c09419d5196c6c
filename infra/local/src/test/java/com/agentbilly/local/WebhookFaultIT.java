package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.aws.KmsSecretsManagerKeyVault;
import com.agentbilly.adapter.dynamodb.DynamoDbEventLedger;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.adapter.stripe.StripeApiObjectFetcher;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.config.AwsClients;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.ListPage;
import com.agentbilly.domain.mirror.ListQuery;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.mirror.WriteOutcome;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.testing.WebhookRequests;
import com.agentbilly.webhook.ApplyStripeEvent;
import com.agentbilly.webhook.WebhookHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The webhook when DynamoDB stops answering: the handler is built here with real adapters, the
 * mirror and the ledger on a DynamoDB client that reaches moto through a {@link SwitchableProxy},
 * so the real SDK meets a real outage (timeouts after its retries) while the shared moto keeps
 * serving everyone else. Every delivery that meets the outage answers 500 and leaves no ledger
 * record; once DynamoDB is back, Stripe's redelivery is applied exactly once.
 */
@WithLocalStack
class WebhookFaultIT {

  private static final String CUSTOMER_ID = "cus_test_fault";

  private final LocalStack stack;
  private final ApiClient owner;
  private final Settings settings = Settings.fromEnvironment();
  private SwitchableProxy proxy;
  private DynamoDbClient direct;
  private DynamoDbClient proxied;
  private DynamoDbMirrorStore mirror;
  private DynamoDbEventLedger ledger;
  private final List<Runnable> afterNextWrite = new CopyOnWriteArrayList<>();
  private WebhookHandler handler;
  private OrgId org;
  private String secret;

  WebhookFaultIT(LocalStack stack) {
    this.stack = stack;
    this.owner = stack.api().as(LocalStack.OWNER);
  }

  @BeforeEach
  void handlerWithDynamoDbBehindASwitchableProxy() throws IOException {
    proxy = new SwitchableProxy(URI.create(System.getenv("AWS_ENDPOINT_URL")));
    direct = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    proxied = proxy.dynamoDb();
    String table = stack.info().table();
    mirror = new DynamoDbMirrorStore(proxied, table, new byte[32], Clock.systemUTC());
    ledger = new DynamoDbEventLedger(proxied, table);
    KmsSecretsManagerKeyVault vault =
        new KmsSecretsManagerKeyVault(
            AwsClients::kms,
            AwsClients::secretsManager,
            settings.kmsKeyId(),
            settings.secretPrefix(),
            EnumSet.of(SecretPurpose.WEBHOOK, SecretPurpose.SYNC),
            false,
            Clock.systemUTC(),
            KmsSecretsManagerKeyVault.DEFAULT_CACHE_TTL);
    handler =
        new WebhookHandler(
            new ApplyStripeEvent(
                new DynamoDbOrgStore(direct, table),
                vault,
                new OutageAfterWrite(mirror),
                ledger,
                new StripeApiObjectFetcher(
                    vault, StripeClients.interactive(settings.stripeApiBase()), Clock.systemUTC()),
                Clock.systemUTC()));

    ApiResponse created = owner.post("/orgs", Map.of("name", "Webhook Fault IT", "mode", "test"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    org = new OrgId(created.json().get("org_id").asText());
    secret = "whsec_faultit" + org.value().substring(4);
    ApiResponse configured =
        owner.put("/orgs/" + org + "/webhook-secret", Map.of("secret", secret));
    assertThat(configured.status()).as(configured.body()).isEqualTo(200);
  }

  @AfterEach
  void close() {
    proxy.close();
    proxied.close();
    direct.close();
  }

  @Test
  void anOutageBeforeTheWriteAnswers500AndTheRedeliveryAppliesTheEventOnce() {
    String body = customerCreated("evt_test_fault_1");
    proxy.goDark();

    APIGatewayV2HTTPResponse failed = deliver(body);

    assertThat(failed.getStatusCode()).isEqualTo(500);
    assertThat(failed.getBody()).contains("\"internal\"");
    proxy.comeBack();
    assertThat(ledger.contains(org, "evt_test_fault_1")).isFalse();
    assertThat(mirror.get(org, ObjectType.CUSTOMER, CUSTOMER_ID)).isEmpty();

    APIGatewayV2HTTPResponse redelivered = deliver(body);

    assertThat(redelivered.getStatusCode()).as(redelivered.getBody()).isEqualTo(200);
    assertThat(redelivered.getBody()).isEqualTo("{\"received\":true,\"duplicate\":false}");
    assertThat(mirror.get(org, ObjectType.CUSTOMER, CUSTOMER_ID).map(MirrorItem::deleted))
        .contains(false);
    assertThat(ledger.contains(org, "evt_test_fault_1")).isTrue();
    assertThat(deliver(body).getBody()).isEqualTo("{\"received\":true,\"duplicate\":true}");
  }

  @Test
  void anOutageBetweenTheWriteAndTheLedgerRecordAnswers500AndTheRedeliveryIsAppliedOnce() {
    String body = customerCreated("evt_test_fault_2");
    afterNextWrite.add(proxy::goDark);

    APIGatewayV2HTTPResponse failed = deliver(body);

    assertThat(failed.getStatusCode()).isEqualTo(500);
    proxy.comeBack();
    assertThat(ledger.contains(org, "evt_test_fault_2")).isFalse();
    MirrorItem written = mirror.get(org, ObjectType.CUSTOMER, CUSTOMER_ID).orElseThrow();

    APIGatewayV2HTTPResponse redelivered = deliver(body);

    assertThat(redelivered.getStatusCode()).as(redelivered.getBody()).isEqualTo(200);
    assertThat(redelivered.getBody()).isEqualTo("{\"received\":true,\"duplicate\":false}");
    assertThat(ledger.contains(org, "evt_test_fault_2")).isTrue();
    MirrorItem after = mirror.get(org, ObjectType.CUSTOMER, CUSTOMER_ID).orElseThrow();
    assertThat(after).isEqualTo(written);
    assertThat(deliver(body).getBody()).isEqualTo("{\"received\":true,\"duplicate\":true}");
  }

  private String customerCreated(String eventId) {
    return WebhookRequests.customerCreated(
        eventId, CUSTOMER_ID, Instant.now().getEpochSecond() - 1);
  }

  private APIGatewayV2HTTPResponse deliver(String body) {
    return handler.handle(WebhookRequests.signedDelivery(org.value(), body, secret), null);
  }

  /** The mirror, running what the test scheduled right after its next successful write. */
  private final class OutageAfterWrite implements MirrorStore {

    private final MirrorStore delegate;

    OutageAfterWrite(MirrorStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public WriteOutcome write(OrgId org, MirrorDocument document) {
      WriteOutcome outcome = delegate.write(org, document);
      afterNextWrite.forEach(Runnable::run);
      afterNextWrite.clear();
      return outcome;
    }

    @Override
    public Optional<MirrorItem> get(OrgId org, ObjectType type, String id) {
      return delegate.get(org, type, id);
    }

    @Override
    public ListPage list(OrgId org, ListQuery query) {
      return delegate.list(org, query);
    }
  }
}
