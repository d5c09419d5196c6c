package com.agentbilly.http;

import com.agentbilly.domain.Caller;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.Route;
import com.agentbilly.domain.audit.AuditActor;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.port.AuditLog;
import java.util.Map;

/** Writes audit entries for requests: who (from the request), what, how it ended. */
public final class RequestAuditor {

  private final AuditLog log;

  public RequestAuditor(AuditLog log) {
    this.log = log;
  }

  /**
   * Appends an entry to the org of {@code request}.
   *
   * @param keyPurpose the key purpose used or affected, or null
   * @param details small values, never a key, secret or token
   */
  public void record(
      ApiRequest request,
      String action,
      String target,
      AuditOutcome outcome,
      String keyPurpose,
      Map<String, Object> details) {
    record(
        request.requireOrg(),
        request.caller(),
        request.role(),
        request.requestId(),
        action,
        target,
        outcome,
        keyPurpose,
        details);
  }

  /** Appends an entry for an org and actor given explicitly (e.g. the org just created). */
  public void record(
      OrgId org,
      Caller caller,
      Role role,
      String requestId,
      String action,
      String target,
      AuditOutcome outcome,
      String keyPurpose,
      Map<String, Object> details) {
    log.append(
        org,
        new AuditEvent(
            new AuditActor(
                caller.userId(), caller.username(), role == null ? null : role.wireName()),
            action,
            target,
            outcome,
            keyPurpose,
            requestId,
            details));
  }

  /** The router hook that records {@code access.denied} for every 403 of the permission matrix. */
  public ApiRouter.AccessDeniedListener accessDenied() {
    return (OrgId org, Caller caller, Role role, Route route, String requestId) ->
        record(
            org,
            caller,
            role,
            requestId,
            "access.denied",
            route.toString(),
            AuditOutcome.DENIED,
            null,
            Map.of());
  }
}
