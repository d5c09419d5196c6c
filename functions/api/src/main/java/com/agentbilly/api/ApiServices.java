package com.agentbilly.api;

import com.agentbilly.api.actions.ManagerActionRoutes;
import com.agentbilly.api.audit.AuditTrail;
import com.agentbilly.api.invitations.InvitationService;
import com.agentbilly.api.mirror.MirrorReads;
import com.agentbilly.api.orgs.OrgService;
import com.agentbilly.api.summary.SummaryReads;
import com.agentbilly.api.sync.SyncRequests;
import com.agentbilly.config.Settings;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.port.OrgStore;
import com.agentbilly.port.SyncStateStore;

/** What the api function's routes are built from: its stores and services, one of each. */
public record ApiServices(
    OrgStore orgs,
    KeyMetadataStore keys,
    OrgService orgService,
    RequestAuditor audit,
    Settings settings,
    MirrorReads mirrorReads,
    AuditTrail auditTrail,
    SyncStateStore syncStates,
    SyncRequests syncRequests,
    InvitationService invitations,
    SummaryReads summaryReads,
    ManagerActionRoutes managerActions) {}
