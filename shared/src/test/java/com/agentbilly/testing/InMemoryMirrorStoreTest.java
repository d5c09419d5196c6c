package com.agentbilly.testing;

import com.agentbilly.port.MirrorStore;

/** The in-memory fake honours the same contract as the DynamoDB store. */
class InMemoryMirrorStoreTest extends MirrorStoreContract {

  private final InMemoryMirrorStore store = new InMemoryMirrorStore(CLOCK);

  @Override
  protected MirrorStore store() {
    return store;
  }
}
