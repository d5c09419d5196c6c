package com.agentbilly.api.mirror;

import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.ApiRouter;

/**
 * The mirror read routes of API.md: {@code GET /orgs/{org}/<list>} and {@code GET
 * /orgs/{org}/<list>/{id}} for every type of {@link MirrorReads#LISTED_TYPES}, the customer's being
 * the customer view.
 */
public final class MirrorRoutes {

  private final MirrorReads reads;

  public MirrorRoutes(MirrorReads reads) {
    this.reads = reads;
  }

  /** Adds every mirror read route to {@code router}. */
  public ApiRouter.Builder addTo(ApiRouter.Builder router) {
    for (ObjectType type : MirrorReads.LISTED_TYPES) {
      String list = "/orgs/{org}/" + type.listName();
      router.route("GET", list, request -> list(type, request));
      router.route(
          "GET",
          list + "/{id}",
          type == ObjectType.CUSTOMER ? this::customer : request -> get(type, request));
    }
    return router;
  }

  ApiResponse list(ObjectType type, ApiRequest request) {
    request.allowOnlyQueryParameters(MirrorReads.listParameters(type));
    return ApiResponse.ok(
        reads.list(request.requireOrg(), MirrorReads.listQuery(type, request.query())));
  }

  ApiResponse get(ObjectType type, ApiRequest request) {
    request.allowOnlyQueryParameters(MirrorReads.getParameters(type));
    String id = request.pathParameter("id");
    return ApiResponse.ok(
        MirrorReads.wantsFresh(request.query())
            ? reads.getFresh(request.requireOrg(), type, id)
            : reads.get(request.requireOrg(), type, id));
  }

  ApiResponse customer(ApiRequest request) {
    request.allowOnlyQueryParameters(MirrorReads.getParameters(ObjectType.CUSTOMER));
    String id = request.pathParameter("id");
    if (MirrorReads.wantsFresh(request.query())) {
      reads.getFresh(request.requireOrg(), ObjectType.CUSTOMER, id);
    }
    return ApiResponse.ok(reads.customerView(request.requireOrg(), id));
  }
}
