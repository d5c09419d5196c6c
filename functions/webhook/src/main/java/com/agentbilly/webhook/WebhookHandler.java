package com.agentbilly.webhook;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.Json;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Map;

/**
 * Lambda entry point of Stripe webhooks on the function URL. Webhook secrets can be registered only
 * once key onboarding lands (issue #3) and ingestion arrives with issue #4; until then every org
 * is, truthfully, one without a webhook secret: {@code 404 not_found}.
 */
public final class WebhookHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    ApiResponse response = ApiResponse.error(ApiProblem.notFound());
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(response.status())
        .withHeaders(Map.of("Content-Type", "application/json"))
        .withBody(Json.write(response.body()))
        .build();
  }
}
