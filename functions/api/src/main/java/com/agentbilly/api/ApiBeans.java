package com.agentbilly.api;

import com.agentbilly.api.mirror.MirrorReads;
import com.agentbilly.api.orgs.OrgService;
import com.agentbilly.config.Settings;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.port.OrgStore;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;

/** The api function's wiring. */
@Factory
@Requires(env = "api")
public class ApiBeans {

  @Singleton
  OrgService orgService(OrgStore orgs, RequestAuditor audit, Clock clock, SecureRandom random) {
    return new OrgService(orgs, audit, clock, random);
  }

  @Singleton
  MirrorReads mirrorReads(MirrorStore mirror) {
    return new MirrorReads(mirror);
  }

  @Singleton
  ApiRouter apiRouter(
      OrgStore orgs,
      KeyMetadataStore keys,
      OrgService orgService,
      RequestAuditor audit,
      Settings settings,
      MirrorReads mirrorReads) {
    return ApiRoutes.router(orgs, keys, orgService, audit, settings, mirrorReads);
  }
}
