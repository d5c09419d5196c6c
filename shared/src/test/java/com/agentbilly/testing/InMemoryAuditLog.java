package com.agentbilly.testing;

import com.agentbilly.audit.AuditChain;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.audit.AuditEntry;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.port.AuditLog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link AuditLog} in memory that hashes like the real one ({@link AuditChain}, ids {@code
 * aud_000000000001} upwards), pages newest first and verifies, for unit tests of the routes above
 * it. {@link #replace} stands in for someone editing a stored entry.
 */
public final class InMemoryAuditLog implements AuditLog {

  private static final byte[] KEY =
      "in-memory-audit-key-for-tests".getBytes(StandardCharsets.UTF_8);

  private final AuditChain chain = new AuditChain(KEY);
  private final Clock clock;
  private final Map<OrgId, List<AuditEntry>> chains = new HashMap<>();
  private final Map<String, AuditOutcome> once = new HashMap<>();

  public InMemoryAuditLog(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized AuditEntry append(OrgId org, AuditEvent event) {
    List<AuditEntry> entries = chains.computeIfAbsent(org, o -> new ArrayList<>());
    String prevHash = entries.isEmpty() ? AuditChain.GENESIS_PREV_HASH : entries.getLast().hash();
    String id = String.format("aud_%012d", entries.size() + 1);
    Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String hash =
        chain.hash(
            prevHash, AuditChain.canonicalJson(AuditChain.unsignedWire(id, at, event, prevHash)));
    AuditEntry entry = new AuditEntry(id, at, event, prevHash, hash);
    entries.add(entry);
    return entry;
  }

  @Override
  public synchronized Optional<AuditOutcome> appendOnce(
      OrgId org, AuditEvent event, String onceKey) {
    AuditOutcome before = once.get(org.value() + "/" + onceKey);
    if (before != null) {
      return Optional.of(before);
    }
    append(org, event);
    once.put(org.value() + "/" + onceKey, event.outcome());
    return Optional.empty();
  }

  @Override
  public synchronized Page page(OrgId org, int limit, String after) {
    List<AuditEntry> newestFirst = new ArrayList<>(chains.getOrDefault(org, List.of())).reversed();
    int start = 0;
    if (after != null) {
      start = newestFirst.stream().map(AuditEntry::id).toList().indexOf(after) + 1;
      if (start == 0) {
        throw new IllegalArgumentException("not an audit entry id of " + org);
      }
    }
    List<AuditEntry> page = newestFirst.subList(start, Math.min(start + limit, newestFirst.size()));
    String lastId = start + limit < newestFirst.size() ? page.getLast().id() : null;
    return new Page(List.copyOf(page), lastId);
  }

  @Override
  public synchronized Verification verify(OrgId org, Progress from, int maxEntries) {
    List<AuditEntry> entries = chains.getOrDefault(org, List.of());
    String prevHash = from.prevHash();
    String firstBadId = from.firstBadId();
    int start =
        from.lastId() == null
            ? 0
            : entries.stream().map(AuditEntry::id).toList().indexOf(from.lastId()) + 1;
    int end = (int) Math.min(entries.size(), (long) start + maxEntries);
    for (AuditEntry entry : entries.subList(Math.min(start, end), end)) {
      String canonical =
          AuditChain.canonicalJson(
              AuditChain.unsignedWire(entry.id(), entry.at(), entry.event(), entry.prevHash()));
      if (firstBadId == null
          && !(entry.prevHash().equals(prevHash)
              && chain.matches(prevHash, canonical, entry.hash()))) {
        firstBadId = entry.id();
      }
      prevHash = entry.hash();
    }
    long counted = from.entries() + Math.max(0, end - start);
    Progress next =
        end < entries.size()
            ? new Progress(
                entries.get(end - 1).id(),
                from.nextSeq() + end - start,
                prevHash,
                counted,
                firstBadId)
            : null;
    return new Verification(firstBadId == null, counted, firstBadId, next);
  }

  /** Overwrites the stored entry with {@code entry}'s id, as a raw write to the table would. */
  public synchronized void replace(OrgId org, AuditEntry entry) {
    List<AuditEntry> entries = chains.get(org);
    int index = entries.stream().map(AuditEntry::id).toList().indexOf(entry.id());
    entries.set(index, entry);
  }
}
