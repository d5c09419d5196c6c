package com.agentbilly.domain.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One link of an org's audit chain: the event, where it stands, and the hashes that bind it to the
 * entry before it. {@code hash = HMAC-SHA256(audit key, prevHash + canonical JSON of the entry
 * without hash)}, hex.
 *
 * @param id the entry's id; ids sort in chain order
 * @param prevHash the previous entry's hash, or the empty string for the first entry
 */
public record AuditEntry(String id, Instant at, AuditEvent event, String prevHash, String hash) {

  public AuditEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(prevHash, "prevHash");
    Objects.requireNonNull(hash, "hash");
  }
}
