package com.agentbilly.api;

import com.agentbilly.api.audit.AuditRoutes;
import com.agentbilly.api.invitations.InvitationRoutes;
import com.agentbilly.api.members.MemberRoutes;
import com.agentbilly.api.members.MemberService;
import com.agentbilly.api.mirror.MirrorRoutes;
import com.agentbilly.api.orgs.OrgRoutes;
import com.agentbilly.api.sync.SyncRequests;
import com.agentbilly.config.Settings;
import com.agentbilly.http.ApiRouter;

/** Every route the api function serves. template.yaml's events for ApiFunction list the same. */
public final class ApiRoutes {

  private ApiRoutes() {}

  public static ApiRouter router(ApiServices services) {
    Settings settings = services.settings();
    SyncRequests syncRequests = services.syncRequests();
    OrgRoutes orgRoutes =
        new OrgRoutes(
            services.orgService(),
            services.keys(),
            services.syncStates(),
            settings.webhookBaseUrl().orElse(null));
    MemberRoutes memberRoutes =
        new MemberRoutes(services.orgs(), new MemberService(services.orgs(), services.audit()));
    InvitationRoutes invitationRoutes = new InvitationRoutes(services.invitations());
    ApiRouter.Builder router =
        ApiRouter.builder(services.orgs())
            .allowedOrigins(settings.allowedOrigins())
            .onAccessDenied(services.audit().accessDenied())
            .route("GET", "/me", orgRoutes::me)
            .route("POST", "/orgs", orgRoutes::create)
            .route("GET", "/orgs/{org}", orgRoutes::describe)
            .route("GET", "/orgs/{org}/members", memberRoutes::list)
            .route("GET", "/orgs/{org}/sync", orgRoutes::syncStatus)
            .route("POST", "/orgs/{org}/sync", syncRequests::request)
            .route("PUT", "/orgs/{org}/members/{user_id}", memberRoutes::changeRole)
            .route("DELETE", "/orgs/{org}/members/{user_id}", memberRoutes::remove)
            .route("POST", "/orgs/{org}/invitations", invitationRoutes::create)
            .route("GET", "/orgs/{org}/invitations", invitationRoutes::list)
            .route("DELETE", "/orgs/{org}/invitations/{invitation_id}", invitationRoutes::revoke)
            .route("POST", "/invitations/accept", invitationRoutes::accept);
    new AuditRoutes(services.auditTrail()).addTo(router);
    return new MirrorRoutes(services.mirrorReads()).addTo(router).build();
  }
}
