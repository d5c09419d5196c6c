package com.agentbilly.http;

import com.agentbilly.domain.Access;
import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.Caller;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.PermissionMatrix;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.Route;
import com.agentbilly.logging.OutcomeLog;
import com.agentbilly.port.OrgStore;
import com.agentbilly.port.RequestQuota;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an API Gateway event into a call of one route, after authentication and the permission
 * matrix, and turns the result or the refusal into the contract's response. Every function that
 * serves API routes goes through this router, so every route is checked the same way.
 */
public final class ApiRouter {

  /** Bodies above this size are refused with {@code 413 payload_too_large}. */
  public static final int MAX_BODY_BYTES = 256 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);
  private static final String RETRY_AFTER = "retry_after";

  /** What a CORS preflight may ask for (every route's method and the headers clients send). */
  static final String PREFLIGHT_METHODS = "GET,POST,PUT,PATCH,DELETE,OPTIONS";

  static final String PREFLIGHT_HEADERS =
      "Authorization,Content-Type,Idempotency-Key,MCP-Protocol-Version";
  static final String PREFLIGHT_MAX_AGE_SECONDS = "600";

  private final Map<Route, RouteHandler> handlers;
  private final OrgStore orgs;
  private final List<String> allowedOrigins;
  private final AccessDeniedListener accessDenied;
  private final OutcomeLog outcomes;
  private final RequestQuota quota;

  private ApiRouter(Builder builder) {
    this.handlers = Map.copyOf(builder.handlers);
    this.orgs = builder.orgs;
    this.allowedOrigins = List.copyOf(builder.allowedOrigins);
    this.accessDenied = builder.accessDenied;
    this.outcomes = builder.outcomes;
    this.quota = builder.quota;
  }

  public static Builder builder(OrgStore orgs) {
    return new Builder(orgs);
  }

  /** The routes this router serves. */
  public java.util.Set<Route> routes() {
    return handlers.keySet();
  }

  /**
   * Answers one API Gateway event, and ends with one {@link OutcomeLog} line: request id, org,
   * route template, the caller's role, status and outcome (the error code, or {@code ok}), and the
   * duration — never a header, a query, a body or a token.
   */
  public APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent event, Context context) {
    long started = System.nanoTime();
    String requestId = requestId(event, context);
    Route route =
        Route.of(String.valueOf(event.getHttpMethod()), String.valueOf(event.getResource()));
    if ("OPTIONS".equalsIgnoreCase(event.getHttpMethod())) {
      APIGatewayProxyResponseEvent answer = preflight(header(event, "origin"));
      outcomes
          .entry(answer.getHeaders().containsKey(ALLOW_ORIGIN) ? "preflight" : "origin_not_allowed")
          .with("request_id", requestId)
          .with("route", route.toString())
          .with("status", answer.getStatusCode())
          .write("request", Duration.ofNanos(System.nanoTime() - started));
      return answer;
    }
    Reached reached = new Reached();
    ApiResponse response;
    try {
      response = dispatch(route, event, requestId, reached);
    } catch (ApiProblem problem) {
      response = ApiResponse.error(problem);
    } catch (RuntimeException e) {
      LOG.atError()
          .setCause(e)
          .addKeyValue("request_id", requestId)
          .addKeyValue("route", route.toString())
          .log("request failed");
      response =
          ApiResponse.error(
              new ApiProblem(
                  ErrorCode.INTERNAL,
                  "Something went wrong on our side. Request id: "
                      + requestId
                      + "."
                      + (header(event, "idempotency-key") == null
                          ? ""
                          : " Retry with the same Idempotency-Key: it acts at most once.")));
    }
    outcomes
        .entry(outcome(response))
        .serverError(response.status() >= 500)
        .with("request_id", requestId)
        .with("route", route.toString())
        .with("org", reached.org == null ? null : reached.org.value())
        .with("role", reached.role == null ? null : reached.role.wireName())
        .with("status", response.status())
        .write("request", Duration.ofNanos(System.nanoTime() - started));
    return toEvent(response, header(event, "origin"));
  }

  /**
   * The outcome word of a response: {@code ok} for 2xx and 3xx, the contract's error code, {@code
   * unauthorized} for 401, else {@code status_<n>}.
   */
  static String outcome(ApiResponse response) {
    if (response.status() < 400) {
      return "ok";
    }
    if (response.body() instanceof Map<?, ?> body
        && body.get("error") instanceof Map<?, ?> error
        && error.get("code") instanceof String code) {
      return code;
    }
    return response.status() == 401 ? "unauthorized" : "status_" + response.status();
  }

  /** How far a request got: its org and the caller's role there, once known. */
  private static final class Reached {
    OrgId org;
    Role role;
  }

  private ApiResponse dispatch(
      Route route, APIGatewayProxyRequestEvent event, String requestId, Reached reached) {
    RouteHandler handler = handlers.get(route);
    Optional<Access> access = PermissionMatrix.accessFor(route);
    if (handler == null || access.isEmpty()) {
      throw ApiProblem.notFound();
    }
    Optional<Caller> caller = caller(event);
    if (caller.isEmpty()) {
      return new ApiResponse(401, Map.of("message", "Unauthorized"));
    }
    OptionalLong retryAfter = quota.take(caller.get().userId());
    if (retryAfter.isPresent()) {
      throw new ApiProblem(
          ErrorCode.RATE_LIMITED,
          "You are sending requests faster than your share of the API allows; retry in "
              + retryAfter.getAsLong()
              + " s.",
          Map.of(RETRY_AFTER, retryAfter.getAsLong()));
    }
    String body = event.getBody();
    if (body != null && body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
      throw new ApiProblem(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is larger than 256 KiB.");
    }
    Map<String, String> path =
        event.getPathParameters() == null ? Map.of() : event.getPathParameters();
    OrgId org = null;
    Role role = null;
    if (route.isUnderOrg()) {
      String rawOrg = path.get("org");
      if (!OrgId.isWellFormed(rawOrg)) {
        throw ApiProblem.notFound();
      }
      org = new OrgId(rawOrg);
      reached.org = org;
      Optional<Role> membership =
          orgs.findMembership(org, caller.get().userId()).map(Membership::role);
      Access.Decision decision =
          access.get().decide(membership, caller.get().userId(), path.get("user_id"));
      switch (decision.outcome()) {
        case NOT_FOUND -> throw ApiProblem.notFound();
        case FORBIDDEN -> {
          reached.role = membership.orElseThrow();
          accessDenied.denied(org, caller.get(), reached.role, route, requestId);
          throw ApiProblem.forbidden(decision.needed());
        }
        case ALLOWED -> role = membership.orElseThrow();
      }
      reached.role = role;
    }
    ApiRequest request =
        new ApiRequest(
            route,
            caller.get(),
            org,
            role,
            path,
            event.getQueryStringParameters(),
            event.getHeaders(),
            body,
            requestId);
    return handler.handle(request);
  }

  /** The identity the Cognito authorizer put in {@code requestContext.authorizer.claims}. */
  static Optional<Caller> caller(APIGatewayProxyRequestEvent event) {
    if (event.getRequestContext() == null || event.getRequestContext().getAuthorizer() == null) {
      return Optional.empty();
    }
    if (!(event.getRequestContext().getAuthorizer().get("claims") instanceof Map<?, ?> claims)) {
      return Optional.empty();
    }
    String userId = text(claims.get("sub"));
    if (userId == null || userId.isBlank()) {
      return Optional.empty();
    }
    String username = text(claims.get("cognito:username"));
    return Optional.of(
        new Caller(
            userId,
            username == null ? userId : username,
            text(claims.get("email")),
            "true".equals(String.valueOf(claims.get("email_verified")))));
  }

  /**
   * A claim as text: a string that is well-formed Unicode (no unpaired surrogate, which a token's
   * JSON may carry as an escape but no audit entry or table item can hold), else null.
   */
  private static String text(Object claim) {
    return claim instanceof String value && StandardCharsets.UTF_8.newEncoder().canEncode(value)
        ? value
        : null;
  }

  private static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";

  /**
   * A CORS preflight, answered here rather than by API Gateway: API Gateway's own (mock) preflight
   * can only send one fixed origin, and a browser refuses a list. The gateway routes {@code
   * OPTIONS} of every path here without the authorizer; an origin that is not allowed gets no
   * {@code Access-Control-Allow-Origin}, so the browser stops before the real request.
   */
  private APIGatewayProxyResponseEvent preflight(String origin) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Vary", "Origin");
    if (origin != null && allowedOrigins.contains(origin)) {
      headers.put(ALLOW_ORIGIN, origin);
      headers.put("Access-Control-Allow-Methods", PREFLIGHT_METHODS);
      headers.put("Access-Control-Allow-Headers", PREFLIGHT_HEADERS);
      headers.put("Access-Control-Max-Age", PREFLIGHT_MAX_AGE_SECONDS);
    }
    return new APIGatewayProxyResponseEvent().withStatusCode(204).withHeaders(headers);
  }

  private APIGatewayProxyResponseEvent toEvent(ApiResponse response, String origin) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (response.body() != null) {
      headers.put("Content-Type", "application/json");
    }
    if (response.status() == 429
        && response.body() instanceof Map<?, ?> body
        && body.get("error") instanceof Map<?, ?> error
        && error.get(RETRY_AFTER) instanceof Long seconds) {
      headers.put("Retry-After", Long.toString(seconds));
    }
    headers.put("Vary", "Origin");
    if (origin != null && allowedOrigins.contains(origin)) {
      headers.put(ALLOW_ORIGIN, origin);
    }
    return new APIGatewayProxyResponseEvent()
        .withStatusCode(response.status())
        .withHeaders(headers)
        .withBody(response.body() == null ? null : Json.write(response.body()));
  }

  private static String requestId(APIGatewayProxyRequestEvent event, Context context) {
    if (event.getRequestContext() != null && event.getRequestContext().getRequestId() != null) {
      return event.getRequestContext().getRequestId();
    }
    if (context != null && context.getAwsRequestId() != null) {
      return context.getAwsRequestId();
    }
    return UUID.randomUUID().toString();
  }

  private static String header(APIGatewayProxyRequestEvent event, String name) {
    if (event.getHeaders() == null) {
      return null;
    }
    for (Map.Entry<String, String> header : event.getHeaders().entrySet()) {
      if (header.getKey().equalsIgnoreCase(name)) {
        return header.getValue();
      }
    }
    return null;
  }

  /** Told about every request the permission matrix refuses with 403 (for the audit log). */
  @FunctionalInterface
  public interface AccessDeniedListener {
    void denied(OrgId org, Caller caller, Role role, Route route, String requestId);
  }

  /** Collects routes; refuses a route that the permission matrix does not know. */
  public static final class Builder {
    private final OrgStore orgs;
    private final Map<Route, RouteHandler> handlers = new HashMap<>();
    private List<String> allowedOrigins = List.of();
    private AccessDeniedListener accessDenied = (org, caller, role, route, requestId) -> {};
    private OutcomeLog outcomes = OutcomeLog.requests("api");
    private RequestQuota quota = RequestQuota.UNLIMITED;

    private Builder(OrgStore orgs) {
      this.orgs = orgs;
    }

    public Builder route(String method, String path, RouteHandler handler) {
      Route route = Route.of(method, path);
      if (PermissionMatrix.accessFor(route).isEmpty()) {
        throw new IllegalArgumentException(route + " is not in the permission matrix");
      }
      if (handlers.putIfAbsent(route, handler) != null) {
        throw new IllegalArgumentException(route + " is routed twice");
      }
      return this;
    }

    public Builder allowedOrigins(List<String> origins) {
      this.allowedOrigins = origins;
      return this;
    }

    /** Where each request's outcome line goes (default: the {@code api} function's). */
    public Builder outcomes(OutcomeLog log) {
      this.outcomes = log;
      return this;
    }

    /** Each caller's share of the API, taken before anything else is read (default: none). */
    public Builder quota(RequestQuota quota) {
      this.quota = quota;
      return this;
    }

    public Builder onAccessDenied(AccessDeniedListener listener) {
      this.accessDenied = listener;
      return this;
    }

    public ApiRouter build() {
      return new ApiRouter(this);
    }
  }
}
