package com.agentbilly.config;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds the AWS SDK clients, once per container. Region, credentials and endpoint come from the
 * environment ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL} locally), never from code.
 */
public final class AwsClients {

  private AwsClients() {}

  public static DynamoDbClient dynamoDb() {
    return DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
  }

  public static KmsClient kms() {
    return KmsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
  }

  public static SecretsManagerClient secretsManager() {
    return SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
  }
}
