package com.agentbilly.logging;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The one line a request, a webhook delivery or an org's sync ends with: its context (request id,
 * org, route, role, status, …) and, in the same JSON object, an Embedded Metric Format document
 * that CloudWatch turns into metrics of namespace {@value #NAMESPACE} — no agent, no API call, no
 * library: {@link JsonLineEncoder} writes the line to stdout and CloudWatch Logs extracts the
 * metrics.
 *
 * <p>Metrics, each a value of this line:
 *
 * <ul>
 *   <li>{@code Requests} (or {@code OrgSyncs} for the sync), count 1, by {@code Function} and
 *       {@code Outcome} — the outcome is a bounded word: {@code ok}, an error code of the contract,
 *       a webhook receipt ({@code applied}, {@code duplicate}, …) or a sync's end ({@code
 *       completed}, {@code paused}, {@code busy}, {@code failed});
 *   <li>{@code ServerErrors} (requests only), 1 for a 5xx answer, else 0, by {@code Function};
 *   <li>{@code Duration}, milliseconds, by {@code Function}.
 * </ul>
 *
 * <p>Nothing unbounded is a dimension: the org, the request id and the route are fields of the line
 * (for Logs Insights), not dimensions, so the number of custom metrics does not grow with orgs or
 * routes. The context never holds a key, a token, a secret or a body: callers pass ids, route
 * templates, roles, codes and counts only.
 */
public final class OutcomeLog {

  /** The CloudWatch namespace of every metric of Agent Billy. */
  public static final String NAMESPACE = "AgentBilly";

  /** Lambda sets it to the deployed function's name; locally the function's short name is used. */
  static final String FUNCTION_NAME_VARIABLE = "AWS_LAMBDA_FUNCTION_NAME";

  private static final Logger LOG = LoggerFactory.getLogger(OutcomeLog.class);
  private static final Set<String> METRIC_DOCUMENT =
      Set.of("_aws", "Function", "Outcome", "Requests", "OrgSyncs", "ServerErrors", "Duration");

  /** What a line counts. */
  enum Kind {
    REQUEST("Requests", true),
    ORG_SYNC("OrgSyncs", false);

    final String countMetric;
    final boolean countsServerErrors;

    Kind(String countMetric, boolean countsServerErrors) {
      this.countMetric = countMetric;
      this.countsServerErrors = countsServerErrors;
    }
  }

  private final String function;
  private final Kind kind;
  private final Clock clock;

  OutcomeLog(String function, Kind kind, Clock clock) {
    this.function = Objects.requireNonNull(function, "function");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Lines of requests (API routes, webhook deliveries) of a function.
   *
   * @param localName the function's short name ({@code api}, …), used where Lambda's {@code
   *     AWS_LAMBDA_FUNCTION_NAME} is not set
   */
  public static OutcomeLog requests(String localName) {
    return new OutcomeLog(functionName(localName), Kind.REQUEST, Clock.systemUTC());
  }

  /** Lines of the sync, one per org and run. */
  public static OutcomeLog orgSyncs(String localName) {
    return new OutcomeLog(functionName(localName), Kind.ORG_SYNC, Clock.systemUTC());
  }

  static String functionName(String localName) {
    String deployed = System.getenv(FUNCTION_NAME_VARIABLE);
    return deployed == null || deployed.isBlank() ? localName : deployed;
  }

  /** The function name the metrics carry as their {@code Function} dimension. */
  public String function() {
    return function;
  }

  /** Starts the line of one request or run that ended with {@code outcome}. */
  public Entry entry(String outcome) {
    return new Entry(Objects.requireNonNull(outcome, "outcome"));
  }

  /** One line being put together; {@link #write} logs it. */
  public final class Entry {
    private final String outcome;
    private final Map<String, Object> context = new LinkedHashMap<>();
    private boolean serverError;

    private Entry(String outcome) {
      this.outcome = outcome;
    }

    /**
     * Adds a field of context (left out when {@code value} is null).
     *
     * @param value an id, a route template, a role, a code or a number — never a key, a token, a
     *     secret or a body
     */
    public Entry with(String field, Object value) {
      if (METRIC_DOCUMENT.contains(field)) {
        throw new IllegalArgumentException(field + " is a member of the metric document");
      }
      if (value != null) {
        context.put(field, value);
      }
      return this;
    }

    /** Marks the request as answered with a 5xx (counted in {@code ServerErrors}). */
    public Entry serverError(boolean value) {
      this.serverError = value;
      return this;
    }

    /** Logs the line at INFO (WARN for a server error). */
    public void write(String message, Duration duration) {
      Map<String, Object> fields = fields(duration);
      LoggingEventBuilder line = serverError ? LOG.atWarn() : LOG.atInfo();
      fields.forEach(line::addKeyValue);
      line.log(message);
    }

    /** The line's fields in order: the metric document first, then the context. */
    Map<String, Object> fields(Duration duration) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("_aws", metadata());
      fields.put("Function", function);
      fields.put("Outcome", outcome);
      fields.put(kind.countMetric, 1);
      if (kind.countsServerErrors) {
        fields.put("ServerErrors", serverError ? 1 : 0);
      }
      fields.put("Duration", duration.toMillis());
      fields.putAll(context);
      return fields;
    }

    private Map<String, Object> metadata() {
      List<Map<String, Object>> byFunction =
          kind.countsServerErrors
              ? List.of(metric("ServerErrors", "Count"), metric("Duration", "Milliseconds"))
              : List.of(metric("Duration", "Milliseconds"));
      Map<String, Object> aws = new LinkedHashMap<>();
      aws.put("Timestamp", clock.millis());
      aws.put(
          "CloudWatchMetrics",
          List.of(
              directive(List.of("Function", "Outcome"), List.of(metric(kind.countMetric, "Count"))),
              directive(List.of("Function"), byFunction)));
      return aws;
    }
  }

  private static Map<String, Object> directive(
      List<String> dimensions, List<Map<String, Object>> metrics) {
    Map<String, Object> directive = new LinkedHashMap<>();
    directive.put("Namespace", NAMESPACE);
    directive.put("Dimensions", List.of(dimensions));
    directive.put("Metrics", metrics);
    return directive;
  }

  private static Map<String, Object> metric(String name, String unit) {
    Map<String, Object> metric = new LinkedHashMap<>();
    metric.put("Name", name);
    metric.put("Unit", unit);
    return metric;
  }
}
