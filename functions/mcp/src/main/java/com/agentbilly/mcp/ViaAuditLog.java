package com.agentbilly.mcp;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.audit.AuditEntry;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.port.AuditLog;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An audit log that marks every entry it appends with the channel the request came through, as
 * {@code "via"} in the entry's details: the mcp function's entries say {@code "via": "mcp"}, so an
 * owner can tell an agent's refund from one made in the dashboard.
 */
final class ViaAuditLog implements AuditLog {

  static final String DETAIL = "via";

  private final AuditLog log;
  private final String via;

  ViaAuditLog(AuditLog log, String via) {
    this.log = log;
    this.via = via;
  }

  @Override
  public AuditEntry append(OrgId org, AuditEvent event) {
    return log.append(org, marked(event));
  }

  @Override
  public Optional<AuditOutcome> appendOnce(OrgId org, AuditEvent event, String onceKey) {
    return log.appendOnce(org, marked(event), onceKey);
  }

  @Override
  public Page page(OrgId org, int limit, String after) {
    return log.page(org, limit, after);
  }

  @Override
  public Verification verify(OrgId org, Progress from, int maxEntries) {
    return log.verify(org, from, maxEntries);
  }

  private AuditEvent marked(AuditEvent event) {
    Map<String, Object> details = new LinkedHashMap<>(event.details());
    details.put(DETAIL, via);
    return new AuditEvent(
        event.actor(),
        event.action(),
        event.target(),
        event.outcome(),
        event.keyPurpose(),
        event.requestId(),
        details);
  }
}
