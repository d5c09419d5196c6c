package com.agentbilly.onboarding;

import com.agentbilly.config.FunctionContext;
import com.agentbilly.http.ApiRouter;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;

/** Lambda entry point of key onboarding and org deletion (the function that owns the secrets). */
public final class OnboardingHandler
    implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

  private final ApiRouter router;

  /** Used by Lambda: builds the real wiring once per container. */
  public OnboardingHandler() {
    this(FunctionContext.bean("onboarding", OnboardingBeans.Router.class).router());
  }

  public OnboardingHandler(ApiRouter router) {
    this.router = router;
  }

  @Override
  public APIGatewayProxyResponseEvent handleRequest(
      APIGatewayProxyRequestEvent event, Context context) {
    return router.handle(event, context);
  }
}
