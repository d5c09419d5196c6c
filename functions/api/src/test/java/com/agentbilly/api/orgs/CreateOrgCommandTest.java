package com.agentbilly.api.orgs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.Mode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CreateOrgCommandTest {

  @Test
  void trimsTheNameAndParsesTheMode() {
    assertThat(CreateOrgCommand.of("  Acme Billing ", "live"))
        .isEqualTo(new CreateOrgCommand("Acme Billing", Mode.LIVE));
  }

  @Test
  void namesEveryUnacceptableFieldAtOnce() {
    assertThatThrownBy(() -> CreateOrgCommand.of("   ", "LIVE"))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p ->
                assertThat(p.extra())
                    .isEqualTo(
                        Map.of(
                            "fields",
                            Map.of(
                                "name", "is required", "mode", "must be \"test\" or \"live\""))));
  }

  @Test
  void refusesOverLongNamesAndControlCharacters() {
    assertThatThrownBy(() -> CreateOrgCommand.of("x".repeat(101), "test"))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p ->
                assertThat(p.extra().get("fields"))
                    .isEqualTo(Map.of("name", "must be at most 100 characters")));
    assertThatThrownBy(() -> CreateOrgCommand.of("a\u0000b", "test"))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p ->
                assertThat(p.extra().get("fields"))
                    .isEqualTo(Map.of("name", "must not contain control characters")));
    assertThat(CreateOrgCommand.of("😀".repeat(100), "test").name()).hasSize(200);
  }
}
