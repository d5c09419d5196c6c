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

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"a\":{\"x\":1,\"x\":1}}"})
  void aFieldNamedTwiceIsInvalidRequest(String body) {
    assertThatThrownBy(() -> JsonObjectBody.parse(body, Set.of("a")))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(p.getMessage()).isEqualTo("The request body names a field twice.");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\":\"\\ud800\"}",
        "{\"a\":\"x\\udc00y\"}",
        "{\"a\":\"\\ud800\\ud800\\udc00\"}",
        "{\"a\":[\"ok\",{\"n\":\"\\udbff\"}]}",
        "{\"a\":{\"\\ud800\":1}}"
      })
  void aLoneSurrogateIsValidationFailedNamingTheField(String body) {
    assertThatThrownBy(() -> JsonObjectBody.parse(body, Set.of("a")))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
              assertThat(p.extra())
                  .isEqualTo(Map.of("fields", Map.of("a", "holds an unpaired UTF-16 surrogate")));
            });
  }

  @Test
  void aLoneSurrogateInAnUnknownFieldNameIsNotEchoed() {
    assertThatThrownBy(() -> JsonObjectBody.parse("{\"\\ud800\":1}", Set.of("a")))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p ->
                assertThat(p.extra())
                    .isEqualTo(
                        Map.of(
                            "fields",
                            Map.of(
                                "(a field name that is not Unicode text)",
                                "is not a known field"))));
  }

  @Test
  void pairedSurrogatesAreText() {
    assertThat(JsonObjectBody.parse("{\"a\":\"\\ud83d\\ude00 ok\"}", Set.of("a")).string("a"))
        .isEqualTo("\ud83d\ude00 ok");
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
