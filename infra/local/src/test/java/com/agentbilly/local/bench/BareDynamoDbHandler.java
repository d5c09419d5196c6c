package com.agentbilly.local.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * The cold start baseline of {@link ColdStartBenchmark}: the least a Java function on this stack
 * does — build a DynamoDB client (url-connection, region and endpoint from the environment) in its
 * constructor, and answer with one {@code GetItem} of the table in {@code TABLE_NAME}. As a {@code
 * RequestHandler}, it has the Lambda runtime bind its event and answer; {@link Stream} does the
 * same GetItem without either, as a {@code RequestStreamHandler} that reads nothing of its event.
 */
public final class BareDynamoDbHandler
    implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

  private final DynamoDbClient dynamo =
      DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
  private final String table = System.getenv("TABLE_NAME");

  @Override
  public APIGatewayProxyResponseEvent handleRequest(
      APIGatewayProxyRequestEvent event, Context context) {
    GetItemResponse item = profile(dynamo, table, event.getPath());
    return new APIGatewayProxyResponseEvent()
        .withStatusCode(200)
        .withBody(item.hasItem() ? "{\"found\":true}" : "{\"found\":false}");
  }

  /** The baseline without the runtime's event binding: the least a function here can do. */
  public static final class Stream implements RequestStreamHandler {

    private final DynamoDbClient dynamo =
        DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    private final String table = System.getenv("TABLE_NAME");

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context)
        throws IOException {
      input.readAllBytes();
      GetItemResponse item = profile(dynamo, table, "/me");
      output.write(
          ("{\"statusCode\":200,\"body\":\"{\\\"found\\\":" + item.hasItem() + "}\"}")
              .getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The one GetItem both baselines make. */
  static GetItemResponse profile(DynamoDbClient dynamo, String table, String path) {
    return dynamo.getItem(
        g ->
            g.tableName(table)
                .key(
                    Map.of(
                        "pk", AttributeValue.fromS("USER#" + path),
                        "sk", AttributeValue.fromS("PROFILE"))));
  }
}
