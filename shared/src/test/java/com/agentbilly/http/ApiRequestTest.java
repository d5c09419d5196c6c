package com.agentbilly.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.Caller;
import com.agentbilly.domain.Route;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
