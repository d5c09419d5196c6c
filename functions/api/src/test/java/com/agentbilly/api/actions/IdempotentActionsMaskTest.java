package com.agentbilly.api.actions;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.port.StripeActions;
import com.agentbilly.port.StripeActions.FailureKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdempotentActionsMaskTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "rk_test_51Abc_DEF_tail9",
        "sk_live_abc*****_xyz",
        "pk_test_A_B",
        "whsec_abc_DEF",
      })
  void stripesMessageKeepsNoPartOfAKey(String key) {
    String message =
        IdempotentActions.problemFor(
                new StripeActions.Failed(
                    FailureKind.INVALID_REQUEST, "No such charge for key " + key + "; check it."),
                SecretPurpose.MANAGER)
            .getMessage();

    assertThat(message).isEqualTo("No such charge for key [redacted]; check it.");
  }
}
