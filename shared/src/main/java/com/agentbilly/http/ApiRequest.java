package com.agentbilly.http;

import com.agentbilly.domain.Caller;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.Route;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A request that passed authentication and the permission matrix.
 *
 * @param org the org named in the path, or null for a route outside any org
 * @param role the caller's role in {@code org}, or null for a route outside any org
 */
public record ApiRequest(
    Route route,
    Caller caller,
    OrgId org,
    Role role,
    Map<String, String> pathParameters,
    Map<String, String> query,
    Map<String, String> headers,
    String body,
    String requestId) {

  public ApiRequest {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(caller, "caller");
    pathParameters = pathParameters == null ? Map.of() : Map.copyOf(pathParameters);
    query = query == null ? Map.of() : Map.copyOf(query);
    headers = lowerCaseKeys(headers);
  }

  /** The org of a route under {@code /orgs/{org}}. */
  public OrgId requireOrg() {
    if (org == null) {
      throw new IllegalStateException(route + " is not under an org");
    }
    return org;
  }

  public String pathParameter(String name) {
    return pathParameters.get(name);
  }

  public Optional<String> queryParameter(String name) {
    return Optional.ofNullable(query.get(name));
  }

  /**
   * Refuses query parameters this route does not know ({@code 400 invalid_request}). The message
   * names what the route takes, never the caller's parameter name (it is attacker text and may be a
   * pasted secret).
   */
  public void allowOnlyQueryParameters(Set<String> allowed) {
    for (String name : query.keySet()) {
      if (!allowed.contains(name)) {
        throw com.agentbilly.domain.ApiProblem.invalidRequest(
            allowed.isEmpty()
                ? "This route takes no query parameters."
                : "Unknown query parameter; this route takes only: "
                    + String.join(", ", new java.util.TreeSet<>(allowed))
                    + ".");
      }
    }
  }

  /** A header by case-insensitive name. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /**
   * The body as a JSON object with only the {@code allowed} fields. A body declared as anything but
   * JSON ({@code Content-Type} other than {@code application/json} or a {@code +json} type) is
   * {@code 400 invalid_request}; a request without {@code Content-Type} is read as JSON.
   */
  public JsonObjectBody jsonBody(Set<String> allowed) {
    Optional<String> type = header("content-type");
    if (type.isPresent() && !isJson(type.get())) {
      throw com.agentbilly.domain.ApiProblem.invalidRequest(
          "The request body must be sent as Content-Type: application/json.");
    }
    return JsonObjectBody.parse(body, allowed);
  }

  private static boolean isJson(String contentType) {
    int semicolon = contentType.indexOf(';');
    String mediaType =
        (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
            .strip()
            .toLowerCase(Locale.ROOT);
    return mediaType.equals("application/json")
        || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
  }

  private static Map<String, String> lowerCaseKeys(Map<String, String> headers) {
    if (headers == null) {
      return Map.of();
    }
    Map<String, String> lower = new java.util.HashMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    return Map.copyOf(lower);
  }
}
