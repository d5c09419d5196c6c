package com.agentbilly.api.sync;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.port.SyncLease;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /orgs/{org}/sync}: starts the org's sync unless one is already requested or running
 * (the lease decides, so two requests at once start one run).
 */
public final class SyncRequests {

  /** How long a request holds the lease before a run takes it over (or it lapses). */
  static final Duration REQUEST_LAPSES_AFTER = Duration.ofMinutes(2);

  private final KeyMetadataStore keys;
  private final SyncLease lease;
  private final SyncInvoker invoker;
  private final RequestAuditor audit;
  private final Clock clock;

  public SyncRequests(
      KeyMetadataStore keys,
      SyncLease lease,
      SyncInvoker invoker,
      RequestAuditor audit,
      Clock clock) {
    this.keys = keys;
    this.lease = lease;
    this.invoker = invoker;
    this.audit = audit;
    this.clock = clock;
  }

  public ApiResponse request(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    if (request.body() != null && !request.body().isBlank()) {
      request.jsonBody(Set.of());
    }
    OrgId org = request.requireOrg();
    if (keys.find(org, SecretPurpose.SYNC).isEmpty()) {
      throw new ApiProblem(
          ErrorCode.KEY_NOT_CONNECTED,
          "Syncing needs the org's sync key; an owner can connect one with PUT"
              + " /orgs/{org}/keys/sync.",
          Map.of("purpose", SecretPurpose.SYNC.wireName()));
    }
    boolean started = lease.request(org, clock.instant(), REQUEST_LAPSES_AFTER);
    if (started) {
      invoker.startAsync(org);
    }
    String status = started ? "queued" : "running";
    audit.record(
        request,
        "sync.requested",
        "sync",
        AuditOutcome.SUCCESS,
        SecretPurpose.SYNC.wireName(),
        Map.of("status", status));
    return ApiResponse.accepted(Map.of("status", status));
  }
}
