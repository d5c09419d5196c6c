package com.agentbilly.testing;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.port.KeyVault;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link KeyVault} in memory, for unit tests; entitlement is tested on the real adapter. */
public final class InMemoryKeyVault implements KeyVault {

  private final Map<String, String> secrets = new ConcurrentHashMap<>();

  @Override
  public void put(OrgId org, SecretPurpose purpose, String secret) {
    secrets.put(id(org, purpose), secret);
  }

  @Override
  public Optional<String> get(OrgId org, SecretPurpose purpose) {
    return Optional.ofNullable(secrets.get(id(org, purpose)));
  }

  @Override
  public void delete(OrgId org, SecretPurpose purpose) {
    secrets.remove(id(org, purpose));
  }

  private static String id(OrgId org, SecretPurpose purpose) {
    return org.value() + "/" + purpose.wireName();
  }
}
