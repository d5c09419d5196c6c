package com.agentbilly.adapter.dynamodb;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.ObjectType;
import java.util.ArrayList;
import java.util.List;

/**
 * How items are keyed in the single table. Every item of an org's data has a partition key that
 * starts with {@code ORG#<org id>}, so one org's data is one key prefix.
 */
final class TableKeys {

  static final String PK = "pk";
  static final String SK = "sk";
  static final String GSI1 = "gsi1";
  static final String GSI1_PK = "gsi1pk";
  static final String GSI1_SK = "gsi1sk";
  static final String GSI2 = "gsi2";
  static final String GSI2_PK = "gsi2pk";
  static final String GSI2_SK = "gsi2sk";
  static final String GSI3 = "gsi3";
  static final String GSI3_PK = "gsi3pk";
  static final String GSI3_SK = "gsi3sk";

  static final String ORG_SK = "ORG";
  static final String MEMBER_SK_PREFIX = "MEMBER#";

  private TableKeys() {}

  static String orgPk(OrgId org) {
    return "ORG#" + org.value();
  }

  static final String KEY_SK_PREFIX = "KEY#";
  static final String ORGS_WITH_SYNC_KEY_INDEX = "orgs_with_sync_key";
  static final String SYNC_PK = "sync_pk";
  static final String SYNC_PK_VALUE = "ORGS_WITH_SYNC_KEY";

  /**
   * Suffixes of the org's partitions other than {@code ORG#<org>} itself. Every feature that adds a
   * partition for an org adds it here, so deleting an org deletes it too.
   */
  static final List<String> ORG_PARTITION_SUFFIXES =
      List.of(
          "#AUDIT",
          "#AUDIT_ONCE",
          "#customer",
          "#subscription",
          "#invoice",
          "#charge",
          "#refund",
          "#product",
          "#price",
          "#EVT",
          "#SYNC",
          SummaryItems.PARTITION_SUFFIX,
          "#IDEM",
          "#LIMITS");

  /** Every partition key that holds data of {@code org}. */
  static List<String> orgPartitions(OrgId org) {
    List<String> partitions = new ArrayList<>();
    partitions.add(orgPk(org));
    ORG_PARTITION_SUFFIXES.forEach(suffix -> partitions.add(orgPk(org) + suffix));
    return partitions;
  }

  static String keySk(SecretPurpose purpose) {
    return KEY_SK_PREFIX + purpose.wireName();
  }

  static String memberSk(String userId) {
    return MEMBER_SK_PREFIX + userId;
  }

  static String userPk(String userId) {
    return "USER#" + userId;
  }

  /** The partition of a user's request counters ({@link DynamoDbRequestQuota}). */
  static String userQuotaPk(String userId) {
    return userPk(userId) + "#QUOTA";
  }

  /** Digits of an audit entry's sort key: its chain position, zero-padded to sort in order. */
  static final int AUDIT_SEQ_DIGITS = 12;

  /** The partition of an org's audit chain: one partition, so one Query walks it in order. */
  static String auditPk(OrgId org) {
    return orgPk(org) + "#AUDIT";
  }

  /** The partition of the markers of entries appended once per key (retries leave one entry). */
  static String auditOncePk(OrgId org) {
    return orgPk(org) + "#AUDIT_ONCE";
  }

  /** The sort key of the audit entry at chain position {@code seq} (1 for the first entry). */
  static String auditSk(long seq) {
    return String.format("%0" + AUDIT_SEQ_DIGITS + "d", seq);
  }

  /** The partition of an org's mirrored objects of one type, e.g. {@code ORG#org_x#customer}. */
  static String mirrorPk(OrgId org, ObjectType type) {
    return orgPk(org) + "#" + type.objectName();
  }

  /** The partition of an org's idempotency records (requests made with an Idempotency-Key). */
  static String idempotencyPk(OrgId org) {
    return orgPk(org) + "#IDEM";
  }

  /**
   * The partition of an org's sync state and sync lease: apart from the org's own partition
   * (memberships, invitations, key metadata), so the sync and webhook functions' IAM roles can be
   * granted the writes they need by partition ({@code dynamodb:LeadingKeys}) and no more.
   */
  static String syncPk(OrgId org) {
    return orgPk(org) + "#SYNC";
  }

  /** The partition of the org's refund limits and the daily refund totals they are checked on. */
  static String limitsPk(OrgId org) {
    return orgPk(org) + "#LIMITS";
  }

  /** The partition of an org's event ledger. */
  static String eventLedgerPk(OrgId org) {
    return orgPk(org) + "#EVT";
  }

  /** Sort-key prefix of an org's invitations, in the org's own partition. */
  static final String INVITATION_SK_PREFIX = "INVITE#";

  static String invitationSk(String invitationId) {
    return INVITATION_SK_PREFIX + invitationId;
  }

  /**
   * The code-hash index entry of an invitation ({@code gsi2pk}): the only way to it from outside.
   */
  static String invitationCodePk(String codeHash) {
    return "INVITE#" + codeHash;
  }
}
