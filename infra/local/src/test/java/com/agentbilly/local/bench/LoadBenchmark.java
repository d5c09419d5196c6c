package com.agentbilly.local.bench;

import com.agentbilly.config.Settings;
import com.agentbilly.local.Bootstrap;
import com.agentbilly.local.CognitoAuthorizer;
import com.agentbilly.local.DevGateway;
import com.agentbilly.local.LocalStackInfo;
import com.agentbilly.local.SamTemplate;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolClientDescription;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolDescriptionType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The load benchmark ({@code infra/bench/load}): a {@link LoadRun} — signed webhooks for many orgs
 * at once and concurrent API reads as members — through a dev gateway that this JVM starts on
 * loopback with the real handlers (as {@code make dev} and the ITs do), against a running local
 * stack's servers (moto, localstripe and its permission layer). Prints the run's table and the
 * exactly-once check; exits 1 if the check fails. Not a test.
 *
 * <p>Arguments: {@code --orgs N} (default 20), {@code --events N} (deliveries in all, redeliveries
 * included, default 4000), {@code --senders N} (webhook sender threads, default 8), {@code
 * --readers N} (reader threads, one member each, default 4), {@code --seconds N} (the time limit,
 * default 30), {@code --redeliveries PERCENT} (default 10). The load stops at whichever limit comes
 * first. Creates its orgs and users and deletes them at the end.
 */
public final class LoadBenchmark {

  private LoadBenchmark() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException, InterruptedException {
    Map<String, Integer> options = options(args);
    Settings settings = Settings.fromEnvironment();
    SamTemplate template = SamTemplate.fromRepository();
    Pool pool = poolOrBootstrap(template, settings);
    URI endpoint = URI.create(System.getenv("AWS_ENDPOINT_URL").replaceAll("/+$", ""));
    String issuer =
        "https://cognito-idp." + System.getenv("AWS_REGION") + ".amazonaws.com/" + pool.id();
    DevGateway gateway =
        DevGateway.builder(
                template,
                CognitoAuthorizer.remote(
                    issuer,
                    URI.create(endpoint + "/" + pool.id() + "/.well-known/jwks.json"),
                    pool.clientId(),
                    Clock.systemUTC()))
            .scheduleEnabled(false)
            .build()
            .start();
    // What the IT stack sets too: the api function's Lambda client, the authorization server.
    System.setProperty("aws.endpointUrlLambda", gateway.lambdaUri().toString());
    System.setProperty("authorization.server", issuer);
    LoadRun.Report report;
    try {
      report =
          LoadRun.run(
              new LoadRun.Target(
                  gateway.apiUri(),
                  gateway.webhookUri(),
                  pool.id(),
                  pool.clientId(),
                  settings.tableName()),
              new LoadRun.Options(
                  options.get("--orgs"),
                  options.get("--events"),
                  options.get("--senders"),
                  options.get("--readers"),
                  Duration.ofSeconds(options.get("--seconds")),
                  options.get("--redeliveries") / 100.0),
              System.err);
    } finally {
      gateway.stop();
    }
    System.out.printf(
        "Per-member request quota: %s per 10 s (USER_REQUEST_QUOTA).%n%n",
        settings.userRequestQuota() == 0 ? "off" : settings.userRequestQuota());
    report.print(System.out);
    System.out.printf(
        "%nThe local DynamoDB is moto, which takes DynamoDB calls one at a time (see"
            + " infra/aws/moto_server.py), and shares the machine with the load: these figures are"
            + " the local stack's, not what Lambda and DynamoDB would sustain.%n");
    System.out.flush();
    System.exit(report.check().passed() ? 0 : 1);
  }

  private static Map<String, Integer> options(String[] args) {
    Map<String, Integer> options = new LinkedHashMap<>();
    options.put("--orgs", 20);
    options.put("--events", 4000);
    options.put("--senders", 8);
    options.put("--readers", 4);
    options.put("--seconds", 30);
    options.put("--redeliveries", 10);
    for (int i = 0; i < args.length; i += 2) {
      if (!options.containsKey(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "Unknown or incomplete option "
                + args[i]
                + "; use "
                + String.join(", ", options.keySet())
                + " followed by a number.");
      }
      options.put(args[i], Integer.parseInt(args[i + 1]));
    }
    return options;
  }

  private record Pool(String id, String clientId) {}

  /**
   * The stack's user pool and app client as the bootstrap named them; the bootstrap runs only when
   * the table or the pool is missing (a fresh moto), since it renews the demo users' passwords.
   */
  private static Pool poolOrBootstrap(SamTemplate template, Settings settings) throws IOException {
    boolean tableExists;
    try (DynamoDbClient dynamo =
        DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
      dynamo.describeTable(r -> r.tableName(settings.tableName()));
      tableExists = true;
    } catch (ResourceNotFoundException e) {
      tableExists = false;
    }
    if (tableExists) {
      Optional<Pool> existing = existingPool(template);
      if (existing.isPresent()) {
        return existing.get();
      }
    }
    try (Bootstrap bootstrap = new Bootstrap(template, Bootstrap.Settings.fromEnvironment())) {
      LocalStackInfo info = bootstrap.run();
      return new Pool(info.userPoolId(), info.clientId());
    }
  }

  private static Optional<Pool> existingPool(SamTemplate template) {
    String poolName = "agent-billy-" + System.getenv("STAGE");
    Object clientName =
        template
            .properties(template.onlyLogicalIdOfType("AWS::Cognito::UserPoolClient"))
            .getOrDefault("ClientName", "agent-billy-web");
    try (CognitoIdentityProviderClient cognito =
        CognitoIdentityProviderClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {
      Optional<String> pool =
          cognito.listUserPoolsPaginator(r -> r.maxResults(60)).userPools().stream()
              .filter(p -> p.name().equals(poolName))
              .map(UserPoolDescriptionType::id)
              .findFirst();
      if (pool.isEmpty()) {
        return Optional.empty();
      }
      return cognito
          .listUserPoolClientsPaginator(r -> r.userPoolId(pool.get()).maxResults(60))
          .userPoolClients()
          .stream()
          .filter(c -> c.clientName().equals(String.valueOf(clientName)))
          .map(UserPoolClientDescription::clientId)
          .findFirst()
          .map(client -> new Pool(pool.get(), client));
    }
  }
}
