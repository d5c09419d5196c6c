package com.agentbilly.domain.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RestrictedKeyTest {

  private static final String TEST_KEY = "rk_test_51AbCdEfGhIjKlMnOpQrStUvWx";

  @Test
  void acceptsRestrictedKeysAndKnowsTheirMode() {
    assertThat(RestrictedKey.parse(TEST_KEY).mode()).isEqualTo(Mode.TEST);
    assertThat(RestrictedKey.parse("rk_live_example_only_0001").mode()).isEqualTo(Mode.LIVE);
  }

  @Test
  void ignoresWhitespaceAroundAPastedKey() {
    assertThat(RestrictedKey.parse("  " + TEST_KEY + "\n").value()).isEqualTo(TEST_KEY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sk_live_example_only_0001", "sk_test_example_only_0001", " sk_test_x"})
  void refusesSecretKeysWithTheirOwnCodeAndNeverRepeatsThem(String key) {
    assertThatThrownBy(() -> RestrictedKey.parse(key))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.code()).isEqualTo(ErrorCode.SECRET_KEY_REJECTED);
              assertThat(p.getMessage()).contains("restricted key").doesNotContain(key.strip());
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "pk_test_51AbCdEfGhIjKlMnOpQrSt",
        "rk_prod_51AbCdEfGhIjKlMnOpQrSt",
        "rk_test_",
        "rk_test_short",
        "rk_test_51AbCd EfGhIjKlMnOp",
        "rk_test_51AbCdéfGhIjKlMnOp",
        "rk_test_51AbCd\u0000EfGhIjKlMnOp",
        "whsec_51AbCdEfGhIjKlMnOpQrSt"
      })
  void refusesAnythingElseAsInvalidFormat(String key) {
    assertThatThrownBy(() -> RestrictedKey.parse(key))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.code()).isEqualTo(ErrorCode.INVALID_KEY_FORMAT);
              if (key.strip().length() > "rk_test_".length()) {
                assertThat(p.getMessage()).doesNotContain(key.strip());
              }
            });
  }

  @Test
  void refusesNullAndTenKilobytesOfGarbage() {
    assertThatThrownBy(() -> RestrictedKey.parse(null)).isInstanceOf(ApiProblem.class);
    String garbage = "rk_test_" + "A".repeat(10_000);
    assertThatThrownBy(() -> RestrictedKey.parse(garbage))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.code()).isEqualTo(ErrorCode.INVALID_KEY_FORMAT));
  }

  @Test
  void modeMustMatchTheOrg() {
    assertThatThrownBy(() -> RestrictedKey.parse(TEST_KEY).requireMode(Mode.LIVE))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.code()).isEqualTo(ErrorCode.KEY_MODE_MISMATCH);
              assertThat(p.getMessage()).contains("live-mode").doesNotContain(TEST_KEY);
            });
  }

  @Test
  void toStringShowsOnlyTheLastFour() {
    assertThat(RestrictedKey.parse(TEST_KEY).toString())
        .isEqualTo("RestrictedKey[test, …UvWx]")
        .doesNotContain(TEST_KEY);
  }
}
