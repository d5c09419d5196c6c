package com.agentbilly.config;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * A function's SnapStart hooks. Before the snapshot it primes what the first request would pay for
 * ({@link Priming}, nothing with a side effect). After a restore it forgets what must not be shared
 * between restored copies: the stack secrets it had read while the snapshot was taken are read
 * again on next use, so every restored container sees the stack's current values, never the
 * snapshot's. (The JDK's default {@code SecureRandom} reads the kernel's entropy on every call, so
 * restored copies never share random values; a connection kept alive across the snapshot fails on
 * first use and the SDK retries it on a new one.)
 *
 * <p>The CRaC runtime keeps only weak references to resources; this object is held by the bean
 * context for the container's lifetime, which keeps the registration alive.
 */
public final class SnapStartRestore implements Resource {

  private static final List<WeakReference<SnapStartRestore>> REGISTERED =
      new CopyOnWriteArrayList<>();

  private final List<Runnable> beforeSnapshot = new ArrayList<>();
  private final List<Runnable> onRestore = new ArrayList<>();

  private SnapStartRestore() {}

  /** Registers with the CRaC runtime a hook that reloads {@code secrets} after a restore. */
  public static SnapStartRestore reloading(StackSecrets secrets) {
    return primingAndReloading(() -> {}, secrets);
  }

  /**
   * Registers with the CRaC runtime {@code prime} to run before the snapshot and a hook that
   * reloads {@code secrets} after a restore.
   */
  public static SnapStartRestore primingAndReloading(Runnable prime, StackSecrets secrets) {
    SnapStartRestore restore = new SnapStartRestore();
    restore.beforeSnapshot.add(prime);
    restore.onRestore.add(secrets::reload);
    Core.getGlobalContext().register(restore);
    REGISTERED.add(new WeakReference<>(restore));
    return restore;
  }

  /**
   * Runs every registered instance's hooks as Lambda runs them around a snapshot: for the cold
   * start benchmark, on a JVM without CRaC, whose global context cannot be driven from outside.
   */
  public static void simulateSnapshotAndRestore() {
    for (WeakReference<SnapStartRestore> reference : REGISTERED) {
      SnapStartRestore restore = reference.get();
      if (restore != null) {
        restore.beforeCheckpoint(null);
        restore.afterRestore(null);
      }
    }
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    beforeSnapshot.forEach(Runnable::run);
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    onRestore.forEach(Runnable::run);
  }
}
