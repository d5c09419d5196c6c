package com.agentbilly.adapter.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.port.StripeActions.Failed;
import com.agentbilly.port.StripeActions.FailureKind;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.PermissionException;
import com.stripe.exception.StripeException;
import com.stripe.model.StripeError;
import org.junit.jupiter.api.Test;

class StripeApiActionsTest {

  @Test
  void aPermissionRefusalKeepsStripesMessageWithoutTheKey() {
    Failed failed =
        StripeApiActions.failure(
            withMessage(
                new PermissionException("x", "req_1", null, 403),
                "The provided key 'rk_test_****************************0002' does not have the"
                    + " required permissions for this endpoint on account 'acct_1'. Having the"
                    + " 'rak_refund_write' permission would allow this request to continue."));

    assertThat(failed.kind()).isEqualTo(FailureKind.PERMISSION_DENIED);
    assertThat(failed.getMessage())
        .contains("rak_refund_write", "The provided key '[redacted]'")
        .doesNotContain("rk_test_");
  }

  @Test
  void aMissingObjectIsResourceMissingAndAnInvalidRequestPassesStripesMessageOn() {
    Failed missing =
        StripeApiActions.failure(
            withMessage(
                new InvalidRequestException("x", "charge", "req_1", "resource_missing", 404, null),
                "No such charge: 'ch_1'"));
    Failed invalid =
        StripeApiActions.failure(
            withMessage(
                new InvalidRequestException("x", "amount", "req_1", null, 400, null),
                "Refund amount ($60.00) is greater than charge amount ($50.00)"));

    assertThat(missing.kind()).isEqualTo(FailureKind.RESOURCE_MISSING);
    assertThat(missing.getMessage()).isEqualTo("No such charge: 'ch_1'");
    assertThat(invalid.kind()).isEqualTo(FailureKind.INVALID_REQUEST);
    assertThat(invalid.getMessage())
        .isEqualTo("Refund amount ($60.00) is greater than charge amount ($50.00)");
  }

  @Test
  void unreachableOrFailingStripeIsUnavailable() {
    assertThat(StripeApiActions.failure(new ApiConnectionException("timeout")).kind())
        .isEqualTo(FailureKind.UNAVAILABLE);
    assertThat(StripeApiActions.failure(new ApiException("boom", "req_1", null, 500, null)).kind())
        .isEqualTo(FailureKind.UNAVAILABLE);
  }

  private static StripeException withMessage(StripeException e, String message) {
    StripeError error = new StripeError();
    error.setMessage(message);
    e.setStripeError(error);
    return e;
  }
}
