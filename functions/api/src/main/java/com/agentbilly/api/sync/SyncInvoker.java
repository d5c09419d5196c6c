package com.agentbilly.api.sync;

import com.agentbilly.domain.OrgId;

/** Starts one org's sync in the sync function, without waiting for it. */
@FunctionalInterface
public interface SyncInvoker {
  void startAsync(OrgId org);
}
