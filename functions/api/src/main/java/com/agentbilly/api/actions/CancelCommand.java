package com.agentbilly.api.actions;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.http.JsonObjectBody;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /orgs/{org}/subscriptions/{id}/cancel}: {@code {"at_period_end": bool}}, required.
 */
public record CancelCommand(boolean atPeriodEnd) {

  /**
   * @throws ApiProblem {@code 400 invalid_request} for a malformed body or a non-boolean, {@code
   *     422 validation_failed} when {@code at_period_end} is missing or another field is given
   */
  public static CancelCommand parse(String body) {
    Boolean atPeriodEnd = JsonObjectBody.parse(body, Set.of("at_period_end")).bool("at_period_end");
    if (atPeriodEnd == null) {
      throw ApiProblem.validationFailed(
          Map.of("at_period_end", "is required: true to cancel at the end of the period"));
    }
    return new CancelCommand(atPeriodEnd);
  }

  String canonical() {
    return "at_period_end=" + atPeriodEnd;
  }
}
