package com.agentbilly.api.actions;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.http.JsonObjectBody;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /orgs/{org}/refunds}: {@code {"charge", "amount"?, "reason"?}}, validated.
 *
 * @param amount minor units of the charge's currency, or null for all that is left
 * @param reason one of Stripe's refund reasons, or null
 */
public record RefundCommand(String charge, Long amount, String reason) {

  static final Set<String> FIELDS = Set.of("charge", "amount", "reason");
  static final Set<String> REASONS = Set.of("duplicate", "fraudulent", "requested_by_customer");

  /** Stripe's largest amount (eight digits of minor units). */
  static final long MAX_AMOUNT = 99_999_999L;

  /** A charge ({@code ch_…}) or a payment ({@code py_…}) id, as Stripe makes them. */
  private static final Pattern CHARGE_ID = Pattern.compile("(ch|py)_[A-Za-z0-9]{1,250}");

  /**
   * Reads and validates the body.
   *
   * @throws ApiProblem {@code 400 invalid_request} for a body that is not a JSON object or a field
   *     of the wrong type, {@code 422 validation_failed} (with {@code fields}) for unknown fields
   *     and unacceptable values
   */
  public static RefundCommand parse(String body) {
    JsonObjectBody json = JsonObjectBody.parse(body, FIELDS);
    String charge = json.string("charge");
    Long amount = json.integer("amount");
    String reason = json.string("reason");
    Map<String, String> problems = new LinkedHashMap<>();
    if (charge == null) {
      problems.put("charge", "is required");
    } else if (!CHARGE_ID.matcher(charge).matches()) {
      problems.put("charge", "must be a Stripe charge id (ch_…)");
    }
    if (amount != null && (amount < 1 || amount > MAX_AMOUNT)) {
      problems.put("amount", "must be between 1 and " + MAX_AMOUNT + " (minor units)");
    }
    if (reason != null && !REASONS.contains(reason)) {
      problems.put("reason", "must be one of duplicate, fraudulent, requested_by_customer");
    }
    if (!problems.isEmpty()) {
      throw ApiProblem.validationFailed(problems);
    }
    return new RefundCommand(charge, amount, reason);
  }

  /** The same text for the same request, whatever the JSON's order and spacing. */
  String canonical() {
    return "charge=" + charge + "&amount=" + amount + "&reason=" + reason;
  }
}
