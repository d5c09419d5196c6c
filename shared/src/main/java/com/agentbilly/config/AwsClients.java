package com.agentbilly.config;

import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds the AWS SDK clients, once per container. Region, credentials and endpoint come from the
 * environment ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL} locally), never from code.
 *
 * <p>Every client shares one {@link #http() HTTP client}: each {@code UrlConnectionHttpClient}
 * builds its own TLS context (the trust store read and parsed), about a tenth of a second of a cold
 * start apiece. It is thread-safe and holds no connections of its own (the JDK's keep-alive cache
 * does), so sharing it changes nothing else.
 */
public final class AwsClients {

  private AwsClients() {}

  /** The HTTP client every SDK client of this container uses, built on first use. */
  public static SdkHttpClient http() {
    return Http.CLIENT;
  }

  public static DynamoDbClient dynamoDb() {
    return DynamoDbClient.builder().httpClient(http()).build();
  }

  public static KmsClient kms() {
    return KmsClient.builder().httpClient(http()).build();
  }

  public static SecretsManagerClient secretsManager() {
    return SecretsManagerClient.builder().httpClient(http()).build();
  }

  /** Holder idiom: built when {@link #http()} is first called, not when the class loads. */
  private static final class Http {
    static final SdkHttpClient CLIENT = UrlConnectionHttpClient.create();
  }
}
