package com.agentbilly.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.OrgId;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryEventLedgerTest {

  private static final OrgId ORG = new OrgId("org_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  private static final OrgId OTHER = new OrgId("org_bbbbbbbbbbbbbbbbbbbbbbbbbb");
  private static final Instant CREATED = Instant.parse("2026-11-29T10:00:00Z");

  private final InMemoryEventLedger ledger = new InMemoryEventLedger();

  @Test
  void theFirstRecordOfAnEventWinsPerOrg() {
    assertThat(ledger.record(ORG, "evt_1", "customer.created", true, CREATED)).isTrue();
    assertThat(ledger.record(ORG, "evt_1", "balance.available", false, CREATED)).isFalse();
    assertThat(ledger.record(OTHER, "evt_1", "customer.created", true, CREATED)).isTrue();

    assertThat(ledger.contains(ORG, "evt_1")).isTrue();
    assertThat(ledger.contains(ORG, "evt_2")).isFalse();
    assertThat(ledger.entry(ORG, "evt_1"))
        .contains(new InMemoryEventLedger.Entry("customer.created", true, CREATED));
  }

  @Test
  void orgDeletionForgetsOnlyThatOrgsEvents() {
    ledger.record(ORG, "evt_1", "customer.created", true, CREATED);
    ledger.record(OTHER, "evt_1", "customer.created", true, CREATED);

    ledger.deleteOrgData(ORG);

    assertThat(ledger.size(ORG)).isZero();
    assertThat(ledger.size(OTHER)).isEqualTo(1);
  }
}
