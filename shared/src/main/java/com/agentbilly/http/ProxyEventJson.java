package com.agentbilly.http;

import static com.agentbilly.http.PlainJson.bool;
import static com.agentbilly.http.PlainJson.string;
import static com.agentbilly.http.PlainJson.stringLists;
import static com.agentbilly.http.PlainJson.strings;
import static com.agentbilly.http.PlainJson.writeStringLists;
import static com.agentbilly.http.PlainJson.writeStrings;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.RequestIdentity;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * API Gateway's proxy event read from, and its answer written to, the JSON Lambda hands a {@code
 * RequestStreamHandler}. The API functions take their events this way rather than as a {@code
 * RequestHandler}: the Lambda runtime would otherwise bind the event to its classes by reflection
 * with its own Jackson and write the answer back the same way — on a cold start, about a third of a
 * bare handler's first invocation. Here the event is read with Jackson's streaming parser ({@link
 * PlainJson}) and copied field by field, and the answer is written with its generator.
 */
public final class ProxyEventJson {

  private ProxyEventJson() {}

  /** The event in {@code input}, as the Lambda runtime would bind it. */
  public static APIGatewayProxyRequestEvent readRequest(InputStream input) throws IOException {
    Object read = PlainJson.read(input);
    APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent();
    if (!(read instanceof Map<?, ?> fields)) {
      return event;
    }
    event.setVersion(string(fields, "version"));
    event.setResource(string(fields, "resource"));
    event.setPath(string(fields, "path"));
    event.setHttpMethod(string(fields, "httpMethod"));
    event.setHeaders(strings(fields.get("headers")));
    event.setMultiValueHeaders(stringLists(fields.get("multiValueHeaders")));
    event.setQueryStringParameters(strings(fields.get("queryStringParameters")));
    event.setMultiValueQueryStringParameters(
        stringLists(fields.get("multiValueQueryStringParameters")));
    event.setPathParameters(strings(fields.get("pathParameters")));
    event.setStageVariables(strings(fields.get("stageVariables")));
    event.setRequestContext(context(fields.get("requestContext")));
    event.setBody(string(fields, "body"));
    event.setIsBase64Encoded(bool(fields.get("isBase64Encoded")));
    return event;
  }

  /** Writes {@code answer} as API Gateway reads a proxy integration's answer. */
  public static void writeResponse(APIGatewayProxyResponseEvent answer, OutputStream output)
      throws IOException {
    try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(output, JsonEncoding.UTF8)) {
      json.writeStartObject();
      if (answer.getStatusCode() != null) {
        json.writeNumberField("statusCode", answer.getStatusCode());
      }
      writeStrings(json, "headers", answer.getHeaders());
      writeStringLists(json, "multiValueHeaders", answer.getMultiValueHeaders());
      if (answer.getBody() != null) {
        json.writeStringField("body", answer.getBody());
      }
      if (answer.getIsBase64Encoded() != null) {
        json.writeBooleanField("isBase64Encoded", answer.getIsBase64Encoded());
      }
      json.writeEndObject();
    }
  }

  private static ProxyRequestContext context(Object value) {
    if (!(value instanceof Map<?, ?> fields)) {
      return null;
    }
    ProxyRequestContext context = new ProxyRequestContext();
    context.setAccountId(string(fields, "accountId"));
    context.setStage(string(fields, "stage"));
    context.setResourceId(string(fields, "resourceId"));
    context.setRequestId(string(fields, "requestId"));
    context.setOperationName(string(fields, "operationName"));
    context.setIdentity(identity(fields.get("identity")));
    context.setResourcePath(string(fields, "resourcePath"));
    context.setHttpMethod(string(fields, "httpMethod"));
    context.setApiId(string(fields, "apiId"));
    context.setPath(string(fields, "path"));
    if (fields.get("authorizer") instanceof Map<?, ?> authorizer) {
      @SuppressWarnings("unchecked")
      Map<String, Object> claims = (Map<String, Object>) authorizer;
      context.setAuthorizer(claims);
    }
    context.setExtendedRequestId(string(fields, "extendedRequestId"));
    context.setRequestTime(string(fields, "requestTime"));
    context.setRequestTimeEpoch(
        fields.get("requestTimeEpoch") instanceof Number epoch ? epoch.longValue() : null);
    context.setDomainName(string(fields, "domainName"));
    context.setDomainPrefix(string(fields, "domainPrefix"));
    context.setProtocol(string(fields, "protocol"));
    return context;
  }

  private static RequestIdentity identity(Object value) {
    if (!(value instanceof Map<?, ?> fields)) {
      return null;
    }
    RequestIdentity identity = new RequestIdentity();
    identity.setCognitoIdentityPoolId(string(fields, "cognitoIdentityPoolId"));
    identity.setAccountId(string(fields, "accountId"));
    identity.setCognitoIdentityId(string(fields, "cognitoIdentityId"));
    identity.setCaller(string(fields, "caller"));
    identity.setApiKey(string(fields, "apiKey"));
    identity.setPrincipalOrgId(string(fields, "principalOrgId"));
    identity.setSourceIp(string(fields, "sourceIp"));
    identity.setCognitoAuthenticationType(string(fields, "cognitoAuthenticationType"));
    identity.setCognitoAuthenticationProvider(string(fields, "cognitoAuthenticationProvider"));
    identity.setUserArn(string(fields, "userArn"));
    identity.setUserAgent(string(fields, "userAgent"));
    identity.setUser(string(fields, "user"));
    identity.setAccessKey(string(fields, "accessKey"));
    return identity;
  }
}
