package com.agentbilly.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.testing.EventFixtures;
import com.agentbilly.testing.JsonTrees;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
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
 * {@link ProxyEventJson} against the Lambda runtime's own event serialization (the library its Java
 * runtime binds a {@code RequestHandler}'s events with): the same event from the same JSON, and an
 * answer API Gateway reads the same.
 */
class ProxyEventJsonTest {

  private static final PojoSerializer<APIGatewayProxyRequestEvent> RUNTIME_REQUESTS =
      LambdaEventSerializers.serializerFor(
          APIGatewayProxyRequestEvent.class, ProxyEventJsonTest.class.getClassLoader());
  private static final PojoSerializer<APIGatewayProxyResponseEvent> RUNTIME_RESPONSES =
      LambdaEventSerializers.serializerFor(
          APIGatewayProxyResponseEvent.class, ProxyEventJsonTest.class.getClassLoader());

  /** Every field either class has, with values off the beaten path. */
  private static final String EVERY_FIELD =
      """
      {"version":"1.0","resource":"/orgs/{org}/refunds","path":"/orgs/org_1/refunds",
       "httpMethod":"POST",
       "headers":{"Content-Type":"application/json","X-Empty":"","X-Null":null,"X-Ünicode":"é"},
       "multiValueHeaders":{"Accept":["a","b"],"X-Null":null,"X-None":[]},
       "queryStringParameters":{"limit":"10","starting_after":"cus_1"},
       "multiValueQueryStringParameters":{"status":["paid","open"]},
       "pathParameters":{"org":"org_1"},
       "stageVariables":{"env":"dev"},
       "requestContext":{"accountId":"123456789012","stage":"dev","resourceId":"r1",
         "requestId":"req-1","operationName":"refund","resourcePath":"/orgs/{org}/refunds",
         "httpMethod":"POST","apiId":"abc","path":"/dev/orgs/org_1/refunds",
         "extendedRequestId":"x=","requestTime":"29/Nov/2026:10:00:00 +0000",
         "requestTimeEpoch":1795946400000,"domainName":"abc.execute-api.us-east-1.amazonaws.com",
         "domainPrefix":"abc","protocol":"HTTP/1.1",
         "identity":{"cognitoIdentityPoolId":"p","accountId":"a","cognitoIdentityId":"i",
           "caller":"c","apiKey":"k","principalOrgId":"o","sourceIp":"203.0.113.10",
           "cognitoAuthenticationType":"t","cognitoAuthenticationProvider":"v","userArn":"u",
           "userAgent":"curl/8.5.0","user":"s","accessKey":"x"},
         "authorizer":{"claims":{"sub":"u-1","custom:role":"owner"},"principalId":"u-1",
           "integrationLatency":12,"big":12345678901,"ratio":0.5,"flag":true,"none":null,
           "scopes":["a","b"]},
         "unknownToTheClasses":{"kept":false}},
       "body":"{\\"amount\\":500,\\"note\\":\\"\\u2603 \\\\\\" \\\\n\\"}",
       "isBase64Encoded":true,
       "unknownTopLevel":1}
      """;

  static List<String> fixtures() throws IOException {
    List<String> names = new ArrayList<>();
    try (var files = Files.list(EventFixtures.path("api"))) {
      files.map(p -> "api/" + p.getFileName()).sorted().forEach(names::add);
    }
    return names;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void everyFixtureIsReadAsTheRuntimeBindsIt(String fixture) throws IOException {
    byte[] json = Files.readAllBytes(EventFixtures.path(fixture));

    assertThat(ProxyEventJson.readRequest(new ByteArrayInputStream(json)))
        .isEqualTo(RUNTIME_REQUESTS.fromJson(new ByteArrayInputStream(json)));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {EVERY_FIELD, "{}", "{\"headers\":null,\"requestContext\":null}"})
  void everyFieldIsReadAsTheRuntimeBindsIt(String json) throws IOException {
    APIGatewayProxyRequestEvent read =
        ProxyEventJson.readRequest(new ByteArrayInputStream(json.getBytes(UTF_8)));

    assertThat(read).isEqualTo(RUNTIME_REQUESTS.fromJson(json));
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("answers")
  void anAnswerIsWrittenAsTheRuntimeWritesIt(APIGatewayProxyResponseEvent answer)
      throws IOException {
    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    ProxyEventJson.writeResponse(answer, ours);
    ByteArrayOutputStream runtime = new ByteArrayOutputStream();
    RUNTIME_RESPONSES.toJson(answer, runtime);

    // The runtime writes absent fields as null; API Gateway reads a null and a missing field alike.
    assertThat(JsonTrees.withoutNulls(Json.MAPPER.readTree(ours.toByteArray())))
        .isEqualTo(JsonTrees.withoutNulls(Json.MAPPER.readTree(runtime.toByteArray())));
  }

  static List<APIGatewayProxyResponseEvent> answers() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("X-Ünicode", "é \" \\ \n");
    return List.of(
        new APIGatewayProxyResponseEvent()
            .withStatusCode(200)
            .withHeaders(headers)
            .withBody("{\"note\":\"☃ \\u0000 </script>\"}"),
        new APIGatewayProxyResponseEvent()
            .withStatusCode(204)
            .withMultiValueHeaders(Map.of("Set-Cookie", List.of("a=1", "b=2")))
            .withIsBase64Encoded(false),
        new APIGatewayProxyResponseEvent()
            .withStatusCode(200)
            .withBody("aGVsbG8=")
            .withIsBase64Encoded(true),
        new APIGatewayProxyResponseEvent());
  }
}
