package com.agentbilly.sync;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.keys.KeyMetadata;
import com.agentbilly.testing.InMemoryKeyMetadataStore;
import com.agentbilly.testing.InMemoryKeyVault;
import java.util.List;
import java.util.function.Function;

/** Orgs with a connected sync key, in the shared in-memory vault and key store. */
final class ConnectedOrgs {

  final InMemoryKeyVault vault = new InMemoryKeyVault();
  final InMemoryKeyMetadataStore keys = new InMemoryKeyMetadataStore();

  /** Connects a sync key, {@code keyOf(org)}, for each org, in order. */
  ConnectedOrgs(List<OrgId> orgs, Function<OrgId, String> keyOf) {
    for (OrgId org : orgs) {
      String key = keyOf.apply(org);
      vault.put(org, SecretPurpose.SYNC, key);
      keys.put(
          new KeyMetadata(
              org,
              SecretPurpose.SYNC,
              false,
              key.substring(key.length() - 4),
              "fp_test",
              List.of(),
              OrgSyncTest.NOW,
              "owner@x.test"));
    }
  }
}
