package com.agentbilly.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.http.Json;
import com.agentbilly.testing.EventFixtures;
import com.agentbilly.testing.JsonTrees;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FunctionUrlEventJson} against the Lambda runtime's own event serialization: the same event
 * from the same JSON, and an answer the function URL reads the same.
 */
class FunctionUrlEventJsonTest {

  private static final PojoSerializer<APIGatewayV2HTTPEvent> RUNTIME_REQUESTS =
      LambdaEventSerializers.serializerFor(
          APIGatewayV2HTTPEvent.class, FunctionUrlEventJsonTest.class.getClassLoader());
  private static final PojoSerializer<APIGatewayV2HTTPResponse> RUNTIME_RESPONSES =
      LambdaEventSerializers.serializerFor(
          APIGatewayV2HTTPResponse.class, FunctionUrlEventJsonTest.class.getClassLoader());

  /** Every field a function URL without an authorizer sends, with values off the beaten path. */
  private static final String EVERY_FIELD =
      """
      {"version":"2.0","routeKey":"$default","rawPath":"/orgs/org_1","rawQueryString":"a=1&a=2",
       "cookies":["s=1","t=2"],
       "headers":{"stripe-signature":"t=1,v1=ab","x-empty":"","x-ünicode":"é","x-null":null},
       "queryStringParameters":{"a":"1,2"},"pathParameters":{"org":"org_1"},
       "stageVariables":{"env":"dev"},
       "requestContext":{"routeKey":"$default","accountId":"anonymous","stage":"$default",
         "apiId":"abc","domainName":"abc.lambda-url.us-east-1.on.aws","domainPrefix":"abc",
         "time":"29/Nov/2026:08:28:48 +0000","timeEpoch":1795984928000,"requestId":"req-1",
         "http":{"method":"POST","path":"/orgs/org_1","protocol":"HTTP/1.1",
           "sourceIp":"3.18.12.63","userAgent":"Stripe/1.0"},
         "unknownToTheClasses":[1,2]},
       "body":"{\\"id\\":\\"evt_1\\",\\"note\\":\\"\\u2603 \\\\\\" \\\\n\\"}",
       "isBase64Encoded":true,
       "unknownTopLevel":{"x":null}}
      """;

  static List<String> fixtures() throws IOException {
    List<String> names = new ArrayList<>();
    try (var files = Files.list(EventFixtures.path("function-url"))) {
      files.map(p -> "function-url/" + p.getFileName()).sorted().forEach(names::add);
    }
    return names;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void everyFixtureIsReadAsTheRuntimeBindsIt(String fixture) throws IOException {
    byte[] json = Files.readAllBytes(EventFixtures.path(fixture));

    assertThat(FunctionUrlEventJson.readRequest(new ByteArrayInputStream(json)))
        .isEqualTo(RUNTIME_REQUESTS.fromJson(new ByteArrayInputStream(json)));
  }

  @ParameterizedTest(name = "{index}")
  @ValueSource(strings = {EVERY_FIELD, "{}", "{\"headers\":null,\"requestContext\":{}}"})
  void everyFieldIsReadAsTheRuntimeBindsIt(String json) throws IOException {
    APIGatewayV2HTTPEvent read =
        FunctionUrlEventJson.readRequest(new ByteArrayInputStream(json.getBytes(UTF_8)));

    assertThat(read).isEqualTo(RUNTIME_REQUESTS.fromJson(json));
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("answers")
  void anAnswerIsWrittenAsTheRuntimeWritesIt(APIGatewayV2HTTPResponse answer) throws IOException {
    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    FunctionUrlEventJson.writeResponse(answer, ours);
    ByteArrayOutputStream runtime = new ByteArrayOutputStream();
    RUNTIME_RESPONSES.toJson(answer, runtime);

    // The runtime writes absent fields as null; the function URL reads a null and a missing field
    // alike.
    assertThat(JsonTrees.withoutNulls(Json.MAPPER.readTree(ours.toByteArray())))
        .isEqualTo(JsonTrees.withoutNulls(Json.MAPPER.readTree(runtime.toByteArray())));
  }

  static List<APIGatewayV2HTTPResponse> answers() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("X-Ünicode", "é \" \\ \n");
    return List.of(
        APIGatewayV2HTTPResponse.builder()
            .withStatusCode(200)
            .withHeaders(headers)
            .withBody("{\"received\":true,\"note\":\"☃ \\u0000\"}")
            .build(),
        APIGatewayV2HTTPResponse.builder()
            .withStatusCode(500)
            .withMultiValueHeaders(Map.of("X-Many", List.of("a", "b")))
            .withCookies(List.of("s=1"))
            .withIsBase64Encoded(true)
            .withBody("aGVsbG8=")
            .build(),
        new APIGatewayV2HTTPResponse());
  }
}
