package com.agentbilly.port;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.audit.AuditEntry;
import com.agentbilly.domain.audit.AuditEvent;
import java.util.List;

/**
 * An org's append-only audit log, chained with HMAC-SHA256 so that anyone able to write the table
 * but without the stack's audit key cannot forge or reorder entries unnoticed.
 */
public interface AuditLog {

  /**
   * Appends an event to the org's chain. Concurrent appends never fork the chain: each entry claims
   * the next position with a conditional write and retries on conflict.
   */
  AuditEntry append(OrgId org, AuditEvent event);

  /** Entries newest first, at most {@code limit}, starting after the entry id {@code after}. */
  Page page(OrgId org, int limit, String after);

  /** Re-computes every hash of the org's chain, oldest first. */
  Verification verify(OrgId org);

  /** A page of entries; {@code lastId} is set when more entries follow. */
  record Page(List<AuditEntry> entries, String lastId) {}

  /** The result of {@link #verify}: {@code firstBadId} is null when the chain is intact. */
  record Verification(boolean valid, long entries, String firstBadId) {}
}
