package com.agentbilly.testing;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.keys.KeyMetadata;
import com.agentbilly.port.KeyMetadataStore;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link KeyMetadataStore} in memory, for unit tests. */
public final class InMemoryKeyMetadataStore implements KeyMetadataStore {

  private final Map<String, KeyMetadata> keys =
      java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());

  @Override
  public Optional<KeyMetadata> find(OrgId org, SecretPurpose purpose) {
    return Optional.ofNullable(keys.get(id(org, purpose)));
  }

  @Override
  public List<KeyMetadata> list(OrgId org) {
    return List.copyOf(keys.values()).stream()
        .filter(k -> k.org().equals(org))
        .sorted(Comparator.comparing(KeyMetadata::purpose))
        .toList();
  }

  @Override
  public void put(KeyMetadata metadata) {
    keys.put(id(metadata.org(), metadata.purpose()), metadata);
  }

  @Override
  public boolean delete(OrgId org, SecretPurpose purpose) {
    return keys.remove(id(org, purpose)) != null;
  }

  /** In the order the sync keys were connected. */
  @Override
  public List<OrgId> orgsWithSyncKey() {
    return List.copyOf(keys.values()).stream()
        .filter(k -> k.purpose() == SecretPurpose.SYNC)
        .map(KeyMetadata::org)
        .toList();
  }

  private static String id(OrgId org, SecretPurpose purpose) {
    return org.value() + "/" + purpose.wireName();
  }
}
