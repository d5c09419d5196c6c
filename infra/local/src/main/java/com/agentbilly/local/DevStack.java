package com.agentbilly.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code make dev}: bootstraps the local AWS, runs the functions behind the dev gateway (API on
 * {@code DEV_API_PORT} 3000, function URL on {@code DEV_WEBHOOK_PORT} 3001, Lambda on {@code
 * DEV_LAMBDA_PORT} 3002, schedule on), seeds the demo org, writes {@code .local/stack.json} ({@code
 * STACK_FILE}) once everything is ready, and runs until SIGINT/SIGTERM, when it stops the gateway
 * and removes the stack file.
 */
public final class DevStack {

  private static final Logger LOG = LoggerFactory.getLogger(DevStack.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DevStack() {}

  public static void main(String[] args) {
    try {
      run();
    } catch (Exception e) {
      LOG.error("The local stack could not start", e);
      System.exit(1);
    }
  }

  private static void run() throws Exception {
    Path repository = SamTemplate.findRepositoryRoot(Path.of("").toAbsolutePath());
    SamTemplate template = SamTemplate.load(repository.resolve(SamTemplate.FILE_NAME));
    Path stackFile =
        Path.of(
                env("STACK_FILE")
                    .orElse(repository.resolve(".local").resolve("stack.json").toString()))
            .toAbsolutePath();
    Files.deleteIfExists(stackFile);

    LocalStackInfo info;
    try (Bootstrap bootstrap = new Bootstrap(template, Bootstrap.Settings.fromEnvironment())) {
      info = bootstrap.run();
    }

    DevGateway gateway =
        DevGateway.builder(template, CognitoAuthorizer.forStack(info, Clock.systemUTC()))
            .apiPort(port("DEV_API_PORT", 3000))
            .webhookPort(port("DEV_WEBHOOK_PORT", 3001))
            .lambdaPort(port("DEV_LAMBDA_PORT", 3002))
            .scheduleEnabled(true)
            .build()
            .start();
    // The api function's Lambda client must reach this gateway whatever AWS_ENDPOINT_URL_LAMBDA
    // says.
    System.setProperty("aws.endpointUrlLambda", gateway.lambdaUri().toString());
    // What template.yaml sets as AUTHORIZATION_SERVER: the issuer of the (moto) user pool.
    System.setProperty("authorization.server", info.issuer());
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("dev-stack-shutdown")
                .unstarted(
                    () -> {
                      gateway.stop();
                      try {
                        Files.deleteIfExists(stackFile);
                      } catch (IOException e) {
                        LOG.warn("Could not remove {}", stackFile, e);
                      }
                    }));
    warnIfWebhookBaseUrlDiffers(gateway.webhookUri());

    String demoOrgId = new DemoOrgSeeder(info, gateway.apiUri(), gateway.lambdaUri()).seed();
    Map<String, Object> stack =
        stackFile(
            info,
            gateway,
            demoOrgId,
            env("STRIPE_API_BASE").orElse(null),
            stripeKeys(System.getenv()));
    writeAtomically(stackFile, JSON.writeValueAsBytes(stack));
    System.out.println(banner(info, gateway, demoOrgId, stackFile));
    new CountDownLatch(1).await();
  }

  /** The stack file's content, in API.md's shape; only what is known is included. */
  static Map<String, Object> stackFile(
      LocalStackInfo info,
      DevGateway gateway,
      String demoOrgId,
      String stripeApiBase,
      Map<String, String> stripeKeys) {
    Map<String, Object> stack = new LinkedHashMap<>();
    stack.put("api_url", gateway.apiUri().toString());
    env("WEB_URL").ifPresent(url -> stack.put("web_url", url));
    stack.put("mcp_url", gateway.apiUri() + "/mcp");
    stack.put("webhook_url", gateway.webhookUri().toString());
    stack.put("aws_endpoint", info.endpoint().toString());
    stack.put("region", info.region());
    stack.put("table", info.table());
    stack.put("cognito", Map.of("user_pool_id", info.userPoolId(), "client_id", info.clientId()));
    if (stripeApiBase != null) {
      stack.put("stripe_api_base", stripeApiBase);
    }
    if (!stripeKeys.isEmpty()) {
      stack.put("stripe_keys", stripeKeys);
    }
    stack.put(
        "users",
        info.users().stream()
            .map(
                u -> {
                  Map<String, Object> user = new LinkedHashMap<>();
                  user.put("username", u.username());
                  user.put("password", u.password());
                  user.put("role", u.role());
                  return user;
                })
            .toList());
    if (demoOrgId != null) {
      stack.put("demo_org_id", demoOrgId);
    }
    return stack;
  }

  /**
   * {@code secret} from {@code LOCALSTRIPE_SECRET_KEY} (else the layer's {@code secret_key}), then
   * each demo key of the permission layer's key file ({@code STRIPE_LAYER_KEYS}) by name.
   */
  static Map<String, String> stripeKeys(Map<String, String> env) throws IOException {
    Map<String, String> keys = new LinkedHashMap<>();
    Optional.ofNullable(env.get("LOCALSTRIPE_SECRET_KEY"))
        .filter(secret -> !secret.isBlank())
        .ifPresent(secret -> keys.put("secret", secret));
    Path layerKeys =
        Optional.ofNullable(env.get("STRIPE_LAYER_KEYS"))
            .filter(path -> !path.isBlank())
            .map(Path::of)
            .orElse(null);
    if (layerKeys == null || !Files.isRegularFile(layerKeys)) {
      return keys;
    }
    JsonNode config = JSON.readTree(layerKeys.toFile());
    if (!keys.containsKey("secret") && config.path("secret_key").isTextual()) {
      keys.put("secret", config.path("secret_key").asText());
    }
    config
        .path("keys")
        .properties()
        .forEach(
            entry -> {
              JsonNode key = entry.getValue().path("key");
              if (key.isTextual()) {
                keys.put(entry.getKey(), key.asText());
              }
            });
    return keys;
  }

  /** Temp file in the same directory, then an atomic rename: readers never see half a file. */
  static void writeAtomically(Path target, byte[] content) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Path temp = Files.createTempFile(directory, target.getFileName().toString(), ".tmp");
    try {
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      }
      Files.write(temp, content);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static String banner(
      LocalStackInfo info, DevGateway gateway, String demoOrgId, Path stackFile) {
    LocalStackInfo.DemoUser owner = info.users().getFirst();
    String signIn =
        "{\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"ClientId\":\"%s\",\"AuthParameters\":{\"USERNAME\":\"%s\",\"PASSWORD\":\"%s\"}}"
            .formatted(info.clientId(), owner.username(), owner.password());
    StringBuilder users = new StringBuilder();
    for (LocalStackInfo.DemoUser u : info.users()) {
      users.append(
          "    %-20s %-26s %s%n"
              .formatted(u.username(), u.password(), u.role() == null ? "(no org)" : u.role()));
    }
    String dashboard =
        env("WEB_URL")
            .map(url -> "  Dashboard      " + url + "  (sign in as any user below)")
            .orElse("  Dashboard      (not served: make dev serves it)");
    return String.join(
        System.lineSeparator(),
        List.of(
            "",
            "Agent Billy local stack is ready.",
            dashboard,
            "  API            " + gateway.apiUri(),
            "  MCP (agents)   " + gateway.apiUri() + "/mcp",
            "  Function URL   " + gateway.webhookUri() + "/orgs/<org id>",
            "  Lambda Invoke  " + gateway.lambdaUri(),
            "  AWS (moto)     " + info.endpoint() + "  (user pool " + info.userPoolId() + ")",
            "  Demo org       " + (demoOrgId == null ? "(not seeded)" : demoOrgId),
            "  Stack file     " + stackFile + "  (passwords and keys)",
            "  Users (username, password, role in the demo org):",
            users.toString().stripTrailing(),
            "",
            "Sign in as the owner the way the browser does, then call the API:",
            "  TOKEN=$(curl -s " + info.endpoint() + "/ \\",
            "    -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \\",
            "    -H 'Content-Type: application/x-amz-json-1.1' \\",
            "    -d '" + signIn + "' \\",
            "    | sed -E 's/.*\"IdToken\": *\"([^\"]+)\".*/\\1/')",
            "  curl -s -H \"Authorization: $TOKEN\" " + gateway.apiUri() + "/me",
            "",
            "Ctrl-C stops the stack and removes the stack file.",
            ""));
  }

  private static void warnIfWebhookBaseUrlDiffers(URI webhookUri) {
    env("WEBHOOK_BASE_URL")
        .filter(base -> URI.create(base).getPort() != webhookUri.getPort())
        .ifPresent(
            base ->
                LOG.warn(
                    "WEBHOOK_BASE_URL is {} but the function URL listens on {}", base, webhookUri));
  }

  private static int port(String variable, int defaultPort) {
    return env(variable).map(Integer::parseInt).orElse(defaultPort);
  }

  private static Optional<String> env(String name) {
    return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
  }
}
