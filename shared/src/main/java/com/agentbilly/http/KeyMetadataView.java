package com.agentbilly.http;

import com.agentbilly.domain.keys.KeyMetadata;
import java.util.List;

/** Key metadata on the wire, as every route that shows a key shows it — never the key. */
public record KeyMetadataView(
    String purpose,
    boolean livemode,
    String last4,
    String fingerprint,
    List<String> verifiedPermissions,
    String connectedAt,
    String connectedBy) {

  public static KeyMetadataView of(KeyMetadata m) {
    return new KeyMetadataView(
        m.purpose().wireName(),
        m.livemode(),
        m.last4(),
        m.fingerprint(),
        m.verifiedPermissions(),
        m.connectedAt().toString(),
        m.connectedBy());
  }
}
