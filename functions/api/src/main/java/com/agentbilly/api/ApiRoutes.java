package com.agentbilly.api;

import com.agentbilly.api.audit.AuditRoutes;
import com.agentbilly.api.invitations.InvitationRoutes;
import com.agentbilly.api.members.MemberRoutes;
import com.agentbilly.api.members.MemberService;
import com.agentbilly.api.mirror.MirrorRoutes;
import com.agentbilly.api.orgs.OrgRoutes;
import com.agentbilly.api.summary.SummaryRoutes;
import com.agentbilly.api.sync.SyncRequests;
import com.agentbilly.config.Settings;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.logging.OutcomeLog;
import com.agentbilly.port.RequestQuota;

/** Every route the api function serves. template.yaml's events for ApiFunction list the same. */
public final class ApiRoutes {

  private ApiRoutes() {}

  public static ApiRouter router(ApiServices services) {
    return router(services, RequestQuota.UNLIMITED);
  }

  /** The same, with each caller's {@code quota} of requests taken first. */
  public static ApiRouter router(ApiServices services, RequestQuota quota) {
    Settings settings = services.settings();
    SyncRequests syncRequests = services.syncRequests();
    OrgRoutes orgRoutes =
        new OrgRoutes(
            services.orgService(),
            services.keys(),
            services.syncStates(),
            settings.webhookBaseUrl().orElse(null));
    ApiRouter.Builder router =
        ApiRouter.builder(services.orgs())
            .outcomes(OutcomeLog.requests("api"))
            .quota(quota)
            .allowedOrigins(settings.allowedOrigins())
            .onAccessDenied(services.audit().accessDenied())
            .route("GET", "/me", orgRoutes::me)
            .route("POST", "/orgs", orgRoutes::create)
            .route("GET", "/orgs/{org}", orgRoutes::describe)
            .route("GET", "/orgs/{org}/sync", orgRoutes::syncStatus)
            .route("POST", "/orgs/{org}/sync", syncRequests::request);
    new AuditRoutes(services.auditTrail()).addTo(router);
    new MemberRoutes(services.orgs(), new MemberService(services.orgs(), services.audit()))
        .addTo(router);
    new InvitationRoutes(services.invitations()).addTo(router);
    new SummaryRoutes(services.summaryReads()).addTo(router);
    services.managerActions().addTo(router);
    return new MirrorRoutes(services.mirrorReads()).addTo(router).build();
  }
}
