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
import java.util.Optional;

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

  /**
   * Appends an entry to the org of {@code request} unless one was appended under {@code onceKey}
   * before ({@link AuditLog#appendOnce}).
   *
   * @return empty when appended now, else the outcome recorded before under the key
   */
  public Optional<AuditOutcome> recordOnce(
      ApiRequest request,
      String action,
      String target,
      AuditOutcome outcome,
      String keyPurpose,
      Map<String, Object> details,
      String onceKey) {
    Role role = request.role();
    return log.appendOnce(
        request.requireOrg(),
        new AuditEvent(
            new AuditActor(
                request.caller().userId(),
                request.caller().username(),
                role == null ? null : role.wireName()),
            action,
            target,
            outcome,
            keyPurpose,
            request.requestId(),
            details),
        onceKey);
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
