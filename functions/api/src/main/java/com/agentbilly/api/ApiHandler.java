package com.agentbilly.api;

import com.agentbilly.config.FunctionContext;
import com.agentbilly.http.ApiRouter;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;

/** Lambda entry point of the team API. */
public final class ApiHandler
    implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

  private final ApiRouter router;

  /** Used by Lambda: builds the real wiring once per container. */
  public ApiHandler() {
    this(FunctionContext.bean("api", ApiRouter.class));
  }

  public ApiHandler(ApiRouter router) {
    this.router = router;
  }

  @Override
  public APIGatewayProxyResponseEvent handleRequest(
      APIGatewayProxyRequestEvent event, Context context) {
    return router.handle(event, context);
  }
}
