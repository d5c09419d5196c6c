package com.agentbilly.adapter.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ObjectType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TableKeysTest {

  private static final OrgId ORG = new OrgId("org_aaaaaaaaaaaaaaaaaaaaaaaaaa");

  @Test
  void orgDeletionCoversEveryMirroredTypeAndTheEventLedger() {
    assertThat(TableKeys.orgPartitions(ORG))
        .containsAll(
            Arrays.stream(ObjectType.values()).map(type -> TableKeys.mirrorPk(ORG, type)).toList())
        .contains(TableKeys.eventLedgerPk(ORG))
        .contains(TableKeys.idempotencyPk(ORG))
        .contains(TableKeys.syncPk(ORG));
  }

  @Test
  void syncStateAndLeaseLiveApartFromTheOrgsOwnPartition() {
    // The sync and webhook roles may write the sync partition but never ORG#<org> itself
    // (memberships, invitations, key metadata): template.yaml's LeadingKeys rely on this.
    assertThat(TableKeys.syncPk(ORG)).isEqualTo("ORG#org_aaaaaaaaaaaaaaaaaaaaaaaaaa#SYNC");
    assertThat(TableKeys.syncPk(ORG)).isNotEqualTo(TableKeys.orgPk(ORG));
  }

  @Test
  void mirrorPartitionIsTheOrgAndTheStripeObjectName() {
    assertThat(TableKeys.mirrorPk(ORG, ObjectType.CUSTOMER))
        .isEqualTo("ORG#org_aaaaaaaaaaaaaaaaaaaaaaaaaa#customer");
    assertThat(TableKeys.eventLedgerPk(ORG)).isEqualTo("ORG#org_aaaaaaaaaaaaaaaaaaaaaaaaaa#EVT");
  }
}
