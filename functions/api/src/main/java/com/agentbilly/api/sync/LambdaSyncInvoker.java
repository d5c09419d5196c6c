package com.agentbilly.api.sync;

import com.agentbilly.domain.OrgId;
import com.agentbilly.http.Json;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * An asynchronous ({@code Event}) invoke of the sync function with {@code {"org_id"}}: Lambda
 * queues it and answers at once. The api function's role may invoke that function only.
 */
public final class LambdaSyncInvoker implements SyncInvoker {

  private final LambdaClient lambda;
  private final String syncFunction;

  public LambdaSyncInvoker(LambdaClient lambda, String syncFunction) {
    this.lambda = lambda;
    this.syncFunction = syncFunction;
  }

  @Override
  public void startAsync(OrgId org) {
    lambda.invoke(
        invoke ->
            invoke
                .functionName(syncFunction)
                .invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String(Json.write(Map.of("org_id", org.value())))));
  }
}
