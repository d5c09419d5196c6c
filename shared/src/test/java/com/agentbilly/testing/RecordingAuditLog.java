package com.agentbilly.testing;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.audit.AuditEntry;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.port.AuditLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link AuditLog} that keeps appended events in memory, in order, for unit tests that assert
 * what was audited. It does not hash; the real chain is tested against DynamoDB.
 */
public final class RecordingAuditLog implements AuditLog {

  /** An appended event with its org. */
  public record Recorded(OrgId org, AuditEvent event) {}

  private final List<Recorded> recorded = new ArrayList<>();
  private final Map<String, AuditOutcome> once = new HashMap<>();

  @Override
  public synchronized AuditEntry append(OrgId org, AuditEvent event) {
    recorded.add(new Recorded(org, event));
    return new AuditEntry("aud_" + recorded.size(), Instant.EPOCH, event, "", "unhashed");
  }

  @Override
  public synchronized Optional<AuditOutcome> appendOnce(
      OrgId org, AuditEvent event, String onceKey) {
    AuditOutcome before = once.putIfAbsent(org.value() + "/" + onceKey, event.outcome());
    if (before != null) {
      return Optional.of(before);
    }
    append(org, event);
    return Optional.empty();
  }

  @Override
  public Page page(OrgId org, int limit, String after) {
    throw new UnsupportedOperationException("not needed by unit tests");
  }

  @Override
  public Verification verify(OrgId org, Progress from, int maxEntries) {
    throw new UnsupportedOperationException("not needed by unit tests");
  }

  public synchronized List<Recorded> recorded() {
    return List.copyOf(recorded);
  }

  /** The actions appended, in order. */
  public synchronized List<String> actions() {
    return recorded.stream().map(r -> r.event().action()).toList();
  }
}
