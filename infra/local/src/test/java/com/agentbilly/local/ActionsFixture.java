package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.dynamodb.DynamoDbIdempotencyStore;
import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.adapter.dynamodb.DynamoDbRefundLimitStore;
import com.agentbilly.adapter.stripe.StripeApiActions;
import com.agentbilly.adapter.stripe.StripeApiObjectFetcher;
import com.agentbilly.adapter.stripe.StripeClients;
import com.agentbilly.api.ApiHandler;
import com.agentbilly.api.ApiRoutes;
import com.agentbilly.api.ApiServices;
import com.agentbilly.api.actions.ManagerActionRoutes;
import com.agentbilly.api.audit.AuditTrail;
import com.agentbilly.api.invitations.InvitationService;
import com.agentbilly.api.mirror.MirrorReads;
import com.agentbilly.api.orgs.OrgService;
import com.agentbilly.api.summary.SummaryReads;
import com.agentbilly.api.sync.SyncRequests;
import com.agentbilly.config.FunctionContext;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.mirror.GuardedMirrorWrite;
import com.agentbilly.port.IdempotencyStore;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.port.KeyVault;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.port.OrgStore;
import com.agentbilly.port.SyncStateStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiResource.RequestMethod;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What the manager-action ITs share: an org of the demo owner with the demo manager and viewer as
 * members and the manager and viewer keys connected (through the API), the local Stripe seen with
 * its secret key (to make charges and subscriptions, and to count refunds), and a second dev
 * gateway whose api function is a wiring chosen by the test.
 */
final class ActionsFixture {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalStack stack;
  private final JsonNode demoKeys;
  private final StripeClient stripe;
  private final DynamoDbOrgStore orgStore;

  ActionsFixture(LocalStack stack) {
    this.stack = stack;
    String file = System.getenv("STRIPE_LAYER_KEYS");
    assertThat(file).as("STRIPE_LAYER_KEYS (set by make test)").isNotBlank();
    try {
      this.demoKeys = JSON.readTree(Path.of(file).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.stripe =
        StripeClient.builder()
            .setApiKey(demoKeys.get("secret_key").asText())
            .setApiBase(System.getenv("STRIPE_API_BASE"))
            .build();
    this.orgStore =
        new DynamoDbOrgStore(
            DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
            stack.info().table());
  }

  /** A new org of the demo owner with the demo manager and viewer, and the given keys connected. */
  String org(String... purposes) {
    ApiResponse created =
        stack
            .api()
            .as(LocalStack.OWNER)
            .post("/orgs", Map.of("name", "Actions IT", "mode", "test"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String org = created.json().get("org_id").asText();
    member(org, LocalStack.MANAGER, Role.MANAGER);
    member(org, LocalStack.OPERATOR, Role.OPERATOR);
    member(org, LocalStack.VIEWER, Role.VIEWER);
    for (String purpose : purposes) {
      ApiResponse connected =
          stack
              .api()
              .as(LocalStack.OWNER)
              .put(
                  "/orgs/" + org + "/keys/" + purpose,
                  Map.of("key", demoKeys.at("/keys/" + purpose + "/key").asText()));
      assertThat(connected.status()).as(connected.body()).isEqualTo(200);
    }
    return org;
  }

  private void member(String org, String username, Role role) {
    orgStore.putMembership(
        new Membership(
            new OrgId(org),
            "Actions IT",
            stack.info().user(username).sub(),
            username,
            role,
            Instant.now()));
  }

  /** A paid charge of {@code amount} cents on a new customer with a test card. */
  String charge(long amount) {
    String token =
        post(
                "/v1/tokens",
                "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123")
            .get("id")
            .asText();
    String customer =
        post("/v1/customers", "email=refund-it%40example.test&source=" + token).get("id").asText();
    return post("/v1/charges", "amount=" + amount + "&currency=usd&customer=" + customer)
        .get("id")
        .asText();
  }

  /** The refunds Stripe holds for {@code charge}. */
  JsonNode refundsOf(String charge) {
    return get("/v1/refunds?limit=100&charge=" + charge).get("data");
  }

  /** An active single-item subscription of a new customer to a new monthly plan. */
  JsonNode subscription() {
    String token =
        post(
                "/v1/tokens",
                "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123")
            .get("id")
            .asText();
    String customer =
        post("/v1/customers", "email=subs-it%40example.test&source=" + token).get("id").asText();
    String product = post("/v1/products", "name=Actions+IT&type=service").get("id").asText();
    String plan =
        post("/v1/plans", "product=" + product + "&currency=usd&amount=1500&interval=month")
            .get("id")
            .asText();
    return post("/v1/subscriptions", "customer=" + customer + "&items[0][plan]=" + plan);
  }

  JsonNode stripeObject(String path) {
    return get(path);
  }

  /**
   * The api function's real wiring (DynamoDB, KMS, Secrets Manager, Stripe through the permission
   * layer) with the manager actions replaced by {@code actions}, built from the same beans.
   */
  static ApiHandler apiWith(Function<ApplicationContext, ManagerActionRoutes> actions) {
    ApplicationContext context = FunctionContext.start("api");
    return new ApiHandler(
        ApiRoutes.router(
            new ApiServices(
                context.getBean(OrgStore.class),
                context.getBean(KeyMetadataStore.class),
                context.getBean(OrgService.class),
                context.getBean(RequestAuditor.class),
                context.getBean(Settings.class),
                context.getBean(MirrorReads.class),
                context.getBean(AuditTrail.class),
                context.getBean(SyncStateStore.class),
                context.getBean(SyncRequests.class),
                context.getBean(InvitationService.class),
                context.getBean(SummaryReads.class),
                actions.apply(context))));
  }

  /**
   * The api function's manager actions wired as {@code ApiBeans} wires them, from the same beans,
   * except for their idempotency records and their audit, which the test chooses.
   */
  static ManagerActionRoutes actions(
      ApplicationContext context, IdempotencyStore records, RequestAuditor audit) {
    return actions(
        context,
        records,
        audit,
        StripeClients.interactive(context.getBean(Settings.class).stripeApiBase()));
  }

  /** The same, reaching Stripe through {@code clients}. */
  static ManagerActionRoutes actions(
      ApplicationContext context,
      IdempotencyStore records,
      RequestAuditor audit,
      StripeClients clients) {
    Settings settings = context.getBean(Settings.class);
    KeyVault vault = context.getBean(KeyVault.class);
    Clock clock = context.getBean(Clock.class);
    return new ManagerActionRoutes(
        vault,
        new StripeApiActions(clients),
        records,
        new GuardedMirrorWrite(
            context.getBean(MirrorStore.class),
            new StripeApiObjectFetcher(vault, SecretPurpose.MANAGER, clients, clock)),
        audit,
        clock,
        new DynamoDbRefundLimitStore(context.getBean(DynamoDbClient.class), settings.tableName()));
  }

  /** The stack's idempotency records, as the api function keeps them. */
  static IdempotencyStore records(ApplicationContext context) {
    return new DynamoDbIdempotencyStore(
        context.getBean(DynamoDbClient.class), context.getBean(Settings.class).tableName());
  }

  /** A second dev gateway on free ports whose api function is {@code api}; close it after use. */
  DevGateway gatewayWith(Object api) throws IOException {
    return DevGateway.builder(
            stack.template(), CognitoAuthorizer.forStack(stack.info(), Clock.systemUTC()))
        .scheduleEnabled(false)
        .handlerFactory(
            function ->
                function.logicalId().equals("ApiFunction")
                    ? api
                    : HandlerFactory.byClassName().create(function))
        .build()
        .start();
  }

  ApiClient client(DevGateway gateway) {
    return new ApiClient(gateway.apiUri(), stack::idToken);
  }

  private JsonNode post(String path, String form) {
    try {
      return JSON.readTree(stripe.rawRequest(RequestMethod.POST, path, form).body());
    } catch (StripeException | IOException e) {
      throw new IllegalStateException("the local Stripe refused POST " + path, e);
    }
  }

  private JsonNode get(String path) {
    try {
      return JSON.readTree(stripe.rawRequest(RequestMethod.GET, path, null).body());
    } catch (StripeException | IOException e) {
      throw new IllegalStateException("the local Stripe refused GET " + path, e);
    }
  }
}
