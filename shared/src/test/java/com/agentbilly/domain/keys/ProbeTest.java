package com.agentbilly.domain.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.SecretPurpose;
import org.junit.jupiter.api.Test;

class ProbeTest {

  @Test
  void everyPermissionHasOneSideEffectFreeProbe() {
    assertThat(Probe.table()).hasSize(StripePermission.values().length);
    Probe.table()
        .forEach(
            (permission, probe) -> {
              assertThat(probe.permission()).isEqualTo(permission);
              if (permission.isWrite()) {
                // Writes aim at an object that does not exist: never a create that could succeed.
                assertThat(probe.method()).isEqualTo("POST");
                assertThat(probe.path() + "?" + probe.form()).contains(Probe.MISSING);
              } else {
                assertThat(probe.method()).isEqualTo("GET");
                assertThat(probe.form()).isEqualTo("limit=1");
              }
            });
  }

  @Test
  void refundProbeCreatesAgainstAMissingChargeOnly() {
    Probe refund = Probe.of(StripePermission.REFUND_WRITE);
    assertThat(refund.path()).isEqualTo("/v1/refunds");
    assertThat(refund.form()).isEqualTo("charge=ch_agent_billy_probe_missing");
  }

  @Test
  void everyPurposeProbesEveryCheckedWrite() {
    for (SecretPurpose purpose :
        new SecretPurpose[] {SecretPurpose.SYNC, SecretPurpose.VIEWER, SecretPurpose.MANAGER}) {
      assertThat(KeyRequirements.of(purpose).probed()).containsAll(KeyRequirements.CHECKED_WRITES);
    }
    assertThat(KeyRequirements.of(SecretPurpose.MANAGER).forbiddenWrite())
        .doesNotContain(StripePermission.REFUND_WRITE, StripePermission.SUBSCRIPTION_WRITE)
        .contains(
            StripePermission.CUSTOMER_WRITE,
            StripePermission.PRODUCT_WRITE,
            StripePermission.PAYOUT_WRITE);
  }
}
