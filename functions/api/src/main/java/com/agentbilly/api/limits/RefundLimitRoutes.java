package com.agentbilly.api.limits;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.domain.limits.RefundLimits;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.port.RefundLimitStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code GET /orgs/{org}/refund-limits} for managers and owners, {@code PUT} for owners: the limits
 * a manager's refunds meet (owners are not limited).
 */
public final class RefundLimitRoutes {

  private final RefundLimitStore limits;
  private final RequestAuditor audit;
  private final Clock clock;

  public RefundLimitRoutes(RefundLimitStore limits, RequestAuditor audit, Clock clock) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public ApiRouter.Builder addTo(ApiRouter.Builder router) {
    return router
        .route("GET", "/orgs/{org}/refund-limits", this::get)
        .route("PUT", "/orgs/{org}/refund-limits", this::put);
  }

  ApiResponse get(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    return ApiResponse.ok(view(limits.get(request.requireOrg())));
  }

  /** Replaces the limits and audits {@code refund_limits.set} with the new ones. */
  ApiResponse put(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    RefundLimits next = RefundLimitsCommand.parse(request.body());
    OrgId org = request.requireOrg();
    limits.put(org, next, request.caller().userId(), clock.instant());
    Map<String, Object> details = new LinkedHashMap<>(view(next));
    audit.record(
        request, "refund_limits.set", "org:" + org.value(), AuditOutcome.SUCCESS, null, details);
    return ApiResponse.ok(view(next));
  }

  private static Map<String, Object> view(RefundLimits limits) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("per_refund", limits.perRefund());
    view.put("per_day", limits.perDay());
    return view;
  }
}
