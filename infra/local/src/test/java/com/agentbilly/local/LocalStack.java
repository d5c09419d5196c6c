package com.agentbilly.local;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The local stack for {@code *IT} tests, started once per JVM: checks the environment that {@code
 * make test} sets, resets moto, bootstraps it like the deployed stack and starts a {@link
 * DevGateway} on free ports (schedule off) running the real handlers.
 *
 * <pre>{@code
 * @WithLocalStack
 * class SomethingIT {
 *   private final LocalStack stack;
 *   SomethingIT(LocalStack stack) { this.stack = stack; }
 *
 *   @Test void ownerSeesTheOrg() {
 *     ApiResponse me = stack.api().as(LocalStack.OWNER).get("/me");
 *   }
 * }
 * }</pre>
 */
public final class LocalStack {

  public static final String OWNER = "owner@demo.test";
  public static final String MANAGER = "manager@demo.test";
  public static final String OPERATOR = "operator@demo.test";
  public static final String VIEWER = "viewer@demo.test";
  public static final String OUTSIDER = "outsider@demo.test";

  private static final String HOW_TO_RUN =
      "The *IT tests run against the local stack that `make test` starts and configures"
          + " (moto, localstripe, stripe-mock and the environment variables the functions read)."
          + " Run them with `make test`.";

  private static LocalStack instance;
  private static RuntimeException startFailure;

  private final SamTemplate template;
  private final LocalStackInfo info;
  private final DevGateway gateway;
  private final Map<String, String> idTokens = new ConcurrentHashMap<>();

  private LocalStack(SamTemplate template, LocalStackInfo info, DevGateway gateway) {
    this.template = template;
    this.info = info;
    this.gateway = gateway;
  }

  /** The stack of this JVM, started on first use. */
  public static synchronized LocalStack get() {
    if (startFailure != null) {
      throw startFailure;
    }
    if (instance == null) {
      try {
        instance = start();
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
      Runtime.getRuntime()
          .addShutdownHook(Thread.ofPlatform().unstarted(() -> instance.gateway.stop()));
    }
    return instance;
  }

  private static LocalStack start() {
    String endpoint = System.getenv("AWS_ENDPOINT_URL");
    if (endpoint == null || endpoint.isBlank()) {
      throw new IllegalStateException("AWS_ENDPOINT_URL is not set. " + HOW_TO_RUN);
    }
    Bootstrap.Settings settings;
    try {
      settings = Bootstrap.Settings.fromEnvironment();
    } catch (IllegalStateException e) {
      throw new IllegalStateException(e.getMessage() + ". " + HOW_TO_RUN, e);
    }
    resetMoto(URI.create(endpoint));
    try {
      SamTemplate template = SamTemplate.fromRepository();
      LocalStackInfo info;
      try (Bootstrap bootstrap = new Bootstrap(template, settings)) {
        info = bootstrap.run();
      }
      DevGateway gateway =
          DevGateway.builder(template, CognitoAuthorizer.forStack(info, Clock.systemUTC()))
              .webhookPort(webhookPortFromEnvironment())
              .scheduleEnabled(false)
              .build()
              .start();
      // The api function's Lambda client reaches this gateway's (ephemeral) Invoke port.
      System.setProperty("aws.endpointUrlLambda", gateway.lambdaUri().toString());
      // What template.yaml sets as AUTHORIZATION_SERVER: the issuer of the (moto) user pool.
      System.setProperty("authorization.server", info.issuer());
      return new LocalStack(template, info, gateway);
    } catch (IOException e) {
      throw new IllegalStateException("Could not start the local stack: " + e.getMessage(), e);
    }
  }

  /**
   * The function URL listens where {@code WEBHOOK_BASE_URL} (what the onboarding function hands
   * out) says, when that is this machine; anywhere free otherwise.
   */
  private static int webhookPortFromEnvironment() {
    String base = System.getenv("WEBHOOK_BASE_URL");
    if (base == null || base.isBlank()) {
      return 0;
    }
    URI uri = URI.create(base);
    boolean local = "127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost());
    return local && uri.getPort() > 0 ? uri.getPort() : 0;
  }

  private static void resetMoto(URI endpoint) {
    URI reset = URI.create(endpoint.toString().replaceAll("/+$", "") + "/moto-api/reset");
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(reset)
                  .timeout(Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "moto at "
                + endpoint
                + " answered "
                + response.statusCode()
                + " to a reset: is AWS_ENDPOINT_URL a moto_server? "
                + HOW_TO_RUN);
      }
    } catch (ConnectException | HttpTimeoutException e) {
      throw new IllegalStateException(
          "moto does not answer at " + endpoint + " (AWS_ENDPOINT_URL). " + HOW_TO_RUN, e);
    } catch (IOException e) {
      throw new IllegalStateException("Could not reset moto at " + endpoint + ". " + HOW_TO_RUN, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while resetting moto", e);
    }
  }

  public SamTemplate template() {
    return template;
  }

  /** What the bootstrap made: user pool, client, table, demo users (with passwords and subs). */
  public LocalStackInfo info() {
    return info;
  }

  public DevGateway gateway() {
    return gateway;
  }

  public URI apiUri() {
    return gateway.apiUri();
  }

  public URI webhookUri() {
    return gateway.webhookUri();
  }

  public URI lambdaUri() {
    return gateway.lambdaUri();
  }

  /** A demo user's Cognito ID token, signed in once (the way the browser does) and cached. */
  public String idToken(String username) {
    return idTokens.computeIfAbsent(
        username,
        u -> {
          try (CognitoSignIn cognito = new CognitoSignIn(info.clientId())) {
            return cognito.signIn(u, info.user(u).password());
          }
        });
  }

  /** The API, anonymous until {@code as(user)} or {@code withAuthorization(…)}. */
  public ApiClient api() {
    return new ApiClient(apiUri(), this::idToken);
  }

  /** The webhook function's URL (no Cognito there). */
  public ApiClient functionUrl() {
    return new ApiClient(webhookUri(), this::idToken);
  }

  /** How often a function has run so far (to prove that a refused request never reached it). */
  public int invocations(String functionLogicalId) {
    return gateway.invocations(functionLogicalId);
  }

  /** Resolves {@link LocalStack} parameters; see {@link WithLocalStack}. */
  public static final class Extension implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return LocalStack.get();
    }
  }
}
