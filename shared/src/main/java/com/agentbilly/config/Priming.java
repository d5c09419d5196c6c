package com.agentbilly.config;

import com.agentbilly.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.stripe.StripeClient;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a function's first request would pay for, done once before Lambda takes the SnapStart
 * snapshot, and nothing with a side effect: a consistent {@code GetItem} of a key no item has (the
 * SDK's marshallers, signer, endpoint rules and credentials), a JSON round trip of a document
 * shaped like an answer, a Stripe client built for a throwaway key, the KMS and Secrets Manager
 * clients built (not called), and a webhook signature checked against a throwaway secret
 * (stripe-java's HMAC and header parsing). Nothing is written, sent to Stripe, logged as a request
 * or counted as a metric.
 *
 * <p>Off with the system property or environment variable {@code agentbilly.priming} / {@code
 * PRIMING} = {@code false} (the cold start benchmark compares both).
 */
public final class Priming {

  private static final Logger LOG = LoggerFactory.getLogger(Priming.class);

  /** The key the priming read asks for: outside every org, so no item ever has it. */
  static final Map<String, AttributeValue> NO_ITEM =
      Map.of(
          "pk", AttributeValue.fromS("PRIMING"),
          "sk", AttributeValue.fromS("PRIMING"));

  private Priming() {}

  /** Whether priming is on: unless switched off by property or environment. */
  public static boolean enabled() {
    String value = System.getProperty("agentbilly.priming", System.getenv("PRIMING"));
    return !"false".equalsIgnoreCase(value);
  }

  /** Warms the paths every function's requests take; a failure is logged, never thrown. */
  public static void warm(DynamoDbClient dynamo, String table) {
    if (!enabled()) {
      return;
    }
    long started = System.nanoTime();
    try {
      dynamo.getItem(get -> get.tableName(table).key(NO_ITEM).consistentRead(true));
    } catch (RuntimeException e) {
      // Priming is an optimisation: a snapshot without it is only slower to its first request.
      LOG.atWarn().addKeyValue("error", e.getClass().getName()).log("priming read failed");
    }
    Map<String, Object> answer =
        Map.of(
            "data",
            List.of(Map.of("id", "cus_priming", "email", "priming@example.test", "created", 0)),
            "has_more",
            false,
            "as_of",
            Instant.EPOCH.toString());
    try {
      Json.read(Json.write(answer));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a document Json wrote does not read back", e);
    }
    StripeClient unused = StripeClient.builder().setApiKey("rk_test_priming").build();
    try {
      // Built on first use otherwise: the snapshot should hold them (building sends nothing).
      AwsClients.kms();
      AwsClients.secretsManager();
    } catch (RuntimeException e) {
      LOG.atWarn().addKeyValue("error", e.getClass().getName()).log("priming a client failed");
    }
    checkThrowawaySignature();
    LOG.atInfo()
        .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000)
        .addKeyValue("client", unused.getClass().getSimpleName())
        .log("primed");
  }

  private static void checkThrowawaySignature() {
    String secret = "whsec_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    String payload = "{\"id\":\"evt_priming\",\"object\":\"event\"}";
    long now = Instant.now().getEpochSecond();
    String header = "t=" + now + ",v1=" + "0".repeat(64);
    try {
      Webhook.Signature.verifyHeader(payload, header, secret, Webhook.DEFAULT_TOLERANCE);
    } catch (SignatureVerificationException expected) {
      // The wrong signature is the point: the whole check ran.
    }
  }
}
