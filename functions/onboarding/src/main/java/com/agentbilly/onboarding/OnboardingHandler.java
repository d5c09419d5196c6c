package com.agentbilly.onboarding;

import com.agentbilly.config.FunctionContext;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.ProxyEventJson;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Lambda entry point of key onboarding and org deletion (the function that owns the secrets). */
public final class OnboardingHandler implements RequestStreamHandler {

  private final ApiRouter router;

  /** Used by Lambda: builds the real wiring once per container. */
  public OnboardingHandler() {
    this(FunctionContext.bean("onboarding", OnboardingBeans.Router.class).router());
  }

  public OnboardingHandler(ApiRouter router) {
    this.router = router;
  }

  /** API Gateway's proxy event in, its answer out ({@link ProxyEventJson} says why as JSON). */
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    ProxyEventJson.writeResponse(handle(ProxyEventJson.readRequest(input), context), output);
  }

  /** One event, already read: what {@link #handleRequest} answers. */
  public APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent event, Context context) {
    return router.handle(event, context);
  }
}
