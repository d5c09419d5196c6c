package com.agentbilly.config;

import java.util.function.Supplier;
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
 *
 * <p>The KMS and Secrets Manager clients are built on first use, once: a request that reads no
 * secret (the dashboard's first, {@code GET /me}) does not pay for building them, about a tenth of
 * a second of a cold start. SnapStart's priming builds them before the snapshot ({@link Priming}).
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

  /** This container's KMS client, built on first use. */
  public static KmsClient kms() {
    return KMS.get();
  }

  /** This container's Secrets Manager client, built on first use. */
  public static SecretsManagerClient secretsManager() {
    return SECRETS_MANAGER.get();
  }

  private static final Once<KmsClient> KMS =
      new Once<>(() -> KmsClient.builder().httpClient(http()).build());

  private static final Once<SecretsManagerClient> SECRETS_MANAGER =
      new Once<>(() -> SecretsManagerClient.builder().httpClient(http()).build());

  /** Holder idiom: built when {@link #http()} is first called, not when the class loads. */
  private static final class Http {
    static final SdkHttpClient CLIENT = UrlConnectionHttpClient.create();
  }

  /**
   * A value built on the first {@link #get()}, once. Unlike a holder class, a build that throws (no
   * region configured, say) is tried again on the next call instead of failing every later one with
   * {@code NoClassDefFoundError}.
   */
  static final class Once<T> implements Supplier<T> {
    private final Supplier<T> build;
    private volatile T value;

    Once(Supplier<T> build) {
      this.build = build;
    }

    @Override
    public T get() {
      T built = value;
      if (built == null) {
        synchronized (this) {
          built = value;
          if (built == null) {
            built = build.get();
            value = built;
          }
        }
      }
      return built;
    }
  }
}
