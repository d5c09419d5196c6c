package com.agentbilly.adapter.aws;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.DeleteSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.DeleteSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Secrets Manager in memory, for unit tests: the current value of each secret (string or binary),
 * the requests received, and failures a test can queue for {@code CreateSecret}. Every other
 * operation throws {@link UnsupportedOperationException} (the SDK interface's default).
 */
public final class FakeSecretsManager implements SecretsManagerClient {

  private final Map<String, GetSecretValueResponse> current = new ConcurrentHashMap<>();
  private final List<CreateSecretRequest> creates = new CopyOnWriteArrayList<>();
  private final List<PutSecretValueRequest> puts = new CopyOnWriteArrayList<>();
  private final List<String> deletes = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
  private final Deque<AwsServiceException> createFailures = new ArrayDeque<>();

  /** Sets a secret's current value as a string, as another writer would. */
  public void putString(String name, String value) {
    current.put(name, GetSecretValueResponse.builder().name(name).secretString(value).build());
  }

  /** Sets a secret's current value as binary, as another writer would. */
  public void putBinary(String name, SdkBytes value) {
    current.put(name, GetSecretValueResponse.builder().name(name).secretBinary(value).build());
  }

  /** The current binary value of a secret, or null. */
  public SdkBytes binary(String name) {
    GetSecretValueResponse value = current.get(name);
    return value == null ? null : value.secretBinary();
  }

  /** Makes the next {@code CreateSecret} fail as AWS does while a deleted name is being freed. */
  public synchronized void failNextCreateAsStillBeingDeleted() {
    createFailures.add(
        InvalidRequestException.builder()
            .statusCode(400)
            .awsErrorDetails(error("InvalidRequestException"))
            .build());
  }

  public List<CreateSecretRequest> creates() {
    return List.copyOf(creates);
  }

  public List<PutSecretValueRequest> puts() {
    return List.copyOf(puts);
  }

  public List<String> deletes() {
    return List.copyOf(deletes);
  }

  /** How many {@code GetSecretValue} requests named {@code secretId}. */
  public int reads(String secretId) {
    AtomicInteger count = reads.get(secretId);
    return count == null ? 0 : count.get();
  }

  @Override
  public CreateSecretResponse createSecret(CreateSecretRequest request) {
    creates.add(request);
    synchronized (this) {
      if (!createFailures.isEmpty()) {
        throw createFailures.poll();
      }
    }
    GetSecretValueResponse value =
        GetSecretValueResponse.builder()
            .name(request.name())
            .secretBinary(request.secretBinary())
            .secretString(request.secretString())
            .build();
    if (current.putIfAbsent(request.name(), value) != null) {
      throw ResourceExistsException.builder()
          .statusCode(400)
          .awsErrorDetails(error("ResourceExistsException"))
          .build();
    }
    return CreateSecretResponse.builder().name(request.name()).build();
  }

  @Override
  public PutSecretValueResponse putSecretValue(PutSecretValueRequest request) {
    puts.add(request);
    GetSecretValueResponse value =
        GetSecretValueResponse.builder()
            .name(request.secretId())
            .secretBinary(request.secretBinary())
            .secretString(request.secretString())
            .build();
    if (current.replace(request.secretId(), value) == null) {
      throw notFound();
    }
    return PutSecretValueResponse.builder().name(request.secretId()).build();
  }

  @Override
  public GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
    reads.computeIfAbsent(request.secretId(), id -> new AtomicInteger()).incrementAndGet();
    GetSecretValueResponse value = current.get(request.secretId());
    if (value == null) {
      throw notFound();
    }
    return value;
  }

  @Override
  public DeleteSecretResponse deleteSecret(DeleteSecretRequest request) {
    deletes.add(request.secretId());
    if (current.remove(request.secretId()) == null) {
      throw notFound();
    }
    return DeleteSecretResponse.builder().name(request.secretId()).build();
  }

  @Override
  public String serviceName() {
    return SERVICE_NAME;
  }

  @Override
  public void close() {}

  private static ResourceNotFoundException notFound() {
    return ResourceNotFoundException.builder()
        .statusCode(400)
        .requestId("req-not-found")
        .awsErrorDetails(error("ResourceNotFoundException"))
        .build();
  }

  private static AwsErrorDetails error(String code) {
    return AwsErrorDetails.builder().errorCode(code).errorMessage("fake " + code).build();
  }
}
