package com.agentbilly.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.Caller;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.Route;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiRequestTest {

  @Test
  void anUnknownQueryParameterIsRefusedWithoutRepeatingItsName() {
    ApiRequest request = request(Map.of("rk_test_pasted<script>", "x"));

    assertThatThrownBy(() -> request.allowOnlyQueryParameters(Set.of("limit", "cursor")))
        .isInstanceOf(ApiProblem.class)
        .hasMessage("Unknown query parameter; this route takes only: cursor, limit.");
    assertThatThrownBy(() -> request.allowOnlyQueryParameters(Set.of()))
        .isInstanceOf(ApiProblem.class)
        .hasMessage("This route takes no query parameters.");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        "text/json"
      })
  void aBodyDeclaredAsSomethingElseThanJsonIsInvalidRequest(String type) {
    ApiRequest request = withBody(Map.of("Content-Type", type), "{\"a\":1}");

    assertThatThrownBy(() -> request.jsonBody(Set.of("a")))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(p.getMessage())
                  .isEqualTo("The request body must be sent as Content-Type: application/json.");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json",
        "Application/JSON; charset=utf-8",
        "application/merge-patch+json"
      })
  void aJsonBodyIsRead(String type) {
    assertThat(
            withBody(Map.of("content-type", type), "{\"a\":1}").jsonBody(Set.of("a")).integer("a"))
        .isEqualTo(1L);
    assertThat(withBody(Map.of(), "{\"a\":2}").jsonBody(Set.of("a")).integer("a")).isEqualTo(2L);
  }

  private static ApiRequest withBody(Map<String, String> headers, String body) {
    return new ApiRequest(
        Route.of("POST", "/orgs"),
        new Caller("sub-1", "user-1", null, false),
        null,
        null,
        Map.of(),
        Map.of(),
        headers,
        body,
        "req-1");
  }

  private static ApiRequest request(Map<String, String> query) {
    return new ApiRequest(
        Route.of("GET", "/me"),
        new Caller("sub-1", "user-1", null, false),
        null,
        null,
        Map.of(),
        query,
        Map.of(),
        null,
        "req-1");
  }
}
