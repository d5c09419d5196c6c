package com.agentbilly.local;

import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AdminCreateUserConfigType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AdminGetUserResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.CreateUserPoolClientRequest;
import software.amazon.awssdk.services.cognitoidentityprovider.model.CreateUserPoolRequest;
import software.amazon.awssdk.services.cognitoidentityprovider.model.MessageActionType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.PasswordPolicyType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.SchemaAttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.TokenValidityUnitsType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserNotFoundException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolClientDescription;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolDescriptionType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolPolicyType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetRandomPasswordRequest;

/**
 * Makes the local AWS (moto, at {@code AWS_ENDPOINT_URL}) look like the deployed stack, from {@code
 * template.yaml}: the table (with TTL), the KMS key and its alias, the three stack secrets
 * (generated the way {@code GenerateSecretString} does), the Cognito user pool and app client, and
 * the demo users with generated passwords. Idempotent: what exists is left as it is (a demo user
 * that exists gets a new password, since nobody can read the old one).
 */
public final class Bootstrap implements AutoCloseable {

  /** Demo users (username = verified email) and the role each gets in the demo org. */
  public static final Map<String, String> DEMO_USERS = demoUsers();

  private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
  private static final List<String> STACK_SECRET_VARIABLES =
      List.of("FINGERPRINT_SECRET_ID", "CURSOR_SECRET_ID", "AUDIT_SECRET_ID");

  private final SamTemplate template;
  private final Settings settings;
  private final SdkHttpClient http;
  private final DynamoDbClient dynamoDb;
  private final KmsClient kms;
  private final SecretsManagerClient secrets;
  private final CognitoIdentityProviderClient cognito;
  private final SecureRandom random = new SecureRandom();

  public Bootstrap(SamTemplate template, Settings settings) {
    this.template = template;
    this.settings = settings;
    this.http = UrlConnectionHttpClient.create();
    this.dynamoDb = DynamoDbClient.builder().httpClient(http).build();
    this.kms = KmsClient.builder().httpClient(http).build();
    this.secrets = SecretsManagerClient.builder().httpClient(http).build();
    this.cognito = CognitoIdentityProviderClient.builder().httpClient(http).build();
  }

  /** Creates whatever is missing and returns where everything is. */
  public LocalStackInfo run() {
    createTable();
    String keyArn = createKmsKey();
    for (String variable : STACK_SECRET_VARIABLES) {
      createStackSecret(variable, settings.env(variable), keyArn);
    }
    String userPoolId = createUserPool();
    String clientId = createUserPoolClient(userPoolId);
    List<LocalStackInfo.DemoUser> users = new ArrayList<>();
    DEMO_USERS.forEach((username, role) -> users.add(createDemoUser(userPoolId, username, role)));
    return new LocalStackInfo(
        settings.endpoint(),
        settings.region(),
        settings.stage(),
        settings.table(),
        settings.kmsKeyAlias(),
        keyArn,
        STACK_SECRET_VARIABLES.stream().map(settings::env).toList(),
        userPoolId,
        clientId,
        users);
  }

  // ---------------------------------------------------------------- DynamoDB

  private void createTable() {
    String table = settings.table();
    try {
      dynamoDb.describeTable(r -> r.tableName(table));
      LOG.info("Table {} exists", table);
    } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
      dynamoDb.createTable(template.createTableRequest(table));
      try (DynamoDbWaiter waiter = dynamoDb.waiter()) {
        waiter.waitUntilTableExists(r -> r.tableName(table));
      }
      LOG.info("Created table {}", table);
    }
    Optional<TimeToLiveSpecification> ttl = template.timeToLive();
    if (ttl.isPresent() && Boolean.TRUE.equals(ttl.get().enabled())) {
      TimeToLiveStatus status =
          dynamoDb
              .describeTimeToLive(r -> r.tableName(table))
              .timeToLiveDescription()
              .timeToLiveStatus();
      if (status != TimeToLiveStatus.ENABLED && status != TimeToLiveStatus.ENABLING) {
        dynamoDb.updateTimeToLive(r -> r.tableName(table).timeToLiveSpecification(ttl.get()));
        LOG.info("Enabled TTL on {}.{}", table, ttl.get().attributeName());
      }
    }
  }

  // ---------------------------------------------------------------- KMS

  private String createKmsKey() {
    String alias = settings.kmsKeyAlias();
    try {
      String arn = kms.describeKey(r -> r.keyId(alias)).keyMetadata().arn();
      LOG.info("KMS key {} exists", alias);
      return arn;
    } catch (NotFoundException e) {
      String keyLogicalId = template.onlyLogicalIdOfType("AWS::KMS::Key");
      Map<String, Object> props = template.properties(keyLogicalId);
      var key =
          kms.createKey(
                  r ->
                      r.description(String.valueOf(props.getOrDefault("Description", "")))
                          .keySpec(KeySpec.SYMMETRIC_DEFAULT)
                          .keyUsage(KeyUsageType.ENCRYPT_DECRYPT))
              .keyMetadata();
      kms.createAlias(r -> r.aliasName(alias).targetKeyId(key.keyId()));
      if (Boolean.TRUE.equals(props.get("EnableKeyRotation"))) {
        kms.enableKeyRotation(r -> r.keyId(key.keyId()));
      }
      LOG.info("Created KMS key {} ({})", alias, key.keyId());
      return key.arn();
    }
  }

  // ---------------------------------------------------------------- Secrets Manager

  private void createStackSecret(String variable, String secretId, String keyArn) {
    try {
      secrets.describeSecret(r -> r.secretId(secretId));
      LOG.info("Secret {} exists", secretId);
      return;
    } catch (software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException e) {
      // created below
    }
    Map<String, Object> props =
        template.globalEnvironmentRef(variable).map(template::properties).orElse(Map.of());
    GetRandomPasswordRequest passwordRequest =
        generateSecretString(props.get("GenerateSecretString"));
    String value = secrets.getRandomPassword(passwordRequest).randomPassword();
    secrets.createSecret(
        r ->
            r.name(secretId)
                .kmsKeyId(keyArn)
                .description(String.valueOf(props.getOrDefault("Description", variable)))
                .secretString(value));
    LOG.info("Created secret {}", secretId);
  }

  /**
   * {@code GenerateSecretString} → {@code GetRandomPassword}; 64 characters, no punctuation if
   * unset.
   */
  static GetRandomPasswordRequest generateSecretString(Object generate) {
    Map<String, Object> spec =
        generate == null
            ? Map.of("PasswordLength", 64, "ExcludePunctuation", true)
            : SamTemplate.stringKeyed(generate, "GenerateSecretString");
    GetRandomPasswordRequest.Builder request = GetRandomPasswordRequest.builder();
    request.passwordLength(Long.parseLong(String.valueOf(spec.getOrDefault("PasswordLength", 32))));
    request.excludePunctuation(flag(spec, "ExcludePunctuation"));
    request.excludeNumbers(flag(spec, "ExcludeNumbers"));
    request.excludeLowercase(flag(spec, "ExcludeLowercase"));
    request.excludeUppercase(flag(spec, "ExcludeUppercase"));
    request.includeSpace(flag(spec, "IncludeSpace"));
    if (spec.containsKey("RequireEachIncludedType")) {
      request.requireEachIncludedType(flag(spec, "RequireEachIncludedType"));
    }
    if (spec.get("ExcludeCharacters") instanceof String exclude) {
      request.excludeCharacters(exclude);
    }
    return request.build();
  }

  private static boolean flag(Map<String, Object> spec, String name) {
    return Boolean.parseBoolean(String.valueOf(spec.getOrDefault(name, false)));
  }

  // ---------------------------------------------------------------- Cognito

  private String userPoolName() {
    return "agent-billy-" + settings.stage();
  }

  private String createUserPool() {
    String name = userPoolName();
    Optional<String> existing =
        cognito.listUserPoolsPaginator(r -> r.maxResults(60)).userPools().stream()
            .filter(p -> p.name().equals(name))
            .map(UserPoolDescriptionType::id)
            .findFirst();
    if (existing.isPresent()) {
      LOG.info("User pool {} exists ({})", name, existing.get());
      return existing.get();
    }
    Map<String, Object> props =
        template.properties(template.onlyLogicalIdOfType("AWS::Cognito::UserPool"));
    CreateUserPoolRequest.Builder request = CreateUserPoolRequest.builder().poolName(name);
    if (props.get("AutoVerifiedAttributes") instanceof List<?> verified) {
      request.autoVerifiedAttributesWithStrings(verified.stream().map(String::valueOf).toList());
    }
    if (props.get("UsernameAttributes") instanceof List<?> usernameAttributes) {
      request.usernameAttributesWithStrings(
          usernameAttributes.stream().map(String::valueOf).toList());
    }
    if (props.get("Schema") instanceof List<?> schema) {
      request.schema(
          schema.stream()
              .map(a -> SamTemplate.stringKeyed(a, "UserPool.Schema"))
              .map(
                  a ->
                      SchemaAttributeType.builder()
                          .name(String.valueOf(a.get("Name")))
                          .attributeDataType(String.valueOf(a.get("AttributeDataType")))
                          .required(flag(a, "Required"))
                          .mutable(!Boolean.FALSE.equals(a.get("Mutable")))
                          .build())
              .toList());
    }
    PasswordPolicy policy = passwordPolicy(template);
    request.policies(
        UserPoolPolicyType.builder()
            .passwordPolicy(
                PasswordPolicyType.builder()
                    .minimumLength(policy.minimumLength())
                    .requireLowercase(policy.requireLowercase())
                    .requireUppercase(policy.requireUppercase())
                    .requireNumbers(policy.requireNumbers())
                    .requireSymbols(policy.requireSymbols())
                    .build())
            .build());
    if (props.get("AdminCreateUserConfig") != null) {
      Map<String, Object> admin =
          SamTemplate.stringKeyed(props.get("AdminCreateUserConfig"), "AdminCreateUserConfig");
      request.adminCreateUserConfig(
          AdminCreateUserConfigType.builder()
              .allowAdminCreateUserOnly(flag(admin, "AllowAdminCreateUserOnly"))
              .build());
    }
    String id = cognito.createUserPool(request.build()).userPool().id();
    LOG.info("Created user pool {} ({})", name, id);
    return id;
  }

  /** The user pool's password policy as the template declares it. */
  public static PasswordPolicy passwordPolicy(SamTemplate template) {
    Map<String, Object> props =
        template.properties(template.onlyLogicalIdOfType("AWS::Cognito::UserPool"));
    Map<String, Object> policy = Map.of();
    if (props.get("Policies") != null) {
      Object p = SamTemplate.stringKeyed(props.get("Policies"), "Policies").get("PasswordPolicy");
      policy = p == null ? Map.of() : SamTemplate.stringKeyed(p, "PasswordPolicy");
    }
    return new PasswordPolicy(
        Integer.parseInt(String.valueOf(policy.getOrDefault("MinimumLength", 8))),
        !Boolean.FALSE.equals(policy.get("RequireLowercase")),
        !Boolean.FALSE.equals(policy.get("RequireUppercase")),
        !Boolean.FALSE.equals(policy.get("RequireNumbers")),
        !Boolean.FALSE.equals(policy.get("RequireSymbols")));
  }

  private String createUserPoolClient(String userPoolId) {
    Map<String, Object> props =
        template.properties(template.onlyLogicalIdOfType("AWS::Cognito::UserPoolClient"));
    String name = String.valueOf(props.getOrDefault("ClientName", "agent-billy-web"));
    Optional<String> existing =
        cognito
            .listUserPoolClientsPaginator(r -> r.userPoolId(userPoolId).maxResults(60))
            .userPoolClients()
            .stream()
            .filter(c -> c.clientName().equals(name))
            .map(UserPoolClientDescription::clientId)
            .findFirst();
    if (existing.isPresent()) {
      LOG.info("App client {} exists ({})", name, existing.get());
      return existing.get();
    }
    CreateUserPoolClientRequest.Builder request =
        CreateUserPoolClientRequest.builder()
            .userPoolId(userPoolId)
            .clientName(name)
            .generateSecret(flag(props, "GenerateSecret"));
    if (props.get("ExplicitAuthFlows") instanceof List<?> flows) {
      request.explicitAuthFlowsWithStrings(flows.stream().map(String::valueOf).toList());
    }
    if (props.get("ReadAttributes") instanceof List<?> read) {
      request.readAttributes(read.stream().map(String::valueOf).toList());
    }
    if (props.get("WriteAttributes") instanceof List<?> write) {
      request.writeAttributes(write.stream().map(String::valueOf).toList());
    }
    if (props.get("PreventUserExistenceErrors") instanceof String prevent) {
      request.preventUserExistenceErrors(prevent);
    }
    if (props.get("IdTokenValidity") != null) {
      request.idTokenValidity(Integer.parseInt(String.valueOf(props.get("IdTokenValidity"))));
    }
    if (props.get("AccessTokenValidity") != null) {
      request.accessTokenValidity(
          Integer.parseInt(String.valueOf(props.get("AccessTokenValidity"))));
    }
    if (props.get("TokenValidityUnits") != null) {
      Map<String, Object> units =
          SamTemplate.stringKeyed(props.get("TokenValidityUnits"), "TokenValidityUnits");
      TokenValidityUnitsType.Builder unitsBuilder = TokenValidityUnitsType.builder();
      if (units.get("IdToken") != null) {
        unitsBuilder.idToken(String.valueOf(units.get("IdToken")));
      }
      if (units.get("AccessToken") != null) {
        unitsBuilder.accessToken(String.valueOf(units.get("AccessToken")));
      }
      if (units.get("RefreshToken") != null) {
        unitsBuilder.refreshToken(String.valueOf(units.get("RefreshToken")));
      }
      request.tokenValidityUnits(unitsBuilder.build());
    }
    String id = cognito.createUserPoolClient(request.build()).userPoolClient().clientId();
    LOG.info("Created app client {} ({})", name, id);
    return id;
  }

  private LocalStackInfo.DemoUser createDemoUser(String userPoolId, String email, String role) {
    AdminGetUserResponse user;
    try {
      user = cognito.adminGetUser(r -> r.userPoolId(userPoolId).username(email));
    } catch (UserNotFoundException e) {
      cognito.adminCreateUser(
          r ->
              r.userPoolId(userPoolId)
                  .username(email)
                  .messageAction(MessageActionType.SUPPRESS)
                  .userAttributes(
                      AttributeType.builder().name("email").value(email).build(),
                      AttributeType.builder().name("email_verified").value("true").build()));
      user = cognito.adminGetUser(r -> r.userPoolId(userPoolId).username(email));
      LOG.info("Created user {}", email);
    }
    String password = generatePassword(passwordPolicy(template), random);
    cognito.adminSetUserPassword(
        r -> r.userPoolId(userPoolId).username(email).password(password).permanent(true));
    String sub =
        user.userAttributes().stream()
            .filter(a -> a.name().equals("sub"))
            .map(AttributeType::value)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("No sub for " + email));
    return new LocalStackInfo.DemoUser(email, password, sub, role);
  }

  /**
   * A strong password that meets the policy: at least 24 characters, letters and digits (shell- and
   * JSON-safe), at least one of each required class ({@code -} and {@code _} when symbols are).
   */
  static String generatePassword(PasswordPolicy policy, SecureRandom random) {
    String lower = "abcdefghijkmnopqrstuvwxyz";
    String upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    String digits = "23456789";
    String symbols = "-_";
    String all = lower + upper + digits + (policy.requireSymbols() ? symbols : "");
    int length = Math.max(24, policy.minimumLength());
    List<Character> chars = new ArrayList<>();
    if (policy.requireLowercase()) {
      chars.add(lower.charAt(random.nextInt(lower.length())));
    }
    if (policy.requireUppercase()) {
      chars.add(upper.charAt(random.nextInt(upper.length())));
    }
    if (policy.requireNumbers()) {
      chars.add(digits.charAt(random.nextInt(digits.length())));
    }
    if (policy.requireSymbols()) {
      chars.add(symbols.charAt(random.nextInt(symbols.length())));
    }
    while (chars.size() < length) {
      chars.add(all.charAt(random.nextInt(all.length())));
    }
    Collections.shuffle(chars, random);
    StringBuilder password = new StringBuilder(length);
    chars.forEach(password::append);
    return password.toString();
  }

  @Override
  public void close() {
    cognito.close();
    secrets.close();
    kms.close();
    dynamoDb.close();
    http.close();
  }

  private static Map<String, String> demoUsers() {
    Map<String, String> users = new LinkedHashMap<>();
    users.put("owner@demo.test", "owner");
    users.put("manager@demo.test", "manager");
    users.put("operator@demo.test", "operator");
    users.put("viewer@demo.test", "viewer");
    users.put("outsider@demo.test", null);
    return Collections.unmodifiableMap(users);
  }

  /** Cognito's password policy. */
  public record PasswordPolicy(
      int minimumLength,
      boolean requireLowercase,
      boolean requireUppercase,
      boolean requireNumbers,
      boolean requireSymbols) {}

  /**
   * Where the local stack is and what its resources are called, from the environment the Makefile
   * sets: {@code AWS_ENDPOINT_URL}, {@code AWS_REGION}, {@code STAGE}, {@code TABLE_NAME}, {@code
   * KMS_KEY_ID} (an {@code alias/…}) and the three stack secret ids.
   */
  public record Settings(
      URI endpoint,
      String region,
      String stage,
      String table,
      String kmsKeyAlias,
      Map<String, String> environment) {

    public Settings {
      environment = Map.copyOf(environment);
    }

    public static Settings fromEnvironment() {
      return from(System.getenv());
    }

    /** Reads the settings from these variables; names every one that is missing. */
    public static Settings from(Map<String, String> env) {
      List<String> required =
          new ArrayList<>(
              List.of("AWS_ENDPOINT_URL", "AWS_REGION", "STAGE", "TABLE_NAME", "KMS_KEY_ID"));
      required.addAll(STACK_SECRET_VARIABLES);
      List<String> missing =
          required.stream().filter(n -> env.get(n) == null || env.get(n).isBlank()).toList();
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "Missing environment variables "
                + missing
                + " (the Makefile sets them: run `make dev` or `make test`)");
      }
      String alias = env.get("KMS_KEY_ID");
      if (!alias.startsWith("alias/")) {
        throw new IllegalStateException("KMS_KEY_ID must be an alias/… name locally, got " + alias);
      }
      Map<String, String> values = new LinkedHashMap<>();
      required.forEach(n -> values.put(n, env.get(n)));
      return new Settings(
          URI.create(env.get("AWS_ENDPOINT_URL")),
          env.get("AWS_REGION"),
          env.get("STAGE"),
          env.get("TABLE_NAME"),
          alias,
          values);
    }

    String env(String name) {
      String value = environment.get(name);
      if (value == null) {
        throw new IllegalStateException(name + " is not set");
      }
      return value;
    }
  }
}
