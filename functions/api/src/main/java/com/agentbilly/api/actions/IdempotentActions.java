package com.agentbilly.api.actions;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.audit.AuditOutcome;
import com.agentbilly.domain.limits.RefundLimits;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.Json;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.logging.SecretMask;
import com.agentbilly.port.IdempotencyStore;
import com.agentbilly.port.IdempotencyStore.Claim;
import com.agentbilly.port.IdempotencyStore.Claimed;
import com.agentbilly.port.IdempotencyStore.Completed;
import com.agentbilly.port.IdempotencyStore.DailyReservation;
import com.agentbilly.port.IdempotencyStore.InProgress;
import com.agentbilly.port.IdempotencyStore.Mismatch;
import com.agentbilly.port.IdempotencyStore.OverLimit;
import com.agentbilly.port.IdempotencyStore.RequestKey;
import com.agentbilly.port.StripeActions;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a manager action exactly once per {@code Idempotency-Key} (API.md "Manager actions"), with
 * the key the caller's role allows, and audits it so that a write Stripe accepted never goes
 * unrecorded.
 *
 * <ol>
 *   <li>The record of (org, user, key) is claimed in DynamoDB with the request's fingerprint before
 *       anything is sent to Stripe: a completed record is replayed, a held one is {@code 409
 *       request_in_progress}, another fingerprint is {@code 422 validation_failed}.
 *   <li>Just before the write, an intent entry ({@code refund.requested}, …) goes to the audit log;
 *       if it cannot be written, nothing is sent to Stripe.
 *   <li>The write carries a Stripe idempotency key derived from org, user and key, the same for
 *       every retry of the request.
 *   <li>The outcome is audited ({@code refund.created}, …), then recorded. When the outcome is
 *       unknown (Stripe unreachable, or our record failed) the attempt is abandoned, so the retry
 *       runs again at once as a recovery attempt, which for a refund first looks for the refund the
 *       earlier attempt may have created.
 * </ol>
 */
public final class IdempotentActions {

  /** How long an attempt holds its record: longer than the function may run (29 s). */
  static final Duration LEASE = Duration.ofSeconds(35);

  /** How long a record is kept (DynamoDB TTL); Stripe keeps its idempotency keys as long. */
  static final Duration RETENTION = Duration.ofHours(24);

  static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  /** The audit action of a refund refused by the org's refund limits. */
  static final String LIMIT_EXCEEDED_ACTION = "refund.limit_exceeded";

  static final int MAX_KEY_LENGTH = 255;

  private static final Pattern KEY_CHARACTERS = Pattern.compile("[\\x21-\\x7E]+");

  private static final Logger LOG = LoggerFactory.getLogger(IdempotentActions.class);

  private final IdempotencyStore records;
  private final ActionKeys keys;
  private final RequestAuditor audit;
  private final Clock clock;

  public IdempotentActions(
      IdempotencyStore records, ActionKeys keys, RequestAuditor audit, Clock clock) {
    this.records = Objects.requireNonNull(records, "records");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Runs {@code action} for {@code request}.
   *
   * @param canonicalRequest the validated request in a canonical form (same meaning, same text)
   * @param keyRequired whether the request must carry an {@code Idempotency-Key}
   */
  ApiResponse run(
      ApiRequest request, String canonicalRequest, boolean keyRequired, ManagerAction action) {
    String clientKey = idempotencyKey(request, keyRequired);
    OrgId org = request.requireOrg();
    SecretPurpose purpose = ActionKeys.purposeFor(request.role());
    String stripeKey = keys.load(org, purpose);
    ManagerAction.Limit limit;
    try {
      limit = action.limit(stripeKey);
    } catch (StripeActions.Failed failed) {
      throw problemFor(failed, purpose);
    }
    if (limit.exceeded() != null) {
      throw refuse(request, action, purpose, limit.exceeded(), Map.of());
    }
    if (clientKey == null) {
      String oneOff = "billy-" + UUID.randomUUID();
      return execute(request, action, new Attempt(stripeKey, purpose, oneOff, false), null, null);
    }
    RequestKey record = new RequestKey(org, request.caller().userId(), clientKey);
    String fingerprint =
        sha256Hex(request.route().method() + " " + requestPath(request) + "\n" + canonicalRequest);
    DailyReservation reservation = limit.reservation();
    Claim claim =
        records.claim(record, fingerprint, clock.instant(), LEASE, RETENTION, reservation);
    return switch (claim) {
      case OverLimit over ->
          throw refuse(
              request,
              action,
              purpose,
              new RefundLimits.Exceeded(
                  RefundLimits.Kind.PER_DAY,
                  reservation.currency(),
                  reservation.limit(),
                  reservation.amount()),
              Map.of("day", reservation.day().toString(), "day_total", over.total()));
      case Completed completed -> replay(request, action, purpose, record, fingerprint, completed);
      case InProgress inProgress ->
          throw new ApiProblem(
              ErrorCode.REQUEST_IN_PROGRESS,
              "A request with this Idempotency-Key is still being processed. Retry in a few"
                  + " seconds.");
      case Mismatch mismatch ->
          throw ApiProblem.validationFailed(
              Map.of(
                  IDEMPOTENCY_HEADER,
                  "was already used for a different request; use a new key for a new request"));
      case Claimed claimed ->
          execute(
              request,
              action,
              new Attempt(stripeKey, purpose, stripeIdempotencyKey(record), claimed.recovery()),
              record,
              fingerprint);
    };
  }

  /**
   * Audits a refusal by the org's refund limits ({@code refund.limit_exceeded}, outcome {@code
   * denied}) and makes its {@code 403 refund_limit_exceeded}. Nothing was sent to Stripe.
   */
  private ApiProblem refuse(
      ApiRequest request,
      ManagerAction action,
      SecretPurpose purpose,
      RefundLimits.Exceeded exceeded,
      Map<String, Object> dayDetails) {
    Map<String, Object> details = new LinkedHashMap<>(action.requestDetails());
    details.putAll(exceeded.details());
    details.putAll(dayDetails);
    audit.record(
        request,
        LIMIT_EXCEEDED_ACTION,
        action.target(),
        AuditOutcome.DENIED,
        purpose.wireName(),
        details);
    Map<String, Object> extra = new LinkedHashMap<>(exceeded.details());
    extra.putAll(dayDetails);
    return new ApiProblem(ErrorCode.REFUND_LIMIT_EXCEEDED, exceeded.message(), extra);
  }

  private record Attempt(
      String key, SecretPurpose purpose, String stripeIdempotencyKey, boolean recovery) {

    /** Never prints the Stripe key. */
    @Override
    public String toString() {
      return "Attempt["
          + purpose.wireName()
          + " key …, "
          + stripeIdempotencyKey
          + (recovery ? ", recovery" : "")
          + "]";
    }
  }

  private ApiResponse execute(
      ApiRequest request,
      ManagerAction action,
      Attempt attempt,
      RequestKey record,
      String fingerprint) {
    ManagerAction.Done done;
    try {
      done =
          action.perform(
              new ManagerAction.Attempt(
                  attempt.key(),
                  attempt.stripeIdempotencyKey(),
                  attempt.recovery(),
                  () -> writeIntent(request, action, attempt)));
    } catch (StripeActions.Failed failed) {
      ApiProblem problem = problemFor(failed, attempt.purpose());
      Map<String, Object> details = new LinkedHashMap<>(action.requestDetails());
      details.put("error", problem.code().wireName());
      boolean definite = isDefinite(failed.kind());
      // Stripe timed out or answered 5xx: the refund may have happened. Never "failed".
      AuditOutcome outcome =
          failed.kind() == StripeActions.FailureKind.UNAVAILABLE
              ? AuditOutcome.UNKNOWN
              : AuditOutcome.FAILED;
      // Stripe turned this attempt away and the retry asks again: the attempt is audited on its
      // own, so the request's one outcome entry is left for what the retry does.
      boolean audited =
          failed.kind() == StripeActions.FailureKind.RATE_LIMITED
              ? tryAudit(
                  request,
                  action.auditAction(),
                  action.target(),
                  outcome,
                  attempt.purpose().wireName(),
                  details)
              : tryAuditOutcome(
                  request, action, attempt, record, action.target(), outcome, details);
      if (record != null) {
        if (definite) {
          // Stripe refused: the refund did not happen, so it gives back what it reserved.
          completeQuietly(record, fingerprint, ApiResponse.error(problem), audited);
        } else {
          abandonQuietly(record, fingerprint);
        }
      }
      throw problem;
    } catch (RuntimeException e) {
      if (record != null) {
        abandonQuietly(record, fingerprint);
      }
      throw e;
    }
    Map<String, Object> details = new LinkedHashMap<>(action.requestDetails());
    details.putAll(done.details());
    boolean audited =
        tryAuditOutcome(
            request, action, attempt, record, done.target(), AuditOutcome.SUCCESS, details);
    ApiResponse response = new ApiResponse(done.status(), done.body());
    if (record != null) {
      try {
        records.complete(
            record, fingerprint, response.status(), Json.write(response.body()), audited);
      } catch (RuntimeException e) {
        // Stripe did it, but the answer is not recorded: the retry recovers it (see class doc).
        abandonQuietly(record, fingerprint);
        throw e;
      }
    }
    return response;
  }

  /**
   * Audits an attempt's outcome once per request: under the Stripe idempotency key when the request
   * has a record, so a retry that adopts what an earlier attempt did leaves no second outcome
   * entry. When the entry recorded before says {@code unknown} and this attempt knows, a {@code
   * *.reconciled} entry closes it with what Stripe says.
   */
  private boolean tryAuditOutcome(
      ApiRequest request,
      ManagerAction action,
      Attempt attempt,
      RequestKey record,
      String target,
      AuditOutcome outcome,
      Map<String, Object> details) {
    String purpose = attempt.purpose().wireName();
    if (record == null) {
      return tryAudit(request, action.auditAction(), target, outcome, purpose, details);
    }
    Map<String, Object> keyed = new LinkedHashMap<>(details);
    keyed.put("stripe_idempotency_key", attempt.stripeIdempotencyKey());
    try {
      Optional<AuditOutcome> before =
          audit.recordOnce(
              request,
              action.auditAction(),
              target,
              outcome,
              purpose,
              keyed,
              attempt.stripeIdempotencyKey() + ":" + action.auditAction());
      if (before.isPresent() && before.get() == AuditOutcome.UNKNOWN) {
        if (outcome != AuditOutcome.UNKNOWN) {
          audit.recordOnce(
              request,
              action.reconciledAction(),
              target,
              outcome,
              purpose,
              keyed,
              attempt.stripeIdempotencyKey() + ":" + action.reconciledAction());
        }
      }
      return true;
    } catch (RuntimeException e) {
      // The intent entry is in the log already; a replay of this request writes this one later.
      LOG.atError()
          .setCause(e)
          .addKeyValue("request_id", request.requestId())
          .addKeyValue("action", action.auditAction())
          .log("audit entry not written");
      return false;
    }
  }

  private void writeIntent(ApiRequest request, ManagerAction action, Attempt attempt) {
    Map<String, Object> details = new LinkedHashMap<>(action.requestDetails());
    details.put("stripe_idempotency_key", attempt.stripeIdempotencyKey());
    details.put("recovery", attempt.recovery());
    audit.record(
        request,
        action.intentAction(),
        action.target(),
        AuditOutcome.SUCCESS,
        attempt.purpose().wireName(),
        details);
  }

  /** The first response again; its audit entry is written now if it could not be then. */
  private ApiResponse replay(
      ApiRequest request,
      ManagerAction action,
      SecretPurpose purpose,
      RequestKey record,
      String fingerprint,
      Completed completed) {
    if (!completed.audited()) {
      Map<String, Object> details = new LinkedHashMap<>(action.requestDetails());
      details.put("replayed", true);
      details.put("status", completed.status());
      AuditOutcome outcome = completed.status() < 300 ? AuditOutcome.SUCCESS : AuditOutcome.FAILED;
      Attempt attempt = new Attempt(null, purpose, stripeIdempotencyKey(record), false);
      if (tryAuditOutcome(request, action, attempt, record, action.target(), outcome, details)) {
        records.markAudited(record, fingerprint);
      }
    }
    try {
      return new ApiResponse(completed.status(), Json.read(completed.body()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a recorded response is not JSON", e);
    }
  }

  private boolean tryAudit(
      ApiRequest request,
      String action,
      String target,
      AuditOutcome outcome,
      String purpose,
      Map<String, Object> details) {
    try {
      audit.record(request, action, target, outcome, purpose, details);
      return true;
    } catch (RuntimeException e) {
      // The intent entry is in the log already; a replay of this request writes this one later.
      LOG.atError()
          .setCause(e)
          .addKeyValue("request_id", request.requestId())
          .addKeyValue("action", action)
          .log("audit entry not written");
      return false;
    }
  }

  private void completeQuietly(
      RequestKey record, String fingerprint, ApiResponse response, boolean audited) {
    try {
      records.completeReleasing(
          record, fingerprint, response.status(), Json.write(response.body()), audited);
    } catch (RuntimeException e) {
      LOG.atWarn().setCause(e).log("could not record a refused action; a retry asks Stripe again");
    }
  }

  private void abandonQuietly(RequestKey record, String fingerprint) {
    try {
      records.abandon(record, fingerprint);
    } catch (RuntimeException e) {
      LOG.atWarn().setCause(e).log("could not abandon an attempt; its lease runs out instead");
    }
  }

  /** Stripe's definite refusals are recorded like a success; an unknown outcome is not. */
  private static boolean isDefinite(StripeActions.FailureKind kind) {
    return switch (kind) {
      case RESOURCE_MISSING, INVALID_REQUEST, PERMISSION_DENIED -> true;
      case RATE_LIMITED, UNAVAILABLE -> false;
    };
  }

  static ApiProblem problemFor(StripeActions.Failed failed, SecretPurpose purpose) {
    // The adapter leaves keys out of its messages already; a second filter costs nothing.
    String stripeSays = SecretMask.mask(failed.getMessage());
    return switch (failed.kind()) {
      case RESOURCE_MISSING -> new ApiProblem(ErrorCode.STRIPE_RESOURCE_MISSING, stripeSays);
      case INVALID_REQUEST -> new ApiProblem(ErrorCode.STRIPE_INVALID_REQUEST, stripeSays);
      case PERMISSION_DENIED ->
          new ApiProblem(
              ErrorCode.STRIPE_PERMISSION_DENIED,
              "Stripe refused the org's "
                  + purpose.wireName()
                  + " key for this action: "
                  + stripeSays);
      case RATE_LIMITED ->
          new ApiProblem(
              ErrorCode.RATE_LIMITED, "Stripe is rate limiting this account. Retry in a minute.");
      case UNAVAILABLE ->
          new ApiProblem(
              ErrorCode.STRIPE_UNAVAILABLE,
              "Stripe could not be reached. Retry with the same Idempotency-Key.");
    };
  }

  private static String idempotencyKey(ApiRequest request, boolean required) {
    String key = request.header(IDEMPOTENCY_HEADER).orElse(null);
    if (key == null || key.isEmpty()) {
      if (required) {
        throw ApiProblem.invalidRequest(
            "This action needs an Idempotency-Key header: a unique value per intended action"
                + " (for example a UUID), repeated unchanged when the request is retried.");
      }
      return null;
    }
    if (key.length() > MAX_KEY_LENGTH || !KEY_CHARACTERS.matcher(key).matches()) {
      throw ApiProblem.invalidRequest(
          "The Idempotency-Key header must be 1 to "
              + MAX_KEY_LENGTH
              + " visible ASCII characters.");
    }
    return key;
  }

  /**
   * The key sent to Stripe: namespaced by org, user and the client's key, hashed to a fixed length
   * (Stripe allows 255 characters; ours may be as long).
   */
  static String stripeIdempotencyKey(RequestKey record) {
    byte[] digest = sha256(record.org().value() + ":" + record.userId() + ":" + record.key());
    return "billy-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }

  /** The request's path as called, e.g. {@code /orgs/org_…/subscriptions/sub_…/cancel}. */
  private static String requestPath(ApiRequest request) {
    String path = request.route().path();
    for (Map.Entry<String, String> parameter : request.pathParameters().entrySet()) {
      path = path.replace("{" + parameter.getKey() + "}", parameter.getValue());
    }
    return path;
  }

  private static String sha256Hex(String value) {
    return HexFormat.of().formatHex(sha256(value));
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
