package com.agentbilly.webhook;

import static com.agentbilly.http.PlainJson.bool;
import static com.agentbilly.http.PlainJson.string;
import static com.agentbilly.http.PlainJson.stringList;
import static com.agentbilly.http.PlainJson.strings;
import static com.agentbilly.http.PlainJson.writeStringList;
import static com.agentbilly.http.PlainJson.writeStringLists;
import static com.agentbilly.http.PlainJson.writeStrings;

import com.agentbilly.http.Json;
import com.agentbilly.http.PlainJson;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * The function URL's event (payload format 2.0) read from, and its answer written to, the JSON
 * Lambda hands a {@code RequestStreamHandler}, for the reason {@link
 * com.agentbilly.http.ProxyEventJson} gives. The webhook's URL has {@code AuthType NONE}, so its
 * events carry no authorizer; one that did would be read without it.
 */
final class FunctionUrlEventJson {

  private FunctionUrlEventJson() {}

  /** The event in {@code input}, as the Lambda runtime would bind it (less any authorizer). */
  static APIGatewayV2HTTPEvent readRequest(InputStream input) throws IOException {
    Object read = PlainJson.read(input);
    APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
    if (!(read instanceof Map<?, ?> fields)) {
      return event;
    }
    event.setVersion(string(fields, "version"));
    event.setRouteKey(string(fields, "routeKey"));
    event.setRawPath(string(fields, "rawPath"));
    event.setRawQueryString(string(fields, "rawQueryString"));
    event.setCookies(stringList(fields.get("cookies")));
    event.setHeaders(strings(fields.get("headers")));
    event.setQueryStringParameters(strings(fields.get("queryStringParameters")));
    event.setPathParameters(strings(fields.get("pathParameters")));
    event.setStageVariables(strings(fields.get("stageVariables")));
    event.setBody(string(fields, "body"));
    event.setIsBase64Encoded(Boolean.TRUE.equals(bool(fields.get("isBase64Encoded"))));
    event.setRequestContext(context(fields.get("requestContext")));
    return event;
  }

  /** Writes {@code answer} as a function URL reads its function's answer. */
  static void writeResponse(APIGatewayV2HTTPResponse answer, OutputStream output)
      throws IOException {
    try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(output, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeNumberField("statusCode", answer.getStatusCode());
      writeStrings(json, "headers", answer.getHeaders());
      writeStringLists(json, "multiValueHeaders", answer.getMultiValueHeaders());
      writeStringList(json, "cookies", answer.getCookies());
      if (answer.getBody() != null) {
        json.writeStringField("body", answer.getBody());
      }
      json.writeBooleanField("isBase64Encoded", answer.getIsBase64Encoded());
      json.writeEndObject();
    }
  }

  private static RequestContext context(Object value) {
    if (!(value instanceof Map<?, ?> fields)) {
      return null;
    }
    RequestContext context = new RequestContext();
    context.setRouteKey(string(fields, "routeKey"));
    context.setAccountId(string(fields, "accountId"));
    context.setStage(string(fields, "stage"));
    context.setApiId(string(fields, "apiId"));
    context.setDomainName(string(fields, "domainName"));
    context.setDomainPrefix(string(fields, "domainPrefix"));
    context.setTime(string(fields, "time"));
    if (fields.get("timeEpoch") instanceof Number epoch) {
      context.setTimeEpoch(epoch.longValue());
    }
    context.setRequestId(string(fields, "requestId"));
    if (fields.get("http") instanceof Map<?, ?> http) {
      RequestContext.Http request = new RequestContext.Http();
      request.setMethod(string(http, "method"));
      request.setPath(string(http, "path"));
      request.setProtocol(string(http, "protocol"));
      request.setSourceIp(string(http, "sourceIp"));
      request.setUserAgent(string(http, "userAgent"));
      context.setHttp(request);
    }
    return context;
  }
}
