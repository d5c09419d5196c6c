package com.agentbilly.port;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.sync.SyncState;

/** Where each org's sync checkpoint lives (in the org's own partition). */
public interface SyncStateStore {

  /** The org's checkpoint; {@link SyncState#never()} when none was saved. */
  SyncState load(OrgId org);

  /** Replaces the org's checkpoint. */
  void save(OrgId org, SyncState state);
}
