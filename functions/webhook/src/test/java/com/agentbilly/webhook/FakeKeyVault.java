package com.agentbilly.webhook;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.port.KeyVault;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link KeyVault} in a map, which can be told to fail like an unreachable Secrets Manager. */
final class FakeKeyVault implements KeyVault {

  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private volatile RuntimeException failure;

  @Override
  public void put(OrgId org, SecretPurpose purpose, String secret) {
    secrets.put(key(org, purpose), secret);
  }

  @Override
  public Optional<String> get(OrgId org, SecretPurpose purpose) {
    if (failure != null) {
      throw failure;
    }
    return Optional.ofNullable(secrets.get(key(org, purpose)));
  }

  @Override
  public void delete(OrgId org, SecretPurpose purpose) {
    secrets.remove(key(org, purpose));
  }

  /** Every {@code get} throws {@code failure} until set back to null. */
  void failWith(RuntimeException failure) {
    this.failure = failure;
  }

  private static String key(OrgId org, SecretPurpose purpose) {
    return org.value() + "/" + purpose.wireName();
  }
}
