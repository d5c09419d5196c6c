package com.agentbilly.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A small JSON client for the local API (or the function URL): immutable, so {@code
 * stack.api().as(OWNER)} can be kept and reused. Bodies that are not strings are sent as JSON.
 */
public final class ApiClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final URI base;
  private final Function<String, String> idTokens;
  private final Map<String, String> headers;

  ApiClient(URI base, Function<String, String> idTokens) {
    this(base, idTokens, Map.of());
  }

  private ApiClient(URI base, Function<String, String> idTokens, Map<String, String> headers) {
    this.base = base;
    this.idTokens = idTokens;
    this.headers = Map.copyOf(headers);
  }

  /** Sends the demo user's ID token in {@code Authorization}. */
  public ApiClient as(String username) {
    return withHeader("Authorization", idTokens.apply(username));
  }

  /** Sends this exact {@code Authorization} value. */
  public ApiClient withAuthorization(String value) {
    return withHeader("Authorization", value);
  }

  public ApiClient withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new ApiClient(base, idTokens, more);
  }

  public ApiResponse get(String path) {
    return send("GET", path, null);
  }

  public ApiResponse delete(String path) {
    return send("DELETE", path, null);
  }

  public ApiResponse options(String path) {
    return send("OPTIONS", path, null);
  }

  public ApiResponse post(String path, Object body) {
    return send("POST", path, body);
  }

  public ApiResponse put(String path, Object body) {
    return send("PUT", path, body);
  }

  public ApiResponse patch(String path, Object body) {
    return send("PATCH", path, body);
  }

  /** Sends a request; a {@code null} body sends none. */
  public ApiResponse send(String method, String path, Object body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
    headers.forEach(request::header);
    if (body == null) {
      request.method(method, BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json");
      request.method(method, BodyPublishers.ofString(serialize(body)));
    }
    try {
      var response = HTTP.send(request.build(), BodyHandlers.ofString());
      return new ApiResponse(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + base.resolve(path) + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  private static String serialize(Object body) {
    if (body instanceof String text) {
      return text;
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot send as JSON: " + body, e);
    }
  }
}
