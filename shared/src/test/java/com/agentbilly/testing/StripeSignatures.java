package com.agentbilly.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds {@code Stripe-Signature} headers the way Stripe signs webhooks — {@code t=<unix
 * seconds>,v1=<hex HMAC-SHA256 of "t.payload" keyed with the endpoint secret>} — with every part
 * overridable, so each test can break exactly one.
 *
 * <pre>{@code
 * String header = StripeSignatures.of(payload).secret(SECRET).at(now).header();
 * String rotated = StripeSignatures.of(payload).secret(SECRET).at(now)
 *     .signedAlsoWith("whsec_old").header();      // t=…,v1=<old>,v1=<current>
 * String forged = StripeSignatures.of(payload).secret(SECRET).at(now).signature("00").header();
 * }</pre>
 */
public final class StripeSignatures {

  private final String payload;
  private String secret = "whsec_test_secret";
  private long timestamp = 0;
  private String timestampText;
  private String scheme = "v1";
  private String signature;
  private final List<String> earlierSecrets = new ArrayList<>();

  private StripeSignatures(String payload) {
    this.payload = Objects.requireNonNull(payload, "payload");
  }

  /** A header for {@code payload}: the exact body text (its UTF-8 bytes are what is signed). */
  public static StripeSignatures of(String payload) {
    return new StripeSignatures(payload);
  }

  /** The endpoint secret the signature is keyed with. */
  public StripeSignatures secret(String secret) {
    this.secret = secret;
    return this;
  }

  /** The signing time ({@code t}). */
  public StripeSignatures at(Instant time) {
    this.timestamp = time.getEpochSecond();
    return this;
  }

  /** The {@code t} value exactly as written, even if it is not a number. */
  public StripeSignatures timestampText(String text) {
    this.timestampText = text;
    return this;
  }

  /** The scheme of the signature element ({@code v1} by default). */
  public StripeSignatures scheme(String scheme) {
    this.scheme = scheme;
    return this;
  }

  /** Sends this signature value instead of the computed one. */
  public StripeSignatures signature(String signature) {
    this.signature = signature;
    return this;
  }

  /**
   * Adds a signature with another secret before the real one, as Stripe does while an endpoint
   * secret is being rolled.
   */
  public StripeSignatures signedAlsoWith(String otherSecret) {
    earlierSecrets.add(otherSecret);
    return this;
  }

  /** The {@code Stripe-Signature} header value. */
  public String header() {
    String t = timestampText != null ? timestampText : Long.toString(timestamp);
    StringBuilder header = new StringBuilder("t=").append(t);
    for (String other : earlierSecrets) {
      header.append(',').append(scheme).append('=').append(hmac(other, t + "." + payload));
    }
    String value = signature != null ? signature : hmac(secret, t + "." + payload);
    header.append(',').append(scheme).append('=').append(value);
    return header.toString();
  }

  /** Hex HMAC-SHA256 of {@code message} (UTF-8) keyed with {@code secret} (UTF-8). */
  public static String hmac(String secret, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
