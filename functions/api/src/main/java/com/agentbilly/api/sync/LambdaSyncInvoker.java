package com.agentbilly.api.sync;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.agentbilly.domain.OrgId;
import com.agentbilly.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * An asynchronous ({@code Event}) invoke of the sync function with {@code {"org_id"}}: Lambda
 * queues it and answers 202 at once. The api function's role may invoke that function only.
 *
 * <p>This calls Lambda's Invoke API itself — {@code POST /2015-03-31/functions/NAME/invocations},
 * signed by the SDK's SigV4 signer with the SDK's default credentials and region, sent by the SDK's
 * URL connection client — instead of through the SDK's Lambda client. That client's jar carries
 * every one of Lambda's operations, 3.2 MiB, an eighth of the api function's artifact, for this
 * single call (issue #12). The endpoint honours the SDK's overrides, service-specific first ({@code
 * aws.endpointUrlLambda}, {@code AWS_ENDPOINT_URL_LAMBDA}, {@code aws.endpointUrl}, {@code
 * AWS_ENDPOINT_URL}). Throttling (429), Lambda's own failures (5xx) and broken connections are
 * tried three times in all, as the SDK's standard retry mode would; any other answer throws at
 * once.
 */
public final class LambdaSyncInvoker implements SyncInvoker {

  static final int ATTEMPTS = 3;

  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final Region region;
  private final URI endpoint;
  private final String syncFunction;
  private final Duration backoff;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  LambdaSyncInvoker(
      SdkHttpClient http,
      AwsCredentialsProvider credentials,
      Region region,
      URI endpoint,
      String syncFunction,
      Duration backoff) {
    this.http = http;
    this.credentials = credentials;
    this.region = region;
    this.endpoint = endpoint;
    this.syncFunction = syncFunction;
    this.backoff = backoff;
  }

  /** With the SDK's default credentials and region, and the endpoint the environment names. */
  public static LambdaSyncInvoker fromEnvironment(SdkHttpClient http, String syncFunction) {
    Region region = new DefaultAwsRegionProviderChain().getRegion();
    return new LambdaSyncInvoker(
        http,
        DefaultCredentialsProvider.builder().build(),
        region,
        endpoint(region, System::getProperty, System::getenv),
        syncFunction,
        Duration.ofMillis(100));
  }

  /** The first override set, in the SDK's order, else Lambda's regional endpoint. */
  static URI endpoint(
      Region region, Function<String, String> properties, Function<String, String> environment) {
    return Optional.ofNullable(properties.apply("aws.endpointUrlLambda"))
        .or(() -> Optional.ofNullable(environment.apply("AWS_ENDPOINT_URL_LAMBDA")))
        .or(() -> Optional.ofNullable(properties.apply("aws.endpointUrl")))
        .or(() -> Optional.ofNullable(environment.apply("AWS_ENDPOINT_URL")))
        .filter(url -> !url.isBlank())
        .map(URI::create)
        .orElseGet(
            () ->
                URI.create(
                    "https://lambda."
                        + region.id()
                        + "."
                        + PartitionMetadata.of(region).dnsSuffix()));
  }

  @Override
  public void startAsync(OrgId org) {
    byte[] payload = Json.write(Map.of("org_id", org.value())).getBytes(UTF_8);
    String base = endpoint.toString().replaceAll("/+$", "");
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(
                URI.create(
                    base
                        + "/2015-03-31/functions/"
                        + SdkHttpUtils.urlEncode(syncFunction)
                        + "/invocations"))
            .putHeader("X-Amz-Invocation-Type", "Event")
            .putHeader("Content-Type", "application/json")
            .putHeader("Content-Length", Integer.toString(payload.length))
            .build();
    for (int attempt = 1; ; attempt++) {
      Answer answer;
      try {
        answer = send(request, payload);
      } catch (IOException e) {
        if (attempt == ATTEMPTS) {
          throw new SyncInvokeException("Lambda Invoke of the sync function was unreachable", e);
        }
        pause(attempt);
        continue;
      }
      if (answer.status() == 202) {
        return;
      }
      boolean retryable = answer.status() == 429 || answer.status() >= 500;
      if (!retryable || attempt == ATTEMPTS) {
        throw new SyncInvokeException(
            "Lambda Invoke of the sync function answered "
                + answer.status()
                + answer.errorType().map(type -> " " + type).orElse("")
                + " after "
                + attempt
                + (attempt == 1 ? " attempt" : " attempts"),
            null);
      }
      pause(attempt);
    }
  }

  private Answer send(SdkHttpRequest request, byte[] payload) throws IOException {
    // Signed per attempt: the signature carries the time, and credentials may have been refreshed.
    SignedRequest signed =
        signer.sign(
            r ->
                r.identity(credentials.resolveCredentials())
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(payload))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
    HttpExecuteResponse response =
        http.prepareRequest(
                HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElseThrow())
                    .build())
            .call();
    try (InputStream body = response.responseBody().orElse(null)) {
      if (body != null) {
        body.transferTo(OutputStream.nullOutputStream());
      }
    }
    // "ResourceNotFoundException:http://internal.amazon.com/coral/..." — the type before the colon.
    Optional<String> errorType =
        response
            .httpResponse()
            .firstMatchingHeader("X-Amzn-ErrorType")
            .map(type -> type.split(":", 2)[0]);
    return new Answer(response.httpResponse().statusCode(), errorType);
  }

  private void pause(int attempt) {
    try {
      Thread.sleep(backoff.multipliedBy(1L << (attempt - 1)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SyncInvokeException("interrupted while retrying Lambda Invoke", e);
    }
  }

  private record Answer(int status, Optional<String> errorType) {}

  /** Lambda did not take the invocation; the message names the status and Lambda's error type. */
  public static final class SyncInvokeException extends RuntimeException {
    SyncInvokeException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
