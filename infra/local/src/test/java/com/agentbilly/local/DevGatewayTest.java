package com.agentbilly.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The gateway against stub handlers: event shapes, routing, auth, CORS, function URL, Invoke. */
class DevGatewayTest {

  private static final String TEMPLATE =
      """
      Parameters:
        SyncScheduleRate: {Type: String, Default: rate(15 minutes)}
      Globals:
        Function: {Timeout: 29, MemorySize: 1024}
      Resources:
        Api:
          Type: AWS::Serverless::Api
          Properties:
            StageName: dev
        ApiFunction:
          Type: AWS::Serverless::Function
          Properties:
            CodeUri: functions/api
            Handler: com.example.Api::handleRequest
            Events:
              GetMe: {Type: Api, Properties: {Path: /me, Method: GET}}
              GetOrg: {Type: Api, Properties: {Path: "/orgs/{org}", Method: GET}}
              PreflightKey:
                Type: Api
                Properties: {Path: "/orgs/{org}/keys/{purpose}", Method: OPTIONS, Auth: {Authorizer: NONE}}
        OnboardingFunction:
          Type: AWS::Serverless::Function
          Properties:
            CodeUri: functions/onboarding
            Handler: com.example.Onboarding::handleRequest
            Events:
              PutKey: {Type: Api, Properties: {Path: "/orgs/{org}/keys/{purpose}", Method: PUT}}
        SyncFunction:
          Type: AWS::Serverless::Function
          Properties:
            CodeUri: functions/sync
            Handler: com.example.Sync::handleRequest
            Timeout: 900
            Events:
              Scheduled: {Type: Schedule, Properties: {Schedule: !Ref SyncScheduleRate}}
        WebhookFunction:
          Type: AWS::Serverless::Function
          Properties:
            CodeUri: functions/webhook
            Handler: com.example.Webhook::handleRequest
            FunctionUrlConfig: {AuthType: NONE}
      """;
  private static final String ORIGIN = "http://localhost:5173";
  private static final String SYNC_ALIAS_ARN =
      "arn:aws:lambda:us-east-1:123456789012:function:agent-billy-dev-sync:live";
  private static final Instant NOW = Instant.parse("2026-11-29T12:05:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final TestIdTokens tokens = new TestIdTokens();
  private final String token = tokens.token(NOW.minusSeconds(300));

  private final Queue<APIGatewayProxyRequestEvent> restEvents = new ConcurrentLinkedQueue<>();
  private final Queue<Context> restContexts = new ConcurrentLinkedQueue<>();
  private volatile Function<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>
      restResponder =
          event -> new APIGatewayProxyResponseEvent().withStatusCode(200).withBody("{\"ok\":true}");
  private final Queue<APIGatewayV2HTTPEvent> urlEvents = new ConcurrentLinkedQueue<>();
  private volatile Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> urlResponder =
      event ->
          APIGatewayV2HTTPResponse.builder()
              .withStatusCode(200)
              .withHeaders(Map.of("Content-Type", "application/json"))
              .withBody("{\"received\":true}")
              .build();
  private final Queue<String> syncPayloads = new ConcurrentLinkedQueue<>();
  private final Queue<Context> syncContexts = new ConcurrentLinkedQueue<>();
  private volatile CountDownLatch syncGate = new CountDownLatch(0);
  private volatile RuntimeException syncFailure;

  private DevGateway gateway;

  @BeforeEach
  void start() throws IOException {
    CognitoAuthorizer authorizer =
        new CognitoAuthorizer(
            TestIdTokens.ISSUER, TestIdTokens.CLIENT_ID, tokens.jwkSource(), CLOCK, Duration.ZERO);
    gateway =
        DevGateway.builder(SamTemplate.parse(TEMPLATE), authorizer)
            .stage("dev")
            .region("us-east-1")
            .clock(CLOCK)
            .functionName(SYNC_ALIAS_ARN, "SyncFunction")
            .handlerFactory(
                function ->
                    switch (function.logicalId()) {
                      case "ApiFunction", "OnboardingFunction" -> new RestStub();
                      case "WebhookFunction" -> new UrlStub();
                      case "SyncFunction" -> new SyncStub();
                      default -> throw new IllegalArgumentException(function.logicalId());
                    })
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    gateway.stop();
  }

  @Nested
  class RestApi {

    @Test
    void passesAnApiGatewayShapedEventToTheRoutesFunction() throws Exception {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(gateway.apiUri().resolve("/me"))
                  .header("Authorization", token)
                  .header("Origin", ORIGIN)
                  .header("x-custom-thing", "a")
                  .GET());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"ok\":true}");
      assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
      // A proxy integration's answer is the function's own: CORS headers are its to add.
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      APIGatewayProxyRequestEvent event = restEvents.remove();
      assertThat(event.getResource()).isEqualTo("/me");
      assertThat(event.getPath()).isEqualTo("/me");
      assertThat(event.getHttpMethod()).isEqualTo("GET");
      assertThat(event.getHeaders())
          .containsEntry("Authorization", token)
          .containsEntry("Origin", ORIGIN)
          .containsEntry("X-Custom-Thing", "a");
      assertThat(event.getMultiValueHeaders()).containsEntry("X-Custom-Thing", List.of("a"));
      assertThat(event.getQueryStringParameters()).isNull();
      assertThat(event.getMultiValueQueryStringParameters()).isNull();
      assertThat(event.getPathParameters()).isNull();
      assertThat(event.getBody()).isNull();
      assertThat(event.getIsBase64Encoded()).isFalse();
      APIGatewayProxyRequestEvent.ProxyRequestContext context = event.getRequestContext();
      assertThat(context.getRequestId())
          .isEqualTo(response.headers().firstValue("x-amzn-RequestId").orElseThrow())
          .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
      assertThat(context.getStage()).isEqualTo("dev");
      assertThat(context.getResourcePath()).isEqualTo("/me");
      assertThat(context.getHttpMethod()).isEqualTo("GET");
      assertThat(context.getPath()).isEqualTo("/dev/me");
      assertThat(context.getRequestTimeEpoch()).isEqualTo(NOW.toEpochMilli());
      assertThat(context.getIdentity().getSourceIp()).isEqualTo("127.0.0.1");
      assertThat(context.getAuthorizer()).containsOnlyKeys("claims");
      assertThat(context.getAuthorizer().get("claims"))
          .isEqualTo(
              ((CognitoAuthorizer.Authorized)
                      new CognitoAuthorizer(
                              TestIdTokens.ISSUER,
                              TestIdTokens.CLIENT_ID,
                              tokens.jwkSource(),
                              CLOCK,
                              Duration.ZERO)
                          .authorize(token))
                  .claims());
    }

    @Test
    void bindsPathParametersQueryStringsAndTheBody() throws Exception {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(
                      gateway.apiUri().resolve("/orgs/org_1/keys/sync?limit=5&tag=a&tag=b%20c"))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .PUT(BodyPublishers.ofString("{\"key\":\"rk_test_1\"}")));

      assertThat(response.statusCode()).isEqualTo(200);
      APIGatewayProxyRequestEvent event = restEvents.remove();
      assertThat(event.getResource()).isEqualTo("/orgs/{org}/keys/{purpose}");
      assertThat(event.getPath()).isEqualTo("/orgs/org_1/keys/sync");
      assertThat(event.getPathParameters()).isEqualTo(Map.of("org", "org_1", "purpose", "sync"));
      assertThat(event.getQueryStringParameters()).isEqualTo(Map.of("limit", "5", "tag", "b c"));
      assertThat(event.getMultiValueQueryStringParameters())
          .isEqualTo(Map.of("limit", List.of("5"), "tag", List.of("a", "b c")));
      assertThat(event.getHeaders()).containsEntry("Content-Type", "application/json");
      assertThat(event.getBody()).isEqualTo("{\"key\":\"rk_test_1\"}");
      assertThat(gateway.invocations("OnboardingFunction")).isEqualTo(1);
      assertThat(gateway.invocations("ApiFunction")).isZero();
    }

    @Test
    void writesTheFunctionsStatusHeadersAndBodyBack() throws Exception {
      byte[] bytes = {0, 1, 2, (byte) 0xff};
      restResponder =
          event ->
              new APIGatewayProxyResponseEvent()
                  .withStatusCode(201)
                  .withHeaders(Map.of("X-One", "1", "Content-Type", "application/octet-stream"))
                  .withMultiValueHeaders(Map.of("X-Many", List.of("a", "b")))
                  .withIsBase64Encoded(true)
                  .withBody(Base64.getEncoder().encodeToString(bytes));

      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(gateway.apiUri().resolve("/me"))
                  .header("Authorization", token)
                  .build(),
              BodyHandlers.ofByteArray());

      assertThat(response.statusCode()).isEqualTo(201);
      assertThat(response.body()).isEqualTo(bytes);
      assertThat(response.headers().firstValue("X-One")).contains("1");
      assertThat(response.headers().allValues("X-Many")).containsExactly("a", "b");
      assertThat(response.headers().firstValue("Content-Type"))
          .contains("application/octet-stream");
    }

    @Test
    void anEmptyNoContentResponseHasNoBody() throws Exception {
      restResponder = event -> new APIGatewayProxyResponseEvent().withStatusCode(204);

      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(gateway.apiUri().resolve("/me"))
                  .header("Authorization", token));

      assertThat(response.statusCode()).isEqualTo(204);
      assertThat(response.body()).isEmpty();
    }

    @Test
    void refusesMissingInvalidAndExpiredTokensWithoutRunningTheFunction() throws Exception {
      String expired = tokens.token(NOW.minusSeconds(7200));
      String foreign = TestIdTokens.other().token(NOW.minusSeconds(60));

      for (String authorization : new String[] {null, "garbage", expired, foreign}) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.apiUri().resolve("/me"));
        if (authorization != null) {
          request.header("Authorization", authorization);
        }
        HttpResponse<String> response = send(request);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
        assertThat(response.headers().firstValue("x-amzn-ErrorType"))
            .contains("UnauthorizedException");
      }
      assertThat(gateway.invocations("ApiFunction")).isZero();
      assertThat(gateway.instances("ApiFunction")).isZero();
    }

    @Test
    void answersUnknownRoutesAndMethodsWithMissingAuthenticationToken() throws Exception {
      HttpResponse<String> unknownPath =
          send(
              HttpRequest.newBuilder(gateway.apiUri().resolve("/nope"))
                  .header("Authorization", token));
      HttpResponse<String> unknownMethod =
          send(
              HttpRequest.newBuilder(gateway.apiUri().resolve("/me"))
                  .header("Authorization", token)
                  .DELETE());

      for (HttpResponse<String> response : List.of(unknownPath, unknownMethod)) {
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).isEqualTo("{\"message\":\"Missing Authentication Token\"}");
      }
      assertThat(gateway.invocationCounts().values()).containsOnly(0);
    }

    @Test
    void routesARouteWithoutTheAuthorizerToItsFunctionWithoutAToken() throws Exception {
      restResponder =
          event ->
              new APIGatewayProxyResponseEvent()
                  .withStatusCode(204)
                  .withHeaders(Map.of("Access-Control-Allow-Origin", ORIGIN));

      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(gateway.apiUri().resolve("/orgs/org_1/keys/sync"))
                  .header("Origin", ORIGIN)
                  .header("Access-Control-Request-Method", "PUT")
                  .method("OPTIONS", BodyPublishers.noBody()));

      assertThat(response.statusCode()).isEqualTo(204);
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains(ORIGIN);
      APIGatewayProxyRequestEvent event = restEvents.remove();
      assertThat(event.getHttpMethod()).isEqualTo("OPTIONS");
      assertThat(event.getResource()).isEqualTo("/orgs/{org}/keys/{purpose}");
      assertThat(event.getRequestContext().getAuthorizer()).isNull();
    }

    @Test
    void aPathWithoutAPreflightRouteIsRefusedLikeAnyUnknownMethod() throws Exception {
      HttpResponse<String> preflight =
          send(
              HttpRequest.newBuilder(gateway.apiUri().resolve("/me"))
                  .header("Origin", ORIGIN)
                  .method("OPTIONS", BodyPublishers.noBody()));

      assertThat(preflight.statusCode()).isEqualTo(403);
      assertThat(gateway.invocationCounts().values()).containsOnly(0);
    }

    @Test
    void gatewayErrorsEchoTheOriginAsTheTemplatesGatewayResponsesDo() throws Exception {
      for (String origin : List.of(ORIGIN, "https://billing.example.com")) {
        HttpResponse<String> response =
            send(HttpRequest.newBuilder(gateway.apiUri().resolve("/me")).header("Origin", origin));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains(origin);
      }
    }

    @Test
    void aFailingFunctionIsA502AndTheNextCallStillWorks() throws Exception {
      restResponder =
          event -> {
            throw new IllegalStateException("boom");
          };
      HttpResponse<String> failed =
          send(
              HttpRequest.newBuilder(gateway.apiUri().resolve("/me"))
                  .header("Authorization", token));
      restResponder =
          event -> new APIGatewayProxyResponseEvent().withStatusCode(200).withBody("{}");
      HttpResponse<String> next =
          send(
              HttpRequest.newBuilder(gateway.apiUri().resolve("/me"))
                  .header("Authorization", token));

      assertThat(failed.statusCode()).isEqualTo(502);
      assertThat(failed.body()).isEqualTo("{\"message\":\"Internal server error\"}");
      assertThat(next.statusCode()).isEqualTo(200);
    }

    @Test
    void keepsOneWarmHandlerAcrossSequentialRequests() throws Exception {
      send(HttpRequest.newBuilder(gateway.apiUri().resolve("/me")).header("Authorization", token));
      send(
          HttpRequest.newBuilder(gateway.apiUri().resolve("/orgs/org_1"))
              .header("Authorization", token));

      assertThat(gateway.invocations("ApiFunction")).isEqualTo(2);
      assertThat(gateway.instances("ApiFunction")).isEqualTo(1);
    }

    @Test
    void givesTheFunctionItsTemplateTimeoutAsRemainingTime() throws Exception {
      send(HttpRequest.newBuilder(gateway.apiUri().resolve("/me")).header("Authorization", token));

      Context context = restContexts.remove();
      assertThat(context.getFunctionName()).isEqualTo("ApiFunction");
      assertThat(context.getRemainingTimeInMillis()).isEqualTo(29_000);
      assertThat(context.getMemoryLimitInMB()).isEqualTo(1024);
      assertThat(context.getInvokedFunctionArn())
          .isEqualTo("arn:aws:lambda:us-east-1:123456789012:function:ApiFunction");
    }
  }

  @Nested
  class FunctionUrl {

    @Test
    void passesAPayloadFormat2EventToTheWebhookFunction() throws Exception {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(gateway.webhookUri().resolve("/orgs/org_1?x=1&x=2"))
                  .header("Content-Type", "application/json; charset=utf-8")
                  .header("Stripe-Signature", "t=1,v1=abc")
                  .POST(BodyPublishers.ofString("{\"id\":\"evt_1\"}")));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"received\":true}");
      APIGatewayV2HTTPEvent event = urlEvents.remove();
      assertThat(event.getVersion()).isEqualTo("2.0");
      assertThat(event.getRouteKey()).isEqualTo("$default");
      assertThat(event.getRawPath()).isEqualTo("/orgs/org_1");
      assertThat(event.getRawQueryString()).isEqualTo("x=1&x=2");
      assertThat(event.getQueryStringParameters()).isEqualTo(Map.of("x", "1,2"));
      assertThat(event.getHeaders())
          .containsEntry("stripe-signature", "t=1,v1=abc")
          .containsEntry("content-type", "application/json; charset=utf-8");
      assertThat(event.getHeaders().keySet()).allMatch(name -> name.equals(name.toLowerCase()));
      assertThat(event.getBody()).isEqualTo("{\"id\":\"evt_1\"}");
      assertThat(event.getIsBase64Encoded()).isFalse();
      assertThat(event.getRequestContext().getHttp().getMethod()).isEqualTo("POST");
      assertThat(event.getRequestContext().getHttp().getPath()).isEqualTo("/orgs/org_1");
      assertThat(event.getRequestContext().getHttp().getSourceIp()).isEqualTo("127.0.0.1");
      assertThat(event.getRequestContext().getRequestId())
          .isEqualTo(response.headers().firstValue("x-amzn-RequestId").orElseThrow());
      assertThat(event.getRequestContext().getTimeEpoch()).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void base64EncodesABinaryBody() throws Exception {
      byte[] bytes = {0, 1, 2, (byte) 0xff};
      send(
          HttpRequest.newBuilder(gateway.webhookUri().resolve("/orgs/org_1"))
              .header("Content-Type", "application/octet-stream")
              .POST(BodyPublishers.ofByteArray(bytes)));

      APIGatewayV2HTTPEvent event = urlEvents.remove();
      assertThat(event.getIsBase64Encoded()).isTrue();
      assertThat(event.getBody()).isEqualTo("AAEC/w==");
    }

    @Test
    void decodesABase64ResponseBody() throws Exception {
      urlResponder =
          event ->
              APIGatewayV2HTTPResponse.builder()
                  .withStatusCode(202)
                  .withIsBase64Encoded(true)
                  .withBody(Base64.getEncoder().encodeToString("plain".getBytes(UTF_8)))
                  .build();

      HttpResponse<String> response =
          send(HttpRequest.newBuilder(gateway.webhookUri().resolve("/orgs/org_1")).GET());

      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(response.body()).isEqualTo("plain");
    }

    @Test
    void treatsTextualContentTypesAsText() {
      assertThat(DevGateway.isTextual("text/plain")).isTrue();
      assertThat(DevGateway.isTextual("application/json; charset=utf-8")).isTrue();
      assertThat(DevGateway.isTextual("application/x-www-form-urlencoded")).isTrue();
      assertThat(DevGateway.isTextual("application/xml")).isTrue();
      assertThat(DevGateway.isTextual("application/octet-stream")).isFalse();
      assertThat(DevGateway.isTextual(null)).isFalse();
    }
  }

  @Nested
  class LambdaInvoke {

    @Test
    void runsARequestResponseInvocationAndReturnsItsOutput() throws Exception {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(invocations("SyncFunction"))
                  .POST(BodyPublishers.ofString("{\"org_id\":\"org_1\"}")));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"synced\":\"{\\\"org_id\\\":\\\"org_1\\\"}\"}");
      assertThat(response.headers().firstValue("X-Amz-Executed-Version")).contains("$LATEST");
      assertThat(syncPayloads).containsExactly("{\"org_id\":\"org_1\"}");
    }

    @Test
    void answersAnEventInvocationAt202BeforeTheFunctionFinishes() throws Exception {
      syncGate = new CountDownLatch(1);

      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(invocations(SYNC_ALIAS_ARN))
                  .header("X-Amz-Invocation-Type", "Event")
                  .POST(BodyPublishers.ofString("{\"org_id\":\"org_2\"}")));

      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(response.body()).isEmpty();
      assertThat(gateway.awaitAsyncInvocations(Duration.ofMillis(200))).isFalse();
      syncGate.countDown();
      assertThat(gateway.awaitAsyncInvocations(Duration.ofSeconds(10))).isTrue();
      assertThat(syncPayloads).containsExactly("{\"org_id\":\"org_2\"}");
      assertThat(gateway.invocations("SyncFunction")).isEqualTo(1);
    }

    @Test
    void findsAFunctionByItsAliasNameWithAQualifier() throws Exception {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(invocations("agent-billy-dev-sync:live"))
                  .POST(BodyPublishers.ofString("{}")));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(gateway.invocations("SyncFunction")).isEqualTo(1);
    }

    @Test
    void answersAnUnknownFunctionWithResourceNotFound() throws Exception {
      HttpResponse<String> response =
          send(HttpRequest.newBuilder(invocations("Nope")).POST(BodyPublishers.ofString("{}")));

      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.headers().firstValue("x-amzn-ErrorType"))
          .contains("ResourceNotFoundException");
      assertThat(json.readTree(response.body()))
          .isEqualTo(
              json.readTree(
                  "{\"Type\":\"User\",\"message\":\"Function not found:"
                      + " arn:aws:lambda:us-east-1:123456789012:function:Nope\"}"));
    }

    @Test
    void reportsAnUnhandledFunctionErrorLikeLambda() throws Exception {
      syncFailure = new IllegalStateException("boom");

      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(invocations("SyncFunction"))
                  .POST(BodyPublishers.ofString("{}")));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-Amz-Function-Error")).contains("Unhandled");
      JsonNode error = json.readTree(response.body());
      assertThat(error.get("errorMessage").asText()).isEqualTo("boom");
      assertThat(error.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
    }
  }

  @Nested
  class Schedule {

    @Test
    void firesTheFunctionWithAScheduledEventBridgeEvent() throws Exception {
      String output = gateway.fireSchedule("SyncFunction");

      JsonNode event = json.readTree(syncPayloads.remove());
      assertThat(event.get("detail-type").asText()).isEqualTo("Scheduled Event");
      assertThat(event.get("source").asText()).isEqualTo("aws.events");
      assertThat(event.get("time").asText()).isEqualTo("2026-11-29T12:05:00Z");
      assertThat(event.get("region").asText()).isEqualTo("us-east-1");
      assertThat(event.get("resources").get(0).asText())
          .isEqualTo(
              "arn:aws:events:us-east-1:123456789012:rule/agent-billy-dev-SyncFunctionScheduled");
      assertThat(event.get("detail").isEmpty()).isTrue();
      assertThat(output).startsWith("{\"synced\":");
      assertThat(syncContexts.remove().getRemainingTimeInMillis()).isEqualTo(900_000);
    }
  }

  private URI invocations(String functionName) {
    return gateway
        .lambdaUri()
        .resolve("/2015-03-31/functions/" + functionName.replace(":", "%3A") + "/invocations");
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.build(), BodyHandlers.ofString());
  }

  private final class RestStub
      implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    @Override
    public APIGatewayProxyResponseEvent handleRequest(
        APIGatewayProxyRequestEvent event, Context context) {
      restEvents.add(event);
      restContexts.add(context);
      return restResponder.apply(event);
    }
  }

  private final class UrlStub
      implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
      urlEvents.add(event);
      return urlResponder.apply(event);
    }
  }

  private final class SyncStub implements RequestStreamHandler {
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context)
        throws IOException {
      String payload = new String(input.readAllBytes(), UTF_8);
      try {
        if (!syncGate.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      if (syncFailure != null) {
        throw syncFailure;
      }
      syncPayloads.add(payload);
      syncContexts.add(context);
      output.write(json.writeValueAsBytes(Map.of("synced", payload)));
    }
  }
}
