package com.agentbilly.api;

import com.agentbilly.api.audit.AuditRoutes;
import com.agentbilly.api.audit.AuditTrail;
import com.agentbilly.api.members.MemberRoutes;
import com.agentbilly.api.mirror.MirrorReads;
import com.agentbilly.api.mirror.MirrorRoutes;
import com.agentbilly.api.orgs.OrgRoutes;
import com.agentbilly.api.orgs.OrgService;
import com.agentbilly.api.sync.SyncRequests;
import com.agentbilly.config.Settings;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.port.OrgStore;
import com.agentbilly.port.SyncStateStore;

/** Every route the api function serves. template.yaml's events for ApiFunction list the same. */
public final class ApiRoutes {

  private ApiRoutes() {}

  public static ApiRouter router(
      OrgStore orgs,
      KeyMetadataStore keys,
      OrgService orgService,
      RequestAuditor audit,
      Settings settings,
      MirrorReads mirrorReads,
      AuditTrail auditTrail,
      SyncStateStore syncStates,
      SyncRequests syncRequests) {
    OrgRoutes orgRoutes =
        new OrgRoutes(orgService, keys, syncStates, settings.webhookBaseUrl().orElse(null));
    ApiRouter.Builder router =
        ApiRouter.builder(orgs)
            .allowedOrigins(settings.allowedOrigins())
            .onAccessDenied(audit.accessDenied())
            .route("GET", "/me", orgRoutes::me)
            .route("POST", "/orgs", orgRoutes::create)
            .route("GET", "/orgs/{org}", orgRoutes::describe)
            .route("GET", "/orgs/{org}/members", new MemberRoutes(orgs)::list)
            .route("GET", "/orgs/{org}/sync", orgRoutes::syncStatus)
            .route("POST", "/orgs/{org}/sync", syncRequests::request);
    new AuditRoutes(auditTrail).addTo(router);
    return new MirrorRoutes(mirrorReads).addTo(router).build();
  }
}
