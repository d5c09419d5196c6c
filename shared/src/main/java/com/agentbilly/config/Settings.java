package com.agentbilly.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deployment's configuration, read from environment variables that {@code template.yaml} sets
 * on AWS and the Makefile sets locally. Nothing here is ever hard-coded.
 */
public final class Settings {

  private final Map<String, String> env;

  public Settings(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public static Settings fromEnvironment() {
    return new Settings(System.getenv());
  }

  public String stage() {
    return required("STAGE");
  }

  public String tableName() {
    return required("TABLE_NAME");
  }

  public String kmsKeyId() {
    return required("KMS_KEY_ID");
  }

  /** Prefix of every secret of this stack, e.g. {@code agent-billy/dev/}. */
  public String secretPrefix() {
    return required("SECRET_PREFIX");
  }

  public String fingerprintSecretId() {
    return required("FINGERPRINT_SECRET_ID");
  }

  public String cursorSecretId() {
    return required("CURSOR_SECRET_ID");
  }

  public String auditSecretId() {
    return required("AUDIT_SECRET_ID");
  }

  public String stripeApiBase() {
    return optional("STRIPE_API_BASE").orElse("https://api.stripe.com");
  }

  public Optional<String> webhookBaseUrl() {
    return optional("WEBHOOK_BASE_URL");
  }

  public Optional<String> syncFunctionName() {
    return optional("SYNC_FUNCTION_NAME");
  }

  /**
   * The sync's client-side limit of Stripe requests per second and key, below Stripe's own (25 in
   * test mode, 100 in live mode): {@code SYNC_RATE_LIMIT_TEST}, default 20, and {@code
   * SYNC_RATE_LIMIT_LIVE}, default 80.
   */
  public double syncRequestsPerSecond(boolean livemode) {
    String name = livemode ? "SYNC_RATE_LIMIT_LIVE" : "SYNC_RATE_LIMIT_TEST";
    double value = optional(name).map(Double::parseDouble).orElse(livemode ? 80d : 20d);
    if (!(value > 0)) {
      throw new IllegalStateException("Environment variable " + name + " must be positive.");
    }
    return value;
  }

  /** The window of {@link #userRequestQuota}. */
  public static final Duration USER_QUOTA_WINDOW = Duration.ofSeconds(10);

  /**
   * Requests one member may make per {@link #USER_QUOTA_WINDOW} across the API: {@code
   * USER_REQUEST_QUOTA}, default 100 (10 a second, a fifth of the stage's default rate of 50);
   * {@code 0} turns the quota off.
   */
  public long userRequestQuota() {
    long value = optional("USER_REQUEST_QUOTA").map(Long::parseLong).orElse(100L);
    if (value < 0) {
      throw new IllegalStateException(
          "Environment variable USER_REQUEST_QUOTA must not be negative.");
    }
    return value;
  }

  /** Origins allowed by CORS. */
  public List<String> allowedOrigins() {
    return optional("ALLOWED_ORIGINS")
        .map(value -> Arrays.stream(value.split(",")).map(String::trim))
        .map(origins -> origins.filter(o -> !o.isEmpty()).toList())
        .orElse(List.of());
  }

  private Optional<String> optional(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  private String required(String name) {
    return optional(name)
        .orElseThrow(
            () -> new IllegalStateException("Environment variable " + name + " is not set."));
  }
}
