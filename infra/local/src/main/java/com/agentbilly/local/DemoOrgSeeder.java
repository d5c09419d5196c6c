package com.agentbilly.local;

import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.config.AwsClients;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds the demo org the way a user would: the owner signs in and creates it through the API,
 * connects the demo restricted keys through the real {@code PUT /orgs/{org}/keys/{purpose}}, and
 * registers a webhook secret both with the org and with the local Stripe. Manager and viewer are
 * added as members directly in the table until invitations exist.
 */
public final class DemoOrgSeeder {

  static final String DEMO_ORG_NAME = "Demo Billing Co";

  private final LocalStackInfo info;
  private final URI apiBase;
  private final URI lambdaBase;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  /**
   * @param lambdaBase the gateway's Lambda Invoke endpoint, through which the first sync runs
   */
  public DemoOrgSeeder(LocalStackInfo info, URI apiBase, URI lambdaBase) {
    this.info = info;
    this.apiBase = apiBase;
    this.lambdaBase = lambdaBase;
  }

  /** Seeds the demo org and returns its id. */
  public String seed() throws IOException, InterruptedException {
    String ownerToken;
    try (CognitoSignIn cognito = new CognitoSignIn(info.clientId())) {
      ownerToken = cognito.signIn("owner@demo.test", info.user("owner@demo.test").password());
    }
    JsonNode org =
        call(
            ownerToken,
            "POST",
            "/orgs",
            "{\"name\":\"" + DEMO_ORG_NAME + "\",\"mode\":\"test\"}",
            201);
    OrgId orgId = new OrgId(org.get("org_id").asText());
    addMembers(orgId);

    JsonNode demoKeys = demoKeys();
    if (demoKeys != null) {
      for (String purpose : List.of("sync", "manager", "operator", "viewer")) {
        String key = demoKeys.at("/keys/" + purpose + "/key").asText();
        call(
            ownerToken,
            "PUT",
            "/orgs/" + orgId.value() + "/keys/" + purpose,
            json.writeValueAsString(java.util.Map.of("key", key)),
            200);
      }
    }
    registerWebhook(ownerToken, orgId);
    String secretKey = System.getenv("LOCALSTRIPE_SECRET_KEY");
    String stripeApiBase = System.getenv("STRIPE_API_BASE");
    if (demoKeys != null && secretKey != null && stripeApiBase != null) {
      try {
        new DemoAccountSeeder(stripeApiBase, secretKey).seed();
      } catch (com.stripe.exception.StripeException e) {
        throw new IllegalStateException("Seeding the local Stripe failed: " + e.getMessage(), e);
      }
      firstSync(orgId);
    }
    return orgId.value();
  }

  /** Runs the demo org's first sync through Lambda's Invoke API, and waits for it. */
  private void firstSync(OrgId org) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    lambdaBase.resolve("/2015-03-31/functions/SyncFunction/invocations"))
                .header("X-Amz-Invocation-Type", "RequestResponse")
                .POST(HttpRequest.BodyPublishers.ofString("{\"org_id\":\"" + org.value() + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200
        || !json.readTree(response.body()).path("failed").asText("0").equals("0")) {
      throw new IllegalStateException("The demo org's first sync failed: " + response.body());
    }
  }

  private void addMembers(OrgId org) {
    try (DynamoDbClient dynamo = AwsClients.dynamoDb()) {
      DynamoDbOrgStore orgs = new DynamoDbOrgStore(dynamo, info.table());
      for (LocalStackInfo.DemoUser user : info.users()) {
        Role role = user.roleInDemoOrg().flatMap(Role::fromWireName).orElse(null);
        if (role != null && role != Role.OWNER) {
          orgs.putMembership(
              new Membership(org, DEMO_ORG_NAME, user.sub(), user.username(), role, Instant.now()));
        }
      }
    }
  }

  /** A fresh signing secret, stored on the org and registered with localstripe for its webhooks. */
  private void registerWebhook(String ownerToken, OrgId org)
      throws IOException, InterruptedException {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String secret = "whsec_" + HexFormat.of().formatHex(random);
    JsonNode webhook =
        call(
            ownerToken,
            "PUT",
            "/orgs/" + org.value() + "/webhook-secret",
            "{\"secret\":\"" + secret + "\"}",
            200);
    String localstripe = System.getenv("LOCALSTRIPE_URL");
    String url = webhook.path("url").asText(null);
    if (localstripe == null || url == null) {
      return;
    }
    String form =
        "url="
            + java.net.URLEncoder.encode(url, java.nio.charset.StandardCharsets.UTF_8)
            + "&secret="
            + secret;
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(localstripe + "/_config/webhooks/" + org.value()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          "localstripe refused the webhook registration: HTTP " + response.statusCode());
    }
  }

  private JsonNode demoKeys() throws IOException {
    String path = System.getenv("STRIPE_LAYER_KEYS");
    return path == null || !Files.exists(Path.of(path))
        ? null
        : json.readTree(Path.of(path).toFile());
  }

  private JsonNode call(String token, String method, String path, String body, int expected)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(apiBase.resolve(path))
                .header("Authorization", token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IllegalStateException(
          "Seeding the demo org failed: "
              + method
              + " "
              + path.replaceAll("org_[a-z2-7]+", "{org}")
              + " answered "
              + response.statusCode()
              + " "
              + response.body());
    }
    return response.body().isEmpty() ? json.nullNode() : json.readTree(response.body());
  }
}
