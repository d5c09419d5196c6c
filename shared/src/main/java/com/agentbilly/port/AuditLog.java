package com.agentbilly.port;

import com.agentbilly.audit.AuditChain;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.audit.AuditEntry;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.audit.AuditOutcome;
import java.util.List;
import java.util.Optional;

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

  /**
   * Appends {@code event} unless an entry was appended under {@code onceKey} before (within a day),
   * atomically: two attempts of one request, or a retry after the first was answered but not
   * recorded, leave one entry.
   *
   * @return empty when appended now, else the outcome of the entry appended before under the key
   */
  Optional<AuditOutcome> appendOnce(OrgId org, AuditEvent event, String onceKey);

  /** Entries newest first, at most {@code limit}, starting after the entry id {@code after}. */
  Page page(OrgId org, int limit, String after);

  /** Re-computes every hash of the org's chain, oldest first, to its end. */
  default Verification verify(OrgId org) {
    Verification verification = verify(org, Progress.START, Integer.MAX_VALUE);
    while (verification.next() != null) {
      verification = verify(org, verification.next(), Integer.MAX_VALUE);
    }
    return verification;
  }

  /**
   * Re-computes the hashes of at most {@code maxEntries} entries, starting where {@code from}
   * stopped, so that a long chain is verified in bounded steps.
   *
   * @return the result so far; its {@code next} is null when the chain's end was reached
   */
  Verification verify(OrgId org, Progress from, int maxEntries);

  /** A page of entries; {@code lastId} is set when more entries follow. */
  record Page(List<AuditEntry> entries, String lastId) {}

  /**
   * The result of {@link #verify}: {@code firstBadId} is null when the chain is intact (so far,
   * while {@code next} is set).
   */
  record Verification(boolean valid, long entries, String firstBadId, Progress next) {

    public Verification(boolean valid, long entries, String firstBadId) {
      this(valid, entries, firstBadId, null);
    }
  }

  /**
   * Where a verification stopped: the id of the last entry checked (null at the start), the chain
   * position expected next, the hash it must link to, the entries counted so far and the first bad
   * entry found so far (null if none).
   */
  record Progress(String lastId, long nextSeq, String prevHash, long entries, String firstBadId) {

    /** The start of every chain. */
    public static final Progress START =
        new Progress(null, 1, AuditChain.GENESIS_PREV_HASH, 0, null);
  }
}
