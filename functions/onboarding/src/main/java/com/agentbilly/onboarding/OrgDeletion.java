package com.agentbilly.onboarding;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.port.KeyVault;
import com.agentbilly.port.OrgStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes an org and everything of it: its secrets first (so nothing can decrypt them through a
 * half-deleted org), then every item of its partitions. A retry after a failure finishes the job.
 */
public final class OrgDeletion {

  private static final Logger LOG = LoggerFactory.getLogger(OrgDeletion.class);

  private final OrgStore orgs;
  private final KeyVault vault;

  public OrgDeletion(OrgStore orgs, KeyVault vault) {
    this.orgs = orgs;
    this.vault = vault;
  }

  public void delete(OrgId org, String requestedBy) {
    for (SecretPurpose purpose : SecretPurpose.values()) {
      vault.delete(org, purpose);
    }
    orgs.deleteOrgData(org);
    LOG.atInfo()
        .addKeyValue("org_id", org.value())
        .addKeyValue("requested_by", requestedBy)
        .log("org deleted");
  }
}
