package com.agentbilly.local.bench;

import com.agentbilly.config.Settings;
import com.agentbilly.local.Bootstrap;
import com.agentbilly.local.SamTemplate;
import java.io.IOException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** What every benchmark needs of the local stack before it starts. */
final class BenchStack {

  private BenchStack() {}

  /**
   * Creates the table and stack secrets when the local AWS has none (a fresh or reset moto). Left
   * alone otherwise: the bootstrap renews demo passwords, which tests running at the time rely on.
   */
  static void bootstrapIfMissing(Settings settings) throws IOException {
    try (DynamoDbClient dynamo =
        DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
      dynamo.describeTable(r -> r.tableName(settings.tableName()));
    } catch (ResourceNotFoundException e) {
      try (Bootstrap bootstrap =
          new Bootstrap(SamTemplate.fromRepository(), Bootstrap.Settings.fromEnvironment())) {
        bootstrap.run();
      }
    }
  }
}
