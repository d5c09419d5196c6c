package com.agentbilly.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;

/**
 * The SAM template ({@code template.yaml}) as the local stack reads it: the one source of truth for
 * routes, schedules, timeouts, the table definition, the user pool and CORS.
 *
 * <p>Intrinsic functions are kept in their long form ({@code {"Ref": …}}); the few values the local
 * stack needs from a {@code Ref} to a parameter are resolved to the parameter's default.
 */
public final class SamTemplate {

  public static final String FILE_NAME = "template.yaml";

  private static final String SERVERLESS_FUNCTION = "AWS::Serverless::Function";
  private static final String SERVERLESS_API = "AWS::Serverless::Api";
  private static final String DYNAMODB_TABLE = "AWS::DynamoDB::Table";
  private static final Pattern RATE =
      Pattern.compile("rate\\(\\s*(\\d+)\\s+(minute|minutes|hour|hours|day|days)\\s*\\)");

  private final Path file;
  private final Map<String, Object> document;

  private SamTemplate(Path file, Map<String, Object> document) {
    this.file = file;
    this.document = document;
  }

  /** Reads a template file. */
  public static SamTemplate load(Path file) throws IOException {
    return new SamTemplate(file.toAbsolutePath(), CloudFormationYaml.load(file));
  }

  /** Reads template text (for tests of the reader itself). */
  public static SamTemplate parse(String text) {
    return new SamTemplate(Path.of(FILE_NAME).toAbsolutePath(), CloudFormationYaml.parse(text));
  }

  /** Reads the repository's {@code template.yaml}, found from the working directory upwards. */
  public static SamTemplate fromRepository() throws IOException {
    return load(findRepositoryRoot(Path.of("").toAbsolutePath()).resolve(FILE_NAME));
  }

  /**
   * The nearest directory at or above {@code start} that holds {@code template.yaml}.
   *
   * @throws IllegalStateException when there is none
   */
  public static Path findRepositoryRoot(Path start) {
    for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(FILE_NAME))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "No " + FILE_NAME + " in " + start.toAbsolutePath() + " or any directory above it");
  }

  public Path file() {
    return file;
  }

  /** The raw {@code Resources} section: logical id → resource (Type, Properties, …). */
  public Map<String, Object> resources() {
    return stringKeyed(document.get("Resources"), "Resources");
  }

  /** The {@code Properties} of one resource (empty when it declares none). */
  public Map<String, Object> properties(String logicalId) {
    Object resource = resources().get(logicalId);
    if (resource == null) {
      throw new IllegalArgumentException("No resource " + logicalId + " in " + file);
    }
    Object properties = stringKeyed(resource, logicalId).get("Properties");
    return properties == null ? Map.of() : stringKeyed(properties, logicalId + ".Properties");
  }

  /** Logical ids of every resource of a type, in template order. */
  public List<String> logicalIdsOfType(String type) {
    List<String> ids = new ArrayList<>();
    resources()
        .forEach(
            (id, resource) -> {
              if (type.equals(stringKeyed(resource, id).get("Type"))) {
                ids.add(id);
              }
            });
    return List.copyOf(ids);
  }

  /** The logical id of the single resource of a type. */
  public String onlyLogicalIdOfType(String type) {
    List<String> ids = logicalIdsOfType(type);
    if (ids.size() != 1) {
      throw new IllegalStateException(
          "Expected exactly one " + type + " in " + file + ", found " + ids);
    }
    return ids.getFirst();
  }

  /** The default value of a template parameter. */
  public Optional<Object> parameterDefault(String name) {
    Object parameters = document.get("Parameters");
    if (parameters == null) {
      return Optional.empty();
    }
    Object parameter = stringKeyed(parameters, "Parameters").get(name);
    return parameter == null
        ? Optional.empty()
        : Optional.ofNullable(stringKeyed(parameter, name).get("Default"));
  }

  /**
   * The logical id that a variable of {@code Globals.Function.Environment} refers to with {@code
   * !Ref} (such as {@code AUDIT_SECRET_ID: !Ref AuditKeySecret}).
   */
  public Optional<String> globalEnvironmentRef(String variable) {
    Object environment = globalFunctionSettings().get("Environment");
    if (environment == null) {
      return Optional.empty();
    }
    Object variables = stringKeyed(environment, "Globals.Function.Environment").get("Variables");
    if (variables == null) {
      return Optional.empty();
    }
    Object value = stringKeyed(variables, "Globals.Function.Environment.Variables").get(variable);
    return value instanceof Map<?, ?> map && map.get("Ref") instanceof String ref
        ? Optional.of(ref)
        : Optional.empty();
  }

  /** Every {@code AWS::Serverless::Function}, in template order. */
  public List<Function> functions() {
    return logicalIdsOfType(SERVERLESS_FUNCTION).stream().map(this::toFunction).toList();
  }

  /** One function by logical id. */
  public Function function(String logicalId) {
    return functions().stream()
        .filter(f -> f.logicalId().equals(logicalId))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("No function " + logicalId + " in " + file));
  }

  private Function toFunction(String logicalId) {
    Map<String, Object> props = properties(logicalId);
    String handler = string(props.get("Handler"), logicalId + ".Handler");
    int separator = handler.indexOf("::");
    String handlerClass = separator < 0 ? handler : handler.substring(0, separator);
    String handlerMethod = separator < 0 ? "handleRequest" : handler.substring(separator + 2);

    List<ApiRoute> routes = new ArrayList<>();
    List<Schedule> schedules = new ArrayList<>();
    Object events = props.get("Events");
    if (events != null) {
      stringKeyed(events, logicalId + ".Events")
          .forEach(
              (name, value) -> {
                Map<String, Object> event = stringKeyed(value, logicalId + ".Events." + name);
                Map<String, Object> eventProps =
                    event.get("Properties") == null
                        ? Map.of()
                        : stringKeyed(event.get("Properties"), name + ".Properties");
                switch (String.valueOf(event.get("Type"))) {
                  case "Api" ->
                      routes.add(
                          new ApiRoute(
                              name,
                              string(eventProps.get("Method"), name + ".Method")
                                  .toUpperCase(Locale.ROOT),
                              string(eventProps.get("Path"), name + ".Path"),
                              !withoutAuthorizer(eventProps)));
                  case "Schedule" ->
                      schedules.add(
                          new Schedule(
                              name,
                              string(resolve(eventProps.get("Schedule")), name + ".Schedule"),
                              !Boolean.FALSE.equals(eventProps.get("Enabled"))));
                  default -> {
                    // Other event sources are not emulated.
                  }
                }
              });
    }
    return new Function(
        logicalId,
        string(resolve(props.get("CodeUri")), logicalId + ".CodeUri"),
        handlerClass,
        handlerMethod,
        List.copyOf(routes),
        props.containsKey("FunctionUrlConfig"),
        List.copyOf(schedules),
        intSetting(props, "Timeout", 3),
        intSetting(props, "MemorySize", 128));
  }

  private int intSetting(Map<String, Object> functionProps, String name, int lambdaDefault) {
    Object value = functionProps.get(name);
    if (value == null) {
      value = globalFunctionSettings().get(name);
    }
    Object resolved = resolve(value);
    return resolved == null ? lambdaDefault : Integer.parseInt(resolved.toString());
  }

  private Map<String, Object> globalFunctionSettings() {
    Object globals = document.get("Globals");
    if (globals == null) {
      return Map.of();
    }
    Object function = stringKeyed(globals, "Globals").get("Function");
    return function == null ? Map.of() : stringKeyed(function, "Globals.Function");
  }

  /** Whether an {@code Api} event opts out of the default authorizer ({@code Authorizer: NONE}). */
  private static boolean withoutAuthorizer(Map<String, Object> eventProps) {
    return eventProps.get("Auth") instanceof Map<?, ?> auth
        && "NONE".equals(String.valueOf(auth.get("Authorizer")));
  }

  /** Resolves a {@code Ref} to a parameter to its default; anything else is returned as is. */
  private Object resolve(Object value) {
    if (value instanceof Map<?, ?> map && map.size() == 1 && map.get("Ref") instanceof String ref) {
      return parameterDefault(ref).orElse(value);
    }
    return value;
  }

  /**
   * The table resource turned into a {@code CreateTableRequest}: attribute definitions, key schema,
   * secondary indexes with their projections, and on-demand billing.
   */
  public CreateTableRequest createTableRequest(String tableName) {
    Map<String, Object> props = properties(onlyLogicalIdOfType(DYNAMODB_TABLE));
    CreateTableRequest.Builder request =
        CreateTableRequest.builder()
            .tableName(tableName)
            .attributeDefinitions(
                maps(props.get("AttributeDefinitions"), "AttributeDefinitions").stream()
                    .map(
                        a ->
                            AttributeDefinition.builder()
                                .attributeName(string(a.get("AttributeName"), "AttributeName"))
                                .attributeType(
                                    ScalarAttributeType.fromValue(
                                        string(a.get("AttributeType"), "AttributeType")))
                                .build())
                    .toList())
            .keySchema(keySchema(props.get("KeySchema"), "KeySchema"))
            .billingMode(
                BillingMode.fromValue(
                    String.valueOf(props.getOrDefault("BillingMode", "PROVISIONED"))));
    if (props.get("GlobalSecondaryIndexes") != null) {
      request.globalSecondaryIndexes(
          maps(props.get("GlobalSecondaryIndexes"), "GlobalSecondaryIndexes").stream()
              .map(
                  index ->
                      GlobalSecondaryIndex.builder()
                          .indexName(string(index.get("IndexName"), "IndexName"))
                          .keySchema(keySchema(index.get("KeySchema"), "IndexName.KeySchema"))
                          .projection(projection(index.get("Projection")))
                          .build())
              .toList());
    }
    if (props.get("LocalSecondaryIndexes") != null) {
      request.localSecondaryIndexes(
          maps(props.get("LocalSecondaryIndexes"), "LocalSecondaryIndexes").stream()
              .map(
                  index ->
                      LocalSecondaryIndex.builder()
                          .indexName(string(index.get("IndexName"), "IndexName"))
                          .keySchema(keySchema(index.get("KeySchema"), "IndexName.KeySchema"))
                          .projection(projection(index.get("Projection")))
                          .build())
              .toList());
    }
    return request.build();
  }

  /** The table's {@code TimeToLiveSpecification}, if it declares one. */
  public Optional<TimeToLiveSpecification> timeToLive() {
    Object ttl = properties(onlyLogicalIdOfType(DYNAMODB_TABLE)).get("TimeToLiveSpecification");
    if (ttl == null) {
      return Optional.empty();
    }
    Map<String, Object> spec = stringKeyed(ttl, "TimeToLiveSpecification");
    return Optional.of(
        TimeToLiveSpecification.builder()
            .attributeName(string(spec.get("AttributeName"), "TimeToLiveSpecification"))
            .enabled(Boolean.TRUE.equals(spec.get("Enabled")))
            .build());
  }

  private static List<KeySchemaElement> keySchema(Object value, String context) {
    return maps(value, context).stream()
        .map(
            k ->
                KeySchemaElement.builder()
                    .attributeName(string(k.get("AttributeName"), context))
                    .keyType(KeyType.fromValue(string(k.get("KeyType"), context)))
                    .build())
        .toList();
  }

  private static Projection projection(Object value) {
    Map<String, Object> projection = stringKeyed(value, "Projection");
    Projection.Builder builder =
        Projection.builder()
            .projectionType(
                ProjectionType.fromValue(string(projection.get("ProjectionType"), "Projection")));
    if (projection.get("NonKeyAttributes") instanceof List<?> attributes) {
      builder.nonKeyAttributes(attributes.stream().map(String::valueOf).toList());
    }
    return builder.build();
  }

  /**
   * Parses an EventBridge {@code rate(…)} expression.
   *
   * @throws IllegalArgumentException for anything else (such as {@code cron(…)}) or a zero rate
   */
  public static Duration parseRate(String expression) {
    Matcher m = RATE.matcher(expression.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("Not a rate expression: " + expression);
    }
    long value = Long.parseLong(m.group(1));
    String unit = m.group(2);
    if (value == 0) {
      throw new IllegalArgumentException("A rate must be positive: " + expression);
    }
    boolean plural = unit.endsWith("s");
    if ((value == 1) == plural) {
      throw new IllegalArgumentException(
          "EventBridge wants a singular unit for 1 and a plural one otherwise: " + expression);
    }
    return switch (unit) {
      case "minute", "minutes" -> Duration.ofMinutes(value);
      case "hour", "hours" -> Duration.ofHours(value);
      default -> Duration.ofDays(value);
    };
  }

  static Map<String, Object> stringKeyed(Object value, String context) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("Expected a mapping at " + context + ", got " + value);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    map.forEach((k, v) -> result.put(String.valueOf(k), v));
    return Collections.unmodifiableMap(result);
  }

  private static List<Map<String, Object>> maps(Object value, String context) {
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException("Expected a list at " + context + ", got " + value);
    }
    return list.stream().map(item -> stringKeyed(item, context)).toList();
  }

  private static String string(Object value, String context) {
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException(
          "Expected a plain string at " + context + ", got " + value);
    }
    return s;
  }

  /** One {@code AWS::Serverless::Function}. Timeout and memory fall back to the Globals. */
  public record Function(
      String logicalId,
      String codeUri,
      String handlerClass,
      String handlerMethod,
      List<ApiRoute> apiRoutes,
      boolean hasFunctionUrl,
      List<Schedule> schedules,
      int timeoutSeconds,
      int memorySizeMb) {

    public Duration timeout() {
      return Duration.ofSeconds(timeoutSeconds);
    }
  }

  /**
   * An {@code Api} event: method (upper case, or {@code ANY}), path template, and whether the API's
   * default (Cognito) authorizer guards it ({@code false} for {@code Auth: {Authorizer: NONE}}).
   */
  public record ApiRoute(String eventName, String method, String path, boolean authorized) {

    /** A CORS preflight: {@code OPTIONS} without the authorizer, not a route of the contract. */
    public boolean isPreflight() {
      return method.equals("OPTIONS") && !authorized;
    }
  }

  /** A {@code Schedule} event with its expression resolved (a {@code Ref} to a parameter). */
  public record Schedule(String eventName, String expression, boolean enabled) {

    /** The period of a {@code rate(…)} expression. */
    public Duration rate() {
      return parseRate(expression);
    }
  }
}
