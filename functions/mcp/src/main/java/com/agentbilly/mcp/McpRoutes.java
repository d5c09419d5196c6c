package com.agentbilly.mcp;

import com.agentbilly.api.actions.ManagerActionRoutes;
import com.agentbilly.api.mirror.MirrorReads;
import com.agentbilly.api.mirror.MirrorRoutes;
import com.agentbilly.api.orgs.OrgRoutes;
import com.agentbilly.api.orgs.OrgService;
import com.agentbilly.api.summary.SummaryReads;
import com.agentbilly.api.summary.SummaryRoutes;
import com.agentbilly.config.Settings;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.logging.OutcomeLog;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.port.OrgStore;
import com.agentbilly.port.RequestQuota;
import com.agentbilly.port.SyncStateStore;

/**
 * The api function's routes the tools call, from the api's own route classes: the identity, the
 * sync status, the mirror reads, the summary and the manager actions. Nothing else (no keys, no
 * members, no sync start) is reachable through MCP.
 */
final class McpRoutes {

  private McpRoutes() {}

  static ApiRouter router(
      OrgStore orgs,
      KeyMetadataStore keys,
      SyncStateStore syncStates,
      OrgService orgService,
      MirrorReads mirrorReads,
      SummaryReads summaryReads,
      ManagerActionRoutes actions,
      RequestAuditor audit,
      Settings settings,
      RequestQuota quota) {
    OrgRoutes orgRoutes =
        new OrgRoutes(orgService, keys, syncStates, settings.webhookBaseUrl().orElse(null));
    ApiRouter.Builder router =
        ApiRouter.builder(orgs)
            .outcomes(OutcomeLog.requests("mcp"))
            .quota(quota)
            .onAccessDenied(audit.accessDenied())
            .route("GET", "/me", orgRoutes::me)
            .route("GET", "/orgs/{org}/sync", orgRoutes::syncStatus);
    new SummaryRoutes(summaryReads).addTo(router);
    actions.addTo(router);
    return new MirrorRoutes(mirrorReads).addTo(router).build();
  }
}
