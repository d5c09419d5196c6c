package com.agentbilly.config;

import java.util.ArrayList;
import java.util.List;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * What a function forgets when Lambda restores it from a SnapStart snapshot: the stack secrets it
 * had read while the snapshot was taken are read again on next use, so every restored container
 * sees the stack's current values, never the snapshot's.
 *
 * <p>The CRaC runtime keeps only weak references to resources; this object is held by the bean
 * context for the container's lifetime, which keeps the registration alive.
 */
public final class SnapStartRestore implements Resource {

  private final List<Runnable> onRestore = new ArrayList<>();

  private SnapStartRestore() {}

  /** Registers with the CRaC runtime a hook that reloads {@code secrets} after a restore. */
  public static SnapStartRestore reloading(StackSecrets secrets) {
    SnapStartRestore restore = new SnapStartRestore();
    restore.onRestore.add(secrets::reload);
    Core.getGlobalContext().register(restore);
    return restore;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {}

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    onRestore.forEach(Runnable::run);
  }
}
