package com.agentbilly.local.bench;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Remembers every request an SDK client sends, so a benchmark can replay exactly those calls on a
 * bare client: the floor a handler cannot beat. Also adds up the time the calls took, from the
 * moment each is handed to the SDK until it answers or fails.
 */
final class CallRecorder implements ExecutionInterceptor {

  private static final ExecutionAttribute<Long> STARTED =
      new ExecutionAttribute<>("bench.callStartedNanos");

  private final List<SdkRequest> calls = new ArrayList<>();
  private long busyNanos;

  @Override
  public synchronized void beforeExecution(
      Context.BeforeExecution context, ExecutionAttributes attributes) {
    attributes.putAttribute(STARTED, System.nanoTime());
    calls.add(context.request());
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    finished(attributes);
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    finished(attributes);
  }

  private synchronized void finished(ExecutionAttributes attributes) {
    Long started = attributes.getAttribute(STARTED);
    if (started != null) {
      busyNanos += System.nanoTime() - started;
    }
  }

  /** The requests recorded since the last drain, oldest first. */
  synchronized List<SdkRequest> drain() {
    List<SdkRequest> drained = List.copyOf(calls);
    calls.clear();
    busyNanos = 0;
    return drained;
  }

  /** The time the calls since the last drain took, added up, in seconds. */
  synchronized double busySeconds() {
    return busyNanos / 1e9;
  }
}
