package com.agentbilly.local.bench;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Remembers every request an SDK client sends, so a benchmark can replay exactly those calls on a
 * bare client: the floor a handler cannot beat.
 */
final class CallRecorder implements ExecutionInterceptor {

  private final List<SdkRequest> calls = new ArrayList<>();

  @Override
  public synchronized void beforeExecution(
      Context.BeforeExecution context, ExecutionAttributes attributes) {
    calls.add(context.request());
  }

  /** The requests recorded since the last drain, oldest first. */
  synchronized List<SdkRequest> drain() {
    List<SdkRequest> drained = List.copyOf(calls);
    calls.clear();
    return drained;
  }
}
