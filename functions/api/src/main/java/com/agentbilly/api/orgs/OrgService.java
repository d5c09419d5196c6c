package com.agentbilly.api.orgs;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.Caller;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.port.OrgStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Use cases of orgs and the caller's identity. */
public final class OrgService {

  private final OrgStore orgs;
  private final RequestAuditor audit;
  private final Clock clock;
  private final SecureRandom random;

  public OrgService(OrgStore orgs, RequestAuditor audit, Clock clock, SecureRandom random) {
    this.orgs = orgs;
    this.audit = audit;
    this.clock = clock;
    this.random = random;
  }

  /** Creates an org whose first owner is the caller. */
  public Org create(CreateOrgCommand command, Caller caller, String requestId) {
    Instant now = clock.instant();
    Org org =
        new Org(
            OrgId.generate(random),
            command.name(),
            command.mode(),
            null,
            false,
            now,
            caller.userId());
    orgs.createOrg(
        org,
        new Membership(org.id(), org.name(), caller.userId(), caller.username(), Role.OWNER, now));
    audit.record(
        org.id(),
        caller,
        Role.OWNER,
        requestId,
        "org.created",
        "org:" + org.id().value(),
        AuditOutcome.SUCCESS,
        null,
        Map.of("name", org.name(), "mode", org.mode().wireName()));
    return org;
  }

  public List<Membership> membershipsOf(Caller caller) {
    return orgs.membershipsOf(caller.userId());
  }

  /** The org, which the permission matrix has already shown the caller belongs to. */
  public Org get(OrgId id) {
    return orgs.findOrg(id).orElseThrow(ApiProblem::notFound);
  }
}
