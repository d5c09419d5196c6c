package com.agentbilly.local;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the template's functions in-process behind local stand-ins for what triggers them on AWS:
 *
 * <ul>
 *   <li>the REST API (API Gateway with the Cognito user-pool authorizer on every route that does
 *       not opt out with {@code Authorizer: NONE}, Lambda proxy integration, gateway responses that
 *       echo the Origin), routes read from the {@code Api} events;
 *   <li>the webhook function's URL (payload format 2.0);
 *   <li>the {@code Schedule} events (EventBridge), fired on a timer when enabled;
 *   <li>Lambda's {@code Invoke} API, for the api function's asynchronous start of a sync.
 * </ul>
 *
 * Each function's handler is created lazily with its no-argument constructor and kept warm.
 */
public final class DevGateway implements AutoCloseable {

  /** The function that {@code SYNC_FUNCTION_NAME} names. */
  public static final String SYNC_FUNCTION = "SyncFunction";

  private static final Logger LOG = LoggerFactory.getLogger(DevGateway.class);
  private static final Pattern INVOKE_PATH =
      Pattern.compile("^/2015-03-31/functions/([^/]+)/invocations/?$");
  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);
  private static final String API_ID = "local";

  /**
   * The path of the OAuth protected-resource metadata the 401 names (served by the mcp function).
   */
  public static final String PROTECTED_RESOURCE_METADATA = "/.well-known/oauth-protected-resource";

  private final CognitoAuthorizer authorizer;
  private final Map<String, LocalFunction> functions;
  private final Map<String, String> functionNames;
  private final ApiRoutes routes;
  private final Optional<LocalFunction> urlFunction;
  private final String stage;
  private final String region;
  private final Clock clock;
  private final boolean scheduleEnabled;
  private final ObjectMapper json = new ObjectMapper();
  private final Set<CompletableFuture<Void>> asyncInFlight = ConcurrentHashMap.newKeySet();
  private final int requestedApiPort;
  private final int requestedWebhookPort;
  private final int requestedLambdaPort;

  private ExecutorService requestThreads;
  private ExecutorService asyncInvocations;
  private ScheduledExecutorService scheduler;
  private HttpServer api;
  private HttpServer webhook;
  private HttpServer lambda;

  private DevGateway(Builder b) {
    this.authorizer = b.authorizer;
    Map<String, LocalFunction> byId = new LinkedHashMap<>();
    for (SamTemplate.Function f : b.template.functions()) {
      byId.put(f.logicalId(), new LocalFunction(f, b.handlerFactory, json));
    }
    this.functions = Collections.unmodifiableMap(byId);
    Map<String, String> names = new LinkedHashMap<>();
    String syncName = System.getenv("SYNC_FUNCTION_NAME");
    if (syncName != null && !syncName.isBlank() && byId.containsKey(SYNC_FUNCTION)) {
      names.put(plainFunctionName(syncName), SYNC_FUNCTION);
    }
    b.functionNames.forEach(
        (name, id) -> {
          if (!byId.containsKey(id)) {
            throw new IllegalArgumentException("No function " + id + " for the name " + name);
          }
          names.put(plainFunctionName(name), id);
        });
    this.functionNames = Map.copyOf(names);
    this.routes = new ApiRoutes(b.template.functions());
    List<LocalFunction> withUrl =
        byId.values().stream().filter(f -> f.definition().hasFunctionUrl()).toList();
    if (withUrl.size() > 1) {
      throw new IllegalArgumentException("More than one function URL in the template: " + withUrl);
    }
    this.urlFunction = withUrl.stream().findFirst();
    this.stage = b.stage;
    this.region = b.region;
    this.clock = b.clock;
    this.scheduleEnabled = b.scheduleEnabled;
    this.requestedApiPort = b.apiPort;
    this.requestedWebhookPort = b.webhookPort;
    this.requestedLambdaPort = b.lambdaPort;
  }

  /**
   * A gateway for the template's functions, configured from the environment ({@code STAGE}, {@code
   * AWS_REGION}, {@code ALLOWED_ORIGINS}, {@code SYNC_FUNCTION_NAME}); ephemeral ports and the
   * schedule off unless set.
   */
  public static Builder builder(SamTemplate template, CognitoAuthorizer authorizer) {
    return new Builder(template, authorizer);
  }

  /** Binds the three ports (loopback only), starts serving and, if enabled, the schedule. */
  public synchronized DevGateway start() throws IOException {
    if (api != null) {
      throw new IllegalStateException("Already started");
    }
    requestThreads = Executors.newVirtualThreadPerTaskExecutor();
    asyncInvocations = Executors.newVirtualThreadPerTaskExecutor();
    api = listen(requestedApiPort, this::handleApi);
    webhook = listen(requestedWebhookPort, this::handleFunctionUrl);
    lambda = listen(requestedLambdaPort, this::handleLambdaInvoke);
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("dev-gateway-schedule").factory());
    if (scheduleEnabled) {
      for (LocalFunction function : functions.values()) {
        for (SamTemplate.Schedule schedule : function.definition().schedules()) {
          if (schedule.enabled()) {
            long period = schedule.rate().toMillis();
            scheduler.scheduleAtFixedRate(
                () -> fireQuietly(function, schedule), period, period, TimeUnit.MILLISECONDS);
            LOG.info(
                "Schedule {} of {} fires every {}",
                schedule.eventName(),
                function.definition().logicalId(),
                schedule.rate());
          }
        }
      }
    }
    return this;
  }

  private HttpServer listen(int port, HttpHandler handler) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/", handler);
    server.setExecutor(requestThreads);
    server.start();
    return server;
  }

  /** The REST API's base URL (the stage is not part of the local path). */
  public URI apiUri() {
    return uriOf(api);
  }

  /** The webhook function's URL. */
  public URI webhookUri() {
    return uriOf(webhook);
  }

  /** The Lambda endpoint, for {@code AWS_ENDPOINT_URL_LAMBDA} / {@code aws.endpointUrlLambda}. */
  public URI lambdaUri() {
    return uriOf(lambda);
  }

  private static URI uriOf(HttpServer server) {
    if (server == null) {
      throw new IllegalStateException("Not started");
    }
    InetSocketAddress address = server.getAddress();
    return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
  }

  /** How often a function has been invoked so far (by any trigger). */
  public int invocations(String logicalId) {
    return function(logicalId).invocations();
  }

  /** Invocations so far, by function logical id. */
  public Map<String, Integer> invocationCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    functions.forEach((id, f) -> counts.put(id, f.invocations()));
    return Collections.unmodifiableMap(counts);
  }

  /** How many handler instances (warm execution environments) a function has. */
  public int instances(String logicalId) {
    return function(logicalId).instances();
  }

  private LocalFunction function(String logicalId) {
    LocalFunction function = functions.get(logicalId);
    if (function == null) {
      throw new IllegalArgumentException("No function " + logicalId + " in the template");
    }
    return function;
  }

  /**
   * Fires each {@code Schedule} event of a function once, now, and waits for it: the scheduled
   * EventBridge event goes to the handler. Returns the handler's output of the last one.
   */
  public String fireSchedule(String logicalId) throws FunctionInvocationException {
    LocalFunction function = function(logicalId);
    if (function.definition().schedules().isEmpty()) {
      throw new IllegalArgumentException(logicalId + " has no Schedule event");
    }
    String output = "";
    for (SamTemplate.Schedule schedule : function.definition().schedules()) {
      output = fire(function, schedule);
    }
    return output;
  }

  /** Waits until every asynchronous ({@code Event}) invocation started so far has finished. */
  public boolean awaitAsyncInvocations(Duration timeout) throws InterruptedException {
    CompletableFuture<?>[] pending = asyncInFlight.toArray(CompletableFuture<?>[]::new);
    try {
      CompletableFuture.allOf(pending).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  /** Stops serving and firing; waits a few seconds for asynchronous invocations still running. */
  public synchronized void stop() {
    for (HttpServer server : Arrays.asList(api, webhook, lambda)) {
      if (server != null) {
        server.stop(0);
      }
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (asyncInvocations != null) {
      asyncInvocations.shutdown();
      try {
        if (!asyncInvocations.awaitTermination(5, TimeUnit.SECONDS)) {
          asyncInvocations.shutdownNow();
        }
      } catch (InterruptedException e) {
        asyncInvocations.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (requestThreads != null) {
      requestThreads.shutdownNow();
    }
  }

  @Override
  public void close() {
    stop();
  }

  // ---------------------------------------------------------------- REST API

  private void handleApi(HttpExchange exchange) {
    long started = System.nanoTime();
    String requestId = UUID.randomUUID().toString();
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    String rawPath = exchange.getRequestURI().getRawPath();
    Headers out = exchange.getResponseHeaders();
    out.set("x-amzn-RequestId", requestId);
    String outcome = "-";
    int status = 500;
    try {
      Optional<ApiRoutes.Match> match = routes.match(method, rawPath);
      if (match.isEmpty()) {
        status =
            gatewayError(
                exchange,
                403,
                "Missing Authentication Token",
                "MissingAuthenticationTokenException");
        outcome = "no route";
        return;
      }
      Map<String, String> claims = null;
      if (match.get().route().authorized()) {
        CognitoAuthorizer.Result auth =
            authorizer.authorize(exchange.getRequestHeaders().getFirst("Authorization"));
        if (auth instanceof CognitoAuthorizer.Unauthorized unauthorized) {
          // As template.yaml's UNAUTHORIZED gateway response: where an MCP client learns how to
          // sign in (RFC 9728).
          out.set(
              "WWW-Authenticate",
              "Bearer resource_metadata=\"" + apiUri() + PROTECTED_RESOURCE_METADATA + "\"");
          status = gatewayError(exchange, 401, "Unauthorized", "UnauthorizedException");
          outcome = "unauthorized: " + unauthorized.reason();
          return;
        }
        claims = ((CognitoAuthorizer.Authorized) auth).claims();
      }
      LocalFunction function = functions.get(match.get().route().functionLogicalId());
      outcome = function.definition().logicalId();
      APIGatewayProxyRequestEvent event =
          restEvent(
              exchange, requestId, match.get(), claims, exchange.getRequestBody().readAllBytes());
      APIGatewayProxyResponseEvent response;
      try {
        response =
            function.handle(
                event,
                APIGatewayProxyResponseEvent.class,
                LocalLambdaContext.startingNow(requestId, function.definition(), region, clock));
      } catch (FunctionInvocationException e) {
        LOG.error("{} failed on {} {} (request {})", outcome, method, rawPath, requestId, e);
        status = gatewayError(exchange, 502, "Internal server error", null);
        return;
      }
      if (response == null || response.getStatusCode() == null) {
        LOG.error("{} returned no status code (request {})", outcome, requestId);
        status = gatewayError(exchange, 502, "Internal server error", null);
        return;
      }
      status = writeProxyResponse(exchange, response);
    } catch (IOException | RuntimeException e) {
      LOG.error("Gateway failure on {} {} (request {})", method, rawPath, requestId, e);
      status = answerIfUnanswered(exchange, 500, "{\"message\":\"Internal server error\"}");
    } finally {
      exchange.close();
      LOG.info(
          "API {} {} -> {} [{}] {} ms",
          method,
          rawPath,
          status,
          outcome,
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  private APIGatewayProxyRequestEvent restEvent(
      HttpExchange exchange,
      String requestId,
      ApiRoutes.Match match,
      Map<String, String> claims,
      byte[] body) {
    Instant now = clock.instant();
    URI uri = exchange.getRequestURI();
    Map<String, List<String>> multiHeaders = new LinkedHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> multiHeaders.put(canonicalHeaderName(name), List.copyOf(values)));
    Map<String, String> headers = new LinkedHashMap<>();
    multiHeaders.forEach((name, values) -> headers.put(name, values.getLast()));
    Map<String, List<String>> multiQuery = parseQuery(uri.getRawQuery());
    Map<String, String> query = new LinkedHashMap<>();
    multiQuery.forEach((name, values) -> query.put(name, values.getLast()));
    String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();

    APIGatewayProxyRequestEvent.RequestIdentity identity =
        new APIGatewayProxyRequestEvent.RequestIdentity();
    identity.setSourceIp(sourceIp);
    identity.setUserAgent(headers.get("User-Agent"));

    APIGatewayProxyRequestEvent.ProxyRequestContext context =
        new APIGatewayProxyRequestEvent.ProxyRequestContext();
    context.setAccountId(LocalLambdaContext.ACCOUNT_ID);
    context.setApiId(API_ID);
    context.setStage(stage);
    context.setRequestId(requestId);
    context.setExtendedRequestId(requestId);
    context.setResourceId(API_ID);
    context.setResourcePath(match.route().pathTemplate());
    context.setHttpMethod(
        match.route().method().equals("ANY")
            ? exchange.getRequestMethod()
            : match.route().method());
    context.setPath("/" + stage + uri.getRawPath());
    context.setProtocol(exchange.getProtocol());
    context.setRequestTime(CLF_TIME.format(now));
    context.setRequestTimeEpoch(now.toEpochMilli());
    context.setDomainName(headers.get("Host"));
    context.setIdentity(identity);
    // A route without the authorizer (CORS preflight) carries no authorizer context at all.
    context.setAuthorizer(claims == null ? null : Map.of("claims", claims));

    APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent();
    event.setResource(match.route().pathTemplate());
    event.setPath(uri.getRawPath());
    event.setHttpMethod(exchange.getRequestMethod().toUpperCase(Locale.ROOT));
    event.setHeaders(headers);
    event.setMultiValueHeaders(multiHeaders);
    event.setQueryStringParameters(query.isEmpty() ? null : query);
    event.setMultiValueQueryStringParameters(multiQuery.isEmpty() ? null : multiQuery);
    event.setPathParameters(
        match.pathParameters().isEmpty() ? null : new LinkedHashMap<>(match.pathParameters()));
    event.setStageVariables(null);
    event.setRequestContext(context);
    event.setBody(body.length == 0 ? null : new String(body, UTF_8));
    event.setIsBase64Encoded(false);
    return event;
  }

  private int gatewayError(HttpExchange exchange, int status, String message, String errorType)
      throws IOException {
    Headers out = exchange.getResponseHeaders();
    out.set("Content-Type", "application/json");
    // As template.yaml's GatewayResponses: the request's Origin, echoed (no data in these).
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (origin != null) {
      out.set("Access-Control-Allow-Origin", origin);
      out.set("Vary", "Origin");
    }
    if (errorType != null) {
      out.set("x-amzn-ErrorType", errorType);
    }
    byte[] body = json.writeValueAsBytes(Map.of("message", message));
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    return status;
  }

  private static int writeProxyResponse(
      HttpExchange exchange, APIGatewayProxyResponseEvent response) throws IOException {
    Headers out = exchange.getResponseHeaders();
    boolean handlerSetsOrigin =
        containsIgnoreCase(response.getHeaders(), "Access-Control-Allow-Origin")
            || containsIgnoreCase(response.getMultiValueHeaders(), "Access-Control-Allow-Origin");
    if (handlerSetsOrigin) {
      out.remove("Access-Control-Allow-Origin");
    }
    copyHeaders(response.getHeaders(), response.getMultiValueHeaders(), out);
    if (!out.containsKey("Content-Type")) {
      out.set("Content-Type", "application/json");
    }
    return send(
        exchange,
        response.getStatusCode(),
        response.getBody(),
        Boolean.TRUE.equals(response.getIsBase64Encoded()));
  }

  // ---------------------------------------------------------------- function URL

  private void handleFunctionUrl(HttpExchange exchange) {
    long started = System.nanoTime();
    String requestId = UUID.randomUUID().toString();
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    String rawPath = exchange.getRequestURI().getRawPath();
    exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
    int status = 500;
    try {
      if (urlFunction.isEmpty()) {
        status = sendText(exchange, 404, "No function URL in the template");
        return;
      }
      LocalFunction function = urlFunction.get();
      APIGatewayV2HTTPEvent event =
          functionUrlEvent(exchange, requestId, exchange.getRequestBody().readAllBytes());
      APIGatewayV2HTTPResponse response;
      try {
        response =
            function.handle(
                event,
                APIGatewayV2HTTPResponse.class,
                LocalLambdaContext.startingNow(requestId, function.definition(), region, clock));
      } catch (FunctionInvocationException e) {
        LOG.error("Function URL failed on {} {} (request {})", method, rawPath, requestId, e);
        status = sendText(exchange, 502, "Internal Server Error");
        return;
      }
      if (response == null) {
        status = send(exchange, 200, "null", false);
        return;
      }
      Headers out = exchange.getResponseHeaders();
      copyHeaders(response.getHeaders(), response.getMultiValueHeaders(), out);
      if (response.getCookies() != null) {
        response.getCookies().forEach(cookie -> out.add("Set-Cookie", cookie));
      }
      if (!out.containsKey("Content-Type")) {
        out.set("Content-Type", "application/json");
      }
      int code = response.getStatusCode() == 0 ? 200 : response.getStatusCode();
      status = send(exchange, code, response.getBody(), response.getIsBase64Encoded());
    } catch (IOException | RuntimeException e) {
      LOG.error("Function URL failure on {} {} (request {})", method, rawPath, requestId, e);
      status = answerIfUnanswered(exchange, 500, "Internal Server Error");
    } finally {
      exchange.close();
      LOG.info(
          "URL {} {} -> {} {} ms",
          method,
          rawPath,
          status,
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  private APIGatewayV2HTTPEvent functionUrlEvent(
      HttpExchange exchange, String requestId, byte[] body) {
    Instant now = clock.instant();
    URI uri = exchange.getRequestURI();
    Map<String, String> headers = new LinkedHashMap<>();
    List<String> cookies = new ArrayList<>();
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (lower.equals("cookie")) {
                values.forEach(
                    v -> Arrays.stream(v.split(";")).map(String::strip).forEach(cookies::add));
              } else {
                headers.put(lower, String.join(",", values));
              }
            });
    Map<String, String> query = new LinkedHashMap<>();
    parseQuery(uri.getRawQuery())
        .forEach((name, values) -> query.put(name, String.join(",", values)));
    String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
    String host = headers.getOrDefault("host", "localhost");

    APIGatewayV2HTTPEvent.RequestContext.Http http =
        APIGatewayV2HTTPEvent.RequestContext.Http.builder()
            .withMethod(exchange.getRequestMethod().toUpperCase(Locale.ROOT))
            .withPath(uri.getRawPath())
            .withProtocol(exchange.getProtocol())
            .withSourceIp(sourceIp)
            .withUserAgent(headers.get("user-agent"))
            .build();
    APIGatewayV2HTTPEvent.RequestContext context =
        APIGatewayV2HTTPEvent.RequestContext.builder()
            .withAccountId("anonymous")
            .withApiId(API_ID)
            .withDomainName(host)
            .withDomainPrefix(host.split("[.:]")[0])
            .withHttp(http)
            .withRequestId(requestId)
            .withRouteKey("$default")
            .withStage("$default")
            .withTime(CLF_TIME.format(now))
            .withTimeEpoch(now.toEpochMilli())
            .build();

    boolean textual = isTextual(headers.get("content-type"));
    String encodedBody =
        body.length == 0
            ? null
            : textual ? new String(body, UTF_8) : Base64.getEncoder().encodeToString(body);
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey("$default")
        .withRawPath(uri.getRawPath())
        .withRawQueryString(uri.getRawQuery() == null ? "" : uri.getRawQuery())
        .withCookies(cookies.isEmpty() ? null : cookies)
        .withHeaders(headers)
        .withQueryStringParameters(query.isEmpty() ? null : query)
        .withRequestContext(context)
        .withBody(encodedBody)
        .withIsBase64Encoded(body.length != 0 && !textual)
        .build();
  }

  static boolean isTextual(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
    return type.startsWith("text/")
        || type.equals("application/json")
        || type.equals("application/x-www-form-urlencoded")
        || type.equals("application/xml");
  }

  // ---------------------------------------------------------------- Lambda Invoke API

  private void handleLambdaInvoke(HttpExchange exchange) {
    String requestId = UUID.randomUUID().toString();
    exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
    try {
      Matcher path = INVOKE_PATH.matcher(exchange.getRequestURI().getRawPath());
      if (!path.matches() || !exchange.getRequestMethod().equalsIgnoreCase("POST")) {
        lambdaError(exchange, 404, "UnknownOperationException", "Unknown operation");
        return;
      }
      String requestedName = URLDecoder.decode(path.group(1), UTF_8);
      String name = plainFunctionName(requestedName);
      String logicalId = functions.containsKey(name) ? name : functionNames.get(name);
      if (logicalId == null) {
        lambdaError(
            exchange,
            404,
            "ResourceNotFoundException",
            "Function not found: arn:aws:lambda:"
                + region
                + ":"
                + LocalLambdaContext.ACCOUNT_ID
                + ":function:"
                + name);
        return;
      }
      LocalFunction function = functions.get(logicalId);
      byte[] payload = exchange.getRequestBody().readAllBytes();
      byte[] event = payload.length == 0 ? "{}".getBytes(UTF_8) : payload;
      String type =
          Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"))
              .orElse("RequestResponse");
      switch (type) {
        case "Event" -> {
          invokeAsync(function, event, requestId);
          exchange.sendResponseHeaders(202, -1);
          LOG.info("Lambda Invoke {} (Event) -> 202", logicalId);
        }
        case "DryRun" -> exchange.sendResponseHeaders(204, -1);
        case "RequestResponse" -> {
          Headers out = exchange.getResponseHeaders();
          out.set("Content-Type", "application/json");
          out.set("X-Amz-Executed-Version", "$LATEST");
          byte[] output;
          try {
            output =
                function.handleRaw(
                    event,
                    LocalLambdaContext.startingNow(
                        requestId, function.definition(), region, clock));
          } catch (FunctionInvocationException e) {
            LOG.error("{} failed (Lambda Invoke, request {})", logicalId, requestId, e);
            out.set("X-Amz-Function-Error", "Unhandled");
            output =
                json.writeValueAsBytes(
                    Map.of(
                        "errorMessage", String.valueOf(e.getCause().getMessage()),
                        "errorType", e.errorType(),
                        "stackTrace", List.of()));
          }
          exchange.sendResponseHeaders(200, output.length == 0 ? -1 : output.length);
          exchange.getResponseBody().write(output);
          LOG.info("Lambda Invoke {} (RequestResponse) -> 200", logicalId);
        }
        default ->
            lambdaError(
                exchange,
                400,
                "InvalidParameterValueException",
                "Unsupported X-Amz-Invocation-Type: " + type);
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("Lambda Invoke failure (request {})", requestId, e);
      answerIfUnanswered(exchange, 500, "{\"Type\":\"Service\",\"message\":\"Internal failure\"}");
    } finally {
      exchange.close();
    }
  }

  private void invokeAsync(LocalFunction function, byte[] event, String requestId) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    asyncInFlight.add(done);
    done.whenComplete((ignored, error) -> asyncInFlight.remove(done));
    asyncInvocations.execute(
        () -> {
          try {
            function.handleRaw(
                event,
                LocalLambdaContext.startingNow(requestId, function.definition(), region, clock));
          } catch (FunctionInvocationException | RuntimeException e) {
            LOG.error(
                "{} failed (asynchronous invocation {})",
                function.definition().logicalId(),
                requestId,
                e);
          } finally {
            done.complete(null);
          }
        });
  }

  private void lambdaError(HttpExchange exchange, int status, String errorType, String message)
      throws IOException {
    Headers out = exchange.getResponseHeaders();
    out.set("Content-Type", "application/json");
    out.set("x-amzn-ErrorType", errorType);
    Map<String, String> body = new LinkedHashMap<>();
    body.put("Type", "User");
    body.put("message", message);
    byte[] bytes = json.writeValueAsBytes(body);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** {@code arn:aws:lambda:r:a:function:name[:qualifier]}, {@code name[:qualifier]} → name. */
  static String plainFunctionName(String name) {
    int function = name.indexOf("function:");
    String rest = function >= 0 ? name.substring(function + "function:".length()) : name;
    int colon = rest.indexOf(':');
    return colon < 0 ? rest : rest.substring(0, colon);
  }

  // ---------------------------------------------------------------- schedule

  private void fireQuietly(LocalFunction function, SamTemplate.Schedule schedule) {
    try {
      fire(function, schedule);
    } catch (FunctionInvocationException | RuntimeException e) {
      LOG.error(
          "Scheduled run {} of {} failed",
          schedule.eventName(),
          function.definition().logicalId(),
          e);
    }
  }

  private String fire(LocalFunction function, SamTemplate.Schedule schedule)
      throws FunctionInvocationException {
    String requestId = UUID.randomUUID().toString();
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("version", "0");
    event.put("id", UUID.randomUUID().toString());
    event.put("detail-type", "Scheduled Event");
    event.put("source", "aws.events");
    event.put("account", LocalLambdaContext.ACCOUNT_ID);
    event.put("time", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
    event.put("region", region);
    event.put(
        "resources",
        List.of(
            "arn:aws:events:"
                + region
                + ":"
                + LocalLambdaContext.ACCOUNT_ID
                + ":rule/agent-billy-"
                + stage
                + "-"
                + function.definition().logicalId()
                + schedule.eventName()));
    event.put("detail", Map.of());
    byte[] payload;
    try {
      payload = json.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    LOG.info("Schedule {} fires {}", schedule.eventName(), function.definition().logicalId());
    byte[] output =
        function.handleRaw(
            payload,
            LocalLambdaContext.startingNow(requestId, function.definition(), region, clock));
    return new String(output, UTF_8);
  }

  // ---------------------------------------------------------------- HTTP helpers

  private static void copyHeaders(
      Map<String, String> single, Map<String, List<String>> multi, Headers out) {
    if (single != null) {
      single.forEach(
          (name, value) -> {
            if (value != null && (multi == null || !containsIgnoreCase(multi, name))) {
              out.set(name, value);
            }
          });
    }
    if (multi != null) {
      multi.forEach(
          (name, values) -> {
            if (values != null) {
              out.put(name, new ArrayList<>(values));
            }
          });
    }
  }

  private static boolean containsIgnoreCase(Map<String, ?> map, String name) {
    return map != null && map.keySet().stream().anyMatch(name::equalsIgnoreCase);
  }

  private static int send(HttpExchange exchange, int status, String body, boolean base64)
      throws IOException {
    byte[] bytes =
        body == null || body.isEmpty()
            ? new byte[0]
            : base64 ? Base64.getDecoder().decode(body) : body.getBytes(UTF_8);
    boolean noBody = bytes.length == 0 || status == 204 || status == 304;
    exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
    if (!noBody) {
      exchange.getResponseBody().write(bytes);
    }
    return status;
  }

  /** After a failure of the gateway itself: a 500, unless a response has already started. */
  private static int answerIfUnanswered(HttpExchange exchange, int status, String body) {
    if (exchange.getResponseCode() != -1) {
      return exchange.getResponseCode();
    }
    try {
      return send(exchange, status, body, false);
    } catch (IOException e) {
      LOG.debug("Could not answer after a failure", e);
      return status;
    }
  }

  private static int sendText(HttpExchange exchange, int status, String text) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    return send(exchange, status, text, false);
  }

  /** {@code content-type} → {@code Content-Type}: the JDK server lower-cases all but the first. */
  static String canonicalHeaderName(String name) {
    return Arrays.stream(name.split("-", -1))
        .map(
            part ->
                part.isEmpty()
                    ? part
                    : Character.toUpperCase(part.charAt(0))
                        + part.substring(1).toLowerCase(Locale.ROOT))
        .collect(Collectors.joining("-"));
  }

  /** Decoded query parameters, every value of each in order. */
  static Map<String, List<String>> parseQuery(String rawQuery) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), UTF_8);
      params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return params;
  }

  /** Settings of a {@link DevGateway}; defaults from the environment. */
  public static final class Builder {
    private final SamTemplate template;
    private final CognitoAuthorizer authorizer;
    private int apiPort;
    private int webhookPort;
    private int lambdaPort;
    private boolean scheduleEnabled;
    private String stage = System.getenv("STAGE");
    private String region = System.getenv("AWS_REGION");
    private Clock clock = Clock.systemUTC();
    private HandlerFactory handlerFactory = HandlerFactory.byClassName();
    private final Map<String, String> functionNames = new LinkedHashMap<>();

    private Builder(SamTemplate template, CognitoAuthorizer authorizer) {
      this.template = template;
      this.authorizer = authorizer;
    }

    /** Port of the REST API; 0 (the default) picks a free one. */
    public Builder apiPort(int port) {
      this.apiPort = port;
      return this;
    }

    /** Port of the function URL; 0 (the default) picks a free one. */
    public Builder webhookPort(int port) {
      this.webhookPort = port;
      return this;
    }

    /** Port of the Lambda Invoke API; 0 (the default) picks a free one. */
    public Builder lambdaPort(int port) {
      this.lambdaPort = port;
      return this;
    }

    /**
     * Whether the {@code Schedule} events fire on their own (off by default; tests keep it off).
     */
    public Builder scheduleEnabled(boolean enabled) {
      this.scheduleEnabled = enabled;
      return this;
    }

    /** API stage name (default: {@code STAGE}). */
    public Builder stage(String stage) {
      this.stage = stage;
      return this;
    }

    /** Region reported in contexts and ARNs (default: {@code AWS_REGION}). */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** How handlers are created (default: by class name, with the no-argument constructor). */
    public Builder handlerFactory(HandlerFactory factory) {
      this.handlerFactory = factory;
      return this;
    }

    /**
     * Another name under which the Invoke API finds a function (a function's logical id always
     * works). {@code SYNC_FUNCTION_NAME} always names {@code SyncFunction}, when the template has
     * it.
     */
    public Builder functionName(String name, String logicalId) {
      functionNames.put(name, logicalId);
      return this;
    }

    public DevGateway build() {
      if (stage == null || region == null) {
        throw new IllegalStateException(
            "Set STAGE and AWS_REGION (or call stage(…) and region(…)): the gateway reports them");
      }
      return new DevGateway(this);
    }
  }
}
