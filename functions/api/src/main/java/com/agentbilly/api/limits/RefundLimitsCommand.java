package com.agentbilly.api.limits;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.limits.RefundLimits;
import com.agentbilly.http.JsonObjectBody;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code PUT /orgs/{org}/refund-limits}: {@code {"per_refund": {"usd": 50000}, "per_day": {"usd":
 * 200000}}}, validated. The body replaces the org's limits: a field left out means no limit of that
 * kind.
 */
public final class RefundLimitsCommand {

  static final Set<String> FIELDS = Set.of("per_refund", "per_day");

  /** More currencies than Stripe settles in: a map this long is a mistake. */
  static final int MAX_CURRENCIES = 200;

  private RefundLimitsCommand() {}

  /**
   * Reads and validates the body.
   *
   * @throws ApiProblem {@code 400 invalid_request} for a body that is not a JSON object, a field
   *     named twice, or a value of the wrong type; {@code 422 validation_failed} (with {@code
   *     fields}) for unknown fields, currencies that are not lowercase ISO codes, and amounts
   *     outside 1 to {@link RefundLimits#MAX_LIMIT}
   */
  public static RefundLimits parse(String body) {
    JsonObjectBody json = JsonObjectBody.parse(body, FIELDS);
    Map<String, String> problems = new LinkedHashMap<>();
    Map<String, Long> perRefund = amounts(json, "per_refund", problems);
    Map<String, Long> perDay = amounts(json, "per_day", problems);
    if (!problems.isEmpty()) {
      throw ApiProblem.validationFailed(problems);
    }
    return new RefundLimits(perRefund, perDay);
  }

  private static Map<String, Long> amounts(
      JsonObjectBody json, String field, Map<String, String> problems) {
    JsonNode object = json.object(field);
    Map<String, Long> amounts = new LinkedHashMap<>();
    if (object == null) {
      return amounts;
    }
    if (object.size() > MAX_CURRENCIES) {
      problems.put(field, "may name at most " + MAX_CURRENCIES + " currencies");
      return amounts;
    }
    for (Map.Entry<String, JsonNode> entry : object.properties()) {
      String currency = entry.getKey();
      JsonNode value = entry.getValue();
      if (!value.isIntegralNumber() || !value.canConvertToLong()) {
        throw ApiProblem.invalidRequest(
            "The limits in '" + field + "' must be integers (minor units).");
      }
      if (!RefundLimits.isCurrency(currency)) {
        problems.put(field, "names currencies as three lowercase letters (ISO 4217), like usd");
      } else if (!RefundLimits.isLimit(value.longValue())) {
        problems.put(
            field + "." + currency,
            "must be between 1 and " + RefundLimits.MAX_LIMIT + " (minor units)");
      } else {
        amounts.put(currency, value.longValue());
      }
    }
    return amounts;
  }
}
