package com.agentbilly.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds API Gateway proxy events the way the Cognito authorizer delivers them (claims as strings
 * in {@code requestContext.authorizer.claims}).
 */
public final class ApiEvents {

  private final APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent();
  private final Map<String, String> headers = new HashMap<>();

  private ApiEvents(String method, String resource) {
    event.setHttpMethod(method);
    event.setResource(resource);
    event.setPath(resource);
    event.setHeaders(headers);
    APIGatewayProxyRequestEvent.ProxyRequestContext context =
        new APIGatewayProxyRequestEvent.ProxyRequestContext();
    context.setRequestId("req-test");
    event.setRequestContext(context);
  }

  public static ApiEvents request(String method, String resource) {
    return new ApiEvents(method, resource);
  }

  /** Signed in as {@code userId} with a verified email. */
  public ApiEvents as(String userId, String username) {
    Map<String, Object> claims = new HashMap<>();
    claims.put("sub", userId);
    claims.put("cognito:username", username);
    claims.put("email", username);
    claims.put("email_verified", "true");
    claims.put("token_use", "id");
    Map<String, Object> authorizer = new HashMap<>();
    authorizer.put("claims", claims);
    event.getRequestContext().setAuthorizer(authorizer);
    return this;
  }

  /**
   * Puts {@code claims} where the authorizer puts them, whatever they are: a map of any values, or
   * something that is not a map at all (for fuzzing what the router trusts).
   */
  public ApiEvents rawClaims(Object claims) {
    Map<String, Object> authorizer = new HashMap<>();
    authorizer.put("claims", claims);
    event.getRequestContext().setAuthorizer(authorizer);
    return this;
  }

  /**
   * Sets one claim of a signed-in caller (after {@link #as}); a null value removes it, as when a
   * token carries no such claim.
   */
  @SuppressWarnings("unchecked")
  public ApiEvents claim(String name, String value) {
    Map<String, Object> claims =
        (Map<String, Object>) event.getRequestContext().getAuthorizer().get("claims");
    if (value == null) {
      claims.remove(name);
    } else {
      claims.put(name, value);
    }
    return this;
  }

  public ApiEvents path(String name, String value) {
    Map<String, String> params =
        event.getPathParameters() == null ? new HashMap<>() : event.getPathParameters();
    params.put(name, value);
    event.setPathParameters(params);
    String path = event.getPath().replace("{" + name + "}", value);
    event.setPath(path);
    return this;
  }

  public ApiEvents query(String name, String value) {
    Map<String, String> query =
        event.getQueryStringParameters() == null
            ? new HashMap<>()
            : event.getQueryStringParameters();
    query.put(name, value);
    event.setQueryStringParameters(query);
    return this;
  }

  public ApiEvents header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public ApiEvents body(String body) {
    event.setBody(body);
    return this;
  }

  public APIGatewayProxyRequestEvent build() {
    return event;
  }
}
