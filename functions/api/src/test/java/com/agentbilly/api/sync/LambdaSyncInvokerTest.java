package com.agentbilly.api.sync;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.api.sync.LambdaSyncInvoker.SyncInvokeException;
import com.agentbilly.domain.OrgId;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The api's Lambda Invoke of the sync function, against an HTTP server standing in for Lambda: the
 * request Lambda's Invoke API expects, signed so that re-signing what arrived gives the same
 * signature (what Lambda checks), and the SDK's retry behaviour for throttling and failures.
 * Through the local stack, {@code SyncRequestIT} invokes the real sync function this way.
 */
class LambdaSyncInvokerTest {

  private static final String ALIAS =
      "arn:aws:lambda:eu-west-1:123456789012:function:agent-billy-dev-sync:live";
  private static final OrgId ORG = new OrgId("org_abcdefghijklmnopqrstuvwxyz");
  private static final AwsBasicCredentials CREDENTIALS =
      AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/(\\d{8})/eu-west-1/lambda/aws4_request,"
              + " SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}");

  private record Received(
      String method, String rawPath, Map<String, String> headers, byte[] body) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Deque<Integer> answers = new ConcurrentLinkedDeque<>();
  private HttpServer lambda;

  @BeforeEach
  void startLambda() throws IOException {
    lambda = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    lambda.createContext(
        "/",
        exchange -> {
          Map<String, String> headers = new TreeMap<>();
          exchange
              .getRequestHeaders()
              .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
          received.add(
              new Received(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getRawPath(),
                  headers,
                  exchange.getRequestBody().readAllBytes()));
          Integer status = answers.poll();
          int answer = status == null ? 202 : status;
          String type =
              switch (answer) {
                case 429 -> "TooManyRequestsException";
                case 404 ->
                    "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.awsgirl/";
                default -> answer >= 500 ? "ServiceException" : null;
              };
          if (type != null) {
            exchange.getResponseHeaders().set("X-Amzn-ErrorType", type);
          }
          exchange.sendResponseHeaders(answer, -1);
          exchange.close();
        });
    lambda.start();
  }

  @AfterEach
  void stopLambda() {
    lambda.stop(0);
  }

  private LambdaSyncInvoker invoker(URI endpoint) {
    return new LambdaSyncInvoker(
        UrlConnectionHttpClient.create(),
        StaticCredentialsProvider.create(CREDENTIALS),
        Region.EU_WEST_1,
        endpoint,
        ALIAS,
        Duration.ZERO);
  }

  private LambdaSyncInvoker invoker() {
    return invoker(URI.create("http://127.0.0.1:" + lambda.getAddress().getPort() + "/"));
  }

  @Test
  void queuesTheSyncFunctionForTheOrgWithARequestLambdaWouldAccept() {
    invoker().startAsync(ORG);

    assertThat(received).hasSize(1);
    Received invoke = received.get(0);
    assertThat(invoke.method()).isEqualTo("POST");
    assertThat(invoke.rawPath())
        .isEqualTo(
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction"
                + "%3Aagent-billy-dev-sync%3Alive/invocations");
    assertThat(invoke.headers()).containsEntry("x-amz-invocation-type", "Event");
    assertThat(new String(invoke.body(), UTF_8))
        .isEqualTo("{\"org_id\":\"org_abcdefghijklmnopqrstuvwxyz\"}");
    assertThat(invoke.headers().get("authorization")).matches(AUTHORIZATION);
    assertThat(invoke.headers().get("authorization")).isEqualTo(resigned(invoke));
  }

  @Test
  void throttlingAndLambdasOwnFailuresAreTriedThreeTimesInAllEachSignedAfresh() {
    answers.add(429);
    answers.add(500);

    invoker().startAsync(ORG);

    assertThat(received).hasSize(LambdaSyncInvoker.ATTEMPTS);
    assertThat(received)
        .allSatisfy(
            invoke ->
                assertThat(invoke.headers().get("authorization")).isEqualTo(resigned(invoke)));
  }

  @Test
  void aLambdaRefusalThrowsAtOnceNamingTheStatusAndTheErrorType() {
    answers.add(404);

    assertThatThrownBy(() -> invoker().startAsync(ORG))
        .isInstanceOf(SyncInvokeException.class)
        .hasMessage(
            "Lambda Invoke of the sync function answered 404 ResourceNotFoundException after 1"
                + " attempt");
    assertThat(received).hasSize(1);
  }

  @Test
  void threeFailuresInARowThrow() {
    answers.addAll(List.of(503, 429, 500));

    assertThatThrownBy(() -> invoker().startAsync(ORG))
        .isInstanceOf(SyncInvokeException.class)
        .hasMessage(
            "Lambda Invoke of the sync function answered 500 ServiceException after 3 attempts");
    assertThat(received).hasSize(3);
  }

  @Test
  void anUnreachableLambdaThrowsAfterThreeAttempts() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }

    assertThatThrownBy(() -> invoker(URI.create("http://127.0.0.1:" + closed)).startAsync(ORG))
        .isInstanceOf(SyncInvokeException.class)
        .hasMessage("Lambda Invoke of the sync function was unreachable")
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void theEndpointIsTheFirstOverrideInTheSdksOrderElseLambdasRegionalOne() {
    Map<String, String> properties =
        Map.of("aws.endpointUrlLambda", "http://a", "aws.endpointUrl", "http://c");
    Map<String, String> environment =
        Map.of("AWS_ENDPOINT_URL_LAMBDA", "http://b", "AWS_ENDPOINT_URL", "http://d");

    assertThat(LambdaSyncInvoker.endpoint(Region.EU_WEST_1, properties::get, environment::get))
        .isEqualTo(URI.create("http://a"));
    assertThat(LambdaSyncInvoker.endpoint(Region.EU_WEST_1, n -> null, environment::get))
        .isEqualTo(URI.create("http://b"));
    assertThat(
            LambdaSyncInvoker.endpoint(
                Region.EU_WEST_1,
                Map.of("aws.endpointUrl", "http://c")::get,
                Map.of("AWS_ENDPOINT_URL", "http://d")::get))
        .isEqualTo(URI.create("http://c"));
    assertThat(
            LambdaSyncInvoker.endpoint(
                Region.EU_WEST_1, n -> null, Map.of("AWS_ENDPOINT_URL", "http://d")::get))
        .isEqualTo(URI.create("http://d"));
    assertThat(LambdaSyncInvoker.endpoint(Region.EU_WEST_1, n -> null, n -> null))
        .isEqualTo(URI.create("https://lambda.eu-west-1.amazonaws.com"));
    assertThat(LambdaSyncInvoker.endpoint(Region.CN_NORTH_1, n -> null, n -> null))
        .isEqualTo(URI.create("https://lambda.cn-north-1.amazonaws.com.cn"));
  }

  /**
   * Signs what arrived again, at the time it carries, from its signed headers only: equal to what
   * it carries exactly when the request Lambda would receive is the one that was signed.
   */
  private String resigned(Received invoke) {
    Matcher authorization = AUTHORIZATION.matcher(invoke.headers().get("authorization"));
    assertThat(authorization.matches()).isTrue();
    Instant signedAt =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC)
            .parse(invoke.headers().get("x-amz-date"), Instant::from);
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.fromValue(invoke.method()))
            .uri(URI.create("http://" + invoke.headers().get("host") + invoke.rawPath()));
    Arrays.stream(authorization.group(2).split(";"))
        .filter(name -> !name.equals("host") && !name.equals("x-amz-date"))
        .forEach(name -> request.putHeader(name, invoke.headers().get(name)));
    return AwsV4HttpSigner.create()
        .sign(
            r ->
                r.identity(CREDENTIALS)
                    .request(request.build())
                    .payload(ContentStreamProvider.fromByteArray(invoke.body()))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                    .putProperty(
                        AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)))
        .request()
        .firstMatchingHeader("Authorization")
        .orElseThrow();
  }
}
