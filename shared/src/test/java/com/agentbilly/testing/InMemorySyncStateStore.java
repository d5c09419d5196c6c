package com.agentbilly.testing;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.sync.SyncState;
import com.agentbilly.port.SyncStateStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checkpoints in memory, with the history of every save. */
public final class InMemorySyncStateStore implements SyncStateStore {

  private final Map<OrgId, SyncState> states = Collections.synchronizedMap(new HashMap<>());
  private final List<SyncState> saves = Collections.synchronizedList(new ArrayList<>());

  @Override
  public SyncState load(OrgId org) {
    return states.getOrDefault(org, SyncState.never());
  }

  @Override
  public void save(OrgId org, SyncState state) {
    states.put(org, state);
    saves.add(state);
  }

  /** Every state saved, in order. */
  public List<SyncState> saves() {
    return saves;
  }
}
