package com.agentbilly.api.actions;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.http.Json;
import com.agentbilly.http.JsonObjectBody;
import com.agentbilly.port.StripeActions.PauseCollection;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code PATCH /orgs/{org}/subscriptions/{id}}: only {@code quantity}, {@code price}, {@code
 * pause_collection}, {@code proration_behavior} and {@code item}; any other field is {@code 422
 * validation_failed}.
 *
 * @param item the {@code si_…} item {@code quantity} and {@code price} apply to; null to let the
 *     subscription's only item be chosen
 * @param pauseCollection null to leave it, {@link PauseCollection#RESUME} for JSON {@code null}
 */
public record SubscriptionChangeCommand(
    String item,
    Long quantity,
    String price,
    PauseCollection pauseCollection,
    String prorationBehavior) {

  static final Set<String> FIELDS =
      Set.of("quantity", "price", "pause_collection", "proration_behavior", "item");
  static final Set<String> PAUSE_BEHAVIORS = Set.of("keep_as_draft", "mark_uncollectible", "void");
  static final Set<String> PRORATION_BEHAVIORS =
      Set.of("create_prorations", "none", "always_invoice");
  static final long MAX_QUANTITY = 1_000_000L;

  private static final Pattern ITEM_ID = Pattern.compile("si_[A-Za-z0-9]{1,250}");

  /**
   * A Stripe price id. Stripe also takes a legacy plan's id as a price, and such ids may be
   * anything the account chose ("gold"); they are refused here so that a typo or an id of another
   * kind ({@code prod_…}, {@code cus_…}) never reaches Stripe as a price change.
   */
  private static final Pattern PRICE_ID = Pattern.compile("price_[A-Za-z0-9]{1,250}");

  /**
   * @throws ApiProblem {@code 400 invalid_request} for a malformed body or a field of the wrong
   *     type, {@code 422 validation_failed} for other fields and unacceptable values
   */
  public static SubscriptionChangeCommand parse(String body) {
    JsonObjectBody json = JsonObjectBody.parse(body, FIELDS);
    String item = json.string("item");
    Long quantity = json.integer("quantity");
    String price = json.string("price");
    String proration = json.string("proration_behavior");
    Map<String, String> problems = new LinkedHashMap<>();
    PauseCollection pause = pauseCollection(body, json, problems);
    if (quantity != null && (quantity < 1 || quantity > MAX_QUANTITY)) {
      problems.put("quantity", "must be between 1 and " + MAX_QUANTITY);
    }
    if (price != null && !PRICE_ID.matcher(price).matches()) {
      problems.put("price", "must be a Stripe price id (price_…)");
    }
    if (proration != null && !PRORATION_BEHAVIORS.contains(proration)) {
      problems.put("proration_behavior", "must be one of create_prorations, none, always_invoice");
    }
    if (item != null && !ITEM_ID.matcher(item).matches()) {
      problems.put("item", "must be a subscription item id (si_…)");
    } else if (item != null && quantity == null && price == null) {
      problems.put("item", "applies only with quantity or price");
    }
    if (quantity == null
        && price == null
        && pause == null
        && proration == null
        && problems.isEmpty()) {
      problems.put("quantity", "or price or pause_collection must be given: nothing to change");
    }
    if (!problems.isEmpty()) {
      throw ApiProblem.validationFailed(problems);
    }
    return new SubscriptionChangeCommand(item, quantity, price, pause, proration);
  }

  /** Whether the change applies to one of the subscription's items. */
  boolean changesItem() {
    return quantity != null || price != null;
  }

  String canonical() {
    return "item="
        + item
        + "&quantity="
        + quantity
        + "&price="
        + price
        + "&pause_collection="
        + (pauseCollection == null
            ? "unchanged"
            : pauseCollection.behavior() + "/" + pauseCollection.resumesAt())
        + "&proration_behavior="
        + prorationBehavior;
  }

  /** {@code null} resumes; an object {@code {"behavior", "resumes_at"?}} pauses. */
  private static PauseCollection pauseCollection(
      String body, JsonObjectBody json, Map<String, String> problems) {
    if (!json.has("pause_collection")) {
      return null;
    }
    JsonNode node;
    try {
      node = Json.read(body).get("pause_collection");
    } catch (JsonProcessingException e) {
      throw ApiProblem.invalidRequest("The request body is not valid JSON.");
    }
    if (node.isNull()) {
      return PauseCollection.RESUME;
    }
    if (!node.isObject()) {
      throw ApiProblem.invalidRequest(
          "The field 'pause_collection' must be an object {\"behavior\", \"resumes_at\"} or null.");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("behavior") && !name.equals("resumes_at")) {
        problems.put("pause_collection", "may only have behavior and resumes_at");
        return null;
      }
    }
    JsonNode behavior = node.get("behavior");
    JsonNode resumesAt = node.get("resumes_at");
    if (behavior == null || !behavior.isTextual()) {
      problems.put("pause_collection", "needs behavior: keep_as_draft, mark_uncollectible or void");
      return null;
    }
    if (!PAUSE_BEHAVIORS.contains(behavior.textValue())) {
      problems.put(
          "pause_collection", "behavior must be keep_as_draft, mark_uncollectible or void");
      return null;
    }
    if (resumesAt != null && !resumesAt.isNull()) {
      if (!resumesAt.isIntegralNumber()
          || !resumesAt.canConvertToLong()
          || resumesAt.longValue() < 1) {
        problems.put("pause_collection", "resumes_at must be a Unix timestamp in seconds");
        return null;
      }
      return new PauseCollection(behavior.textValue(), resumesAt.longValue());
    }
    return new PauseCollection(behavior.textValue(), null);
  }
}
