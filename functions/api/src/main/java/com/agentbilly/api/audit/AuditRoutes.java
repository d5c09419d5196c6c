package com.agentbilly.api.audit;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.ApiRouter;
import java.util.Set;

/** {@code GET /orgs/{org}/audit} and {@code GET /orgs/{org}/audit/verify} (owners only). */
public final class AuditRoutes {

  private final AuditTrail trail;

  public AuditRoutes(AuditTrail trail) {
    this.trail = trail;
  }

  /** Adds both audit routes to {@code router}. */
  public ApiRouter.Builder addTo(ApiRouter.Builder router) {
    return router
        .route("GET", "/orgs/{org}/audit", this::list)
        .route("GET", "/orgs/{org}/audit/verify", this::verify);
  }

  ApiResponse list(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of("limit", "cursor"));
    return ApiResponse.ok(
        trail.page(
            request.requireOrg(),
            limit(request.queryParameter("limit").orElse(null)),
            request.queryParameter("cursor").orElse(null)));
  }

  ApiResponse verify(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of("cursor"));
    return ApiResponse.ok(
        trail.verify(request.requireOrg(), request.queryParameter("cursor").orElse(null)));
  }

  private static int limit(String value) {
    if (value == null) {
      return AuditTrail.DEFAULT_LIMIT;
    }
    if (value.matches("[0-9]{1,3}")) {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= AuditTrail.MAX_LIMIT) {
        return limit;
      }
    }
    throw ApiProblem.invalidRequest(
        "'limit' must be an integer from 1 to " + AuditTrail.MAX_LIMIT + ".");
  }
}
