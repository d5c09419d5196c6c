package com.agentbilly.adapter.aws;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * KMS in memory, for unit tests: {@code Encrypt} returns random bytes remembered with the key id,
 * context and plaintext; {@code Decrypt} answers only with the same context, like KMS. Every other
 * operation throws {@link UnsupportedOperationException} (the SDK interface's default).
 */
public final class FakeKms implements KmsClient {

  private final SecureRandom random = new SecureRandom();
  private final Map<String, EncryptRequest> encrypted = new ConcurrentHashMap<>();
  private final List<EncryptRequest> encrypts = new CopyOnWriteArrayList<>();
  private final AtomicInteger decrypts = new AtomicInteger();
  private volatile KmsException decryptFailure;

  /** Every {@code Encrypt} request received, oldest first. */
  public List<EncryptRequest> encrypts() {
    return List.copyOf(encrypts);
  }

  /** How many {@code Decrypt} requests were received. */
  public int decrypts() {
    return decrypts.get();
  }

  /** Makes every later {@code Decrypt} throw {@code failure}. */
  public void failDecryptsWith(KmsException failure) {
    this.decryptFailure = failure;
  }

  @Override
  public EncryptResponse encrypt(EncryptRequest request) {
    encrypts.add(request);
    byte[] ciphertext = new byte[48];
    random.nextBytes(ciphertext);
    encrypted.put(Base64.getEncoder().encodeToString(ciphertext), request);
    return EncryptResponse.builder()
        .keyId(request.keyId())
        .ciphertextBlob(SdkBytes.fromByteArray(ciphertext))
        .build();
  }

  @Override
  public DecryptResponse decrypt(DecryptRequest request) {
    decrypts.incrementAndGet();
    if (decryptFailure != null) {
      throw decryptFailure;
    }
    EncryptRequest original =
        encrypted.get(Base64.getEncoder().encodeToString(request.ciphertextBlob().asByteArray()));
    if (original == null || !original.encryptionContext().equals(request.encryptionContext())) {
      throw InvalidCiphertextException.builder()
          .statusCode(400)
          .awsErrorDetails(
              AwsErrorDetails.builder().errorCode("InvalidCiphertextException").build())
          .build();
    }
    return DecryptResponse.builder()
        .keyId(original.keyId())
        .plaintext(original.plaintext())
        .build();
  }

  @Override
  public String serviceName() {
    return SERVICE_NAME;
  }

  @Override
  public void close() {}
}
