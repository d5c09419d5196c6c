package com.agentbilly.port;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.keys.KeyMetadata;
import java.util.List;
import java.util.Optional;

/** Metadata of the keys connected to each org. */
public interface KeyMetadataStore {

  Optional<KeyMetadata> find(OrgId org, SecretPurpose purpose);

  /** The org's connected keys, in purpose order. */
  List<KeyMetadata> list(OrgId org);

  /** Stores the metadata, replacing any earlier one of the same purpose. */
  void put(KeyMetadata metadata);

  /** Removes the metadata; false when there was none. */
  boolean delete(OrgId org, SecretPurpose purpose);

  /** Every org with a connected sync key (one query on a sparse index). */
  List<OrgId> orgsWithSyncKey();
}
