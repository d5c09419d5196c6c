package com.agentbilly.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonObjectBodyTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"", "  ", "not json", "{\"a\":", "[1,2]", "\"text\"", "42", "null", "{} {}"})
  void anythingButAJsonObjectIsInvalidRequest(String body) {
    assertThatThrownBy(() -> JsonObjectBody.parse(body, Set.of("a")))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }

  @Test
  void unknownFieldsAreNamedInValidationFailed() {
    assertThatThrownBy(() -> JsonObjectBody.parse("{\"a\":1,\"admin\":true}", Set.of("a")))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
              assertThat(p.extra())
                  .isEqualTo(Map.of("fields", Map.of("admin", "is not a known field")));
            });
  }

  @Test
  void wrongTypesAreInvalidRequest() {
    JsonObjectBody body =
        JsonObjectBody.parse("{\"a\":5,\"b\":\"x\",\"c\":1.5}", Set.of("a", "b", "c"));
    assertThatThrownBy(() -> body.string("a"))
        .isInstanceOf(ApiProblem.class)
        .hasMessageContaining("'a' must be a string");
    assertThatThrownBy(() -> body.bool("b"))
        .isInstanceOf(ApiProblem.class)
        .hasMessageContaining("'b' must be true or false");
    assertThatThrownBy(() -> body.integer("c"))
        .isInstanceOf(ApiProblem.class)
        .hasMessageContaining("'c' must be an integer");
  }

  @Test
  void absentAndNullFieldsReadAsNull() {
    JsonObjectBody body = JsonObjectBody.parse("{\"a\":null}", Set.of("a", "b"));
    assertThat(body.string("a")).isNull();
    assertThat(body.string("b")).isNull();
    assertThat(body.integer("b")).isNull();
  }

  @Test
  void anUnknownFieldNamedLikeAKeyIsNeverRepeated() {
    String key = "sk_live_example_only_0001";
    assertThatThrownBy(() -> JsonObjectBody.parse("{\"" + key + "\":1}", Set.of("a")))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.extra())
                  .isEqualTo(
                      Map.of(
                          "fields",
                          Map.of("(a field named like a secret)", "is not a known field")));
              assertThat(p.getMessage()).doesNotContain(key);
            });
  }
}
