package com.agentbilly.sync;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.sync.SyncState;
import com.agentbilly.port.SyncStateStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checkpoints in memory, with the history of every save. */
final class InMemorySyncStateStore implements SyncStateStore {

  private final Map<OrgId, SyncState> states = new HashMap<>();
  private final List<SyncState> saves = new ArrayList<>();

  @Override
  public SyncState load(OrgId org) {
    return states.getOrDefault(org, SyncState.never());
  }

  @Override
  public void save(OrgId org, SyncState state) {
    states.put(org, state);
    saves.add(state);
  }

  List<SyncState> saves() {
    return saves;
  }
}
