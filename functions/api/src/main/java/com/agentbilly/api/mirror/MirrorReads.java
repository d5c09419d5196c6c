package com.agentbilly.api.mirror;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ListPage;
import com.agentbilly.domain.mirror.ListQuery;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.Json;
import com.agentbilly.port.MirrorStore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads of an org's Stripe mirror (API.md "Mirror reads"): turns query parameters into a {@link
 * ListQuery}, refusing what the contract does not know, and shapes mirrored objects for the wire —
 * Stripe's own fields as last seen, plus {@code synced_at}, plus {@code deleted: true} for a
 * tombstone. Every read is one {@link MirrorStore} call per object set it returns.
 */
public final class MirrorReads {

  /** The prices carried by each product, newest first (one query per product). */
  public static final int PRICES_PER_PRODUCT = ListQuery.MAX_LIMIT;

  /** The customer view's newest invoices and newest charges. */
  public static final int CUSTOMER_VIEW_RECENT = 10;

  /** The customer view's subscriptions (one query; a customer rarely has more). */
  public static final int CUSTOMER_VIEW_SUBSCRIPTIONS = ListQuery.MAX_LIMIT;

  /** The read API's types, in the contract's order ({@code prices} are read through products). */
  public static final List<ObjectType> LISTED_TYPES =
      List.of(
          ObjectType.CUSTOMER,
          ObjectType.SUBSCRIPTION,
          ObjectType.INVOICE,
          ObjectType.CHARGE,
          ObjectType.REFUND,
          ObjectType.PRODUCT);

  /** The types a live read ({@code ?fresh=true}) will serve: what the viewer key may read. */
  private static final Set<ObjectType> FRESH_TYPES =
      Set.of(
          ObjectType.CUSTOMER,
          ObjectType.SUBSCRIPTION,
          ObjectType.INVOICE,
          ObjectType.CHARGE,
          ObjectType.PRODUCT);

  /** Stripe's status values per type, as its list endpoints accept them. */
  private static final Map<ObjectType, List<String>> STATUSES = statuses();

  static final int MAX_ID_LENGTH = 255;
  private static final int MAX_EMAIL_LENGTH = 512;
  private static final List<String> BOOLEANS = List.of("true", "false");

  private final MirrorStore store;
  private final LiveReads live;

  public MirrorReads(MirrorStore store, LiveReads live) {
    this.store = Objects.requireNonNull(store, "store");
    this.live = Objects.requireNonNull(live, "live");
  }

  private static Map<ObjectType, List<String>> statuses() {
    Map<ObjectType, List<String>> statuses = new EnumMap<>(ObjectType.class);
    statuses.put(
        ObjectType.SUBSCRIPTION,
        List.of(
            "incomplete",
            "incomplete_expired",
            "trialing",
            "active",
            "past_due",
            "canceled",
            "unpaid",
            "paused"));
    statuses.put(ObjectType.INVOICE, List.of("draft", "open", "paid", "uncollectible", "void"));
    statuses.put(ObjectType.CHARGE, List.of("succeeded", "pending", "failed"));
    return statuses;
  }

  /** The query parameters a list of {@code type} accepts: its filters and the paging ones. */
  public static Set<String> listParameters(ObjectType type) {
    Set<String> names = new HashSet<>(type.filters());
    names.addAll(Set.of("include_deleted", "limit", "cursor"));
    return Set.copyOf(names);
  }

  /** The query parameters a single-object read of {@code type} accepts. */
  public static Set<String> getParameters(ObjectType type) {
    return FRESH_TYPES.contains(type) ? Set.of("fresh") : Set.of();
  }

  /**
   * The list query that {@code parameters} ask for, with {@code limit} defaulting to {@value
   * ListQuery#DEFAULT_LIMIT}.
   *
   * @param parameters only names of {@link #listParameters(ObjectType)}
   * @throws ApiProblem {@code invalid_request} for a value outside the contract (a {@code limit}
   *     that is not an integer from 1 to 100, an unknown {@code status}, a {@code true}/{@code
   *     false} parameter with another value, an empty or overlong filter), {@code invalid_cursor}
   *     for an empty cursor
   */
  public static ListQuery listQuery(ObjectType type, Map<String, String> parameters) {
    Map<String, String> filters = new LinkedHashMap<>();
    for (String filter : type.filters()) {
      String value = parameters.get(filter);
      if (value != null) {
        filters.put(filter, filterValue(type, filter, value));
      }
    }
    boolean includeDeleted =
        "true".equals(oneOf("include_deleted", parameters.get("include_deleted"), BOOLEANS));
    String cursor = parameters.get("cursor");
    if (cursor != null && cursor.isBlank()) {
      throw new ApiProblem(
          ErrorCode.INVALID_CURSOR, "The cursor is empty; leave it out for the first page.");
    }
    return new ListQuery(type, filters, includeDeleted, limit(parameters.get("limit")), cursor);
  }

  /**
   * Whether a single-object read asks for a live read from Stripe ({@code fresh=true}).
   *
   * @throws ApiProblem {@code invalid_request} for {@code fresh} other than {@code true}/{@code
   *     false}
   */
  public static boolean wantsFresh(Map<String, String> parameters) {
    return "true".equals(oneOf("fresh", parameters.get("fresh"), BOOLEANS));
  }

  /** One page of a list, each product with its prices. */
  public ListView list(OrgId org, ListQuery query) {
    ListPage page = store.list(org, query);
    List<ObjectNode> data = new ArrayList<>(page.items().size());
    for (MirrorItem item : page.items()) {
      data.add(withRelated(org, item));
    }
    return new ListView(data, page.hasMore(), page.nextCursor());
  }

  /**
   * One mirrored object of {@code type} (a tombstone too), a product with its prices.
   *
   * @throws ApiProblem {@code not_found} if no object of that type with that id was ever mirrored
   */
  public ObjectNode get(OrgId org, ObjectType type, String id) {
    return withRelated(org, find(org, type, id));
  }

  /**
   * The object read live from Stripe with the viewer key, written to the mirror, then served from
   * it (see {@link LiveReads}).
   */
  public ObjectNode getFresh(OrgId org, ObjectType type, String id) {
    live.refresh(org, type, id);
    return get(org, type, id);
  }

  /**
   * The customer with its subscriptions (up to {@value #CUSTOMER_VIEW_SUBSCRIPTIONS}), its {@value
   * #CUSTOMER_VIEW_RECENT} newest invoices and its {@value #CUSTOMER_VIEW_RECENT} newest charges,
   * tombstones left out. These fields replace any of the same name in the Stripe object (older API
   * versions embed a {@code subscriptions} list in the customer).
   *
   * @throws ApiProblem {@code not_found} if no such customer was ever mirrored
   */
  public ObjectNode customerView(OrgId org, String customerId) {
    ObjectNode customer = shape(find(org, ObjectType.CUSTOMER, customerId));
    customer.set(
        "subscriptions",
        related(org, ObjectType.SUBSCRIPTION, "customer", customerId, CUSTOMER_VIEW_SUBSCRIPTIONS));
    customer.set(
        "invoices", related(org, ObjectType.INVOICE, "customer", customerId, CUSTOMER_VIEW_RECENT));
    customer.set(
        "charges", related(org, ObjectType.CHARGE, "customer", customerId, CUSTOMER_VIEW_RECENT));
    return customer;
  }

  private MirrorItem find(OrgId org, ObjectType type, String id) {
    if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH) {
      throw ApiProblem.notFound();
    }
    return store
        .get(org, type, id)
        .filter(item -> item.type() == type)
        .orElseThrow(ApiProblem::notFound);
  }

  private ObjectNode withRelated(OrgId org, MirrorItem item) {
    ObjectNode node = shape(item);
    if (item.type() == ObjectType.PRODUCT) {
      node.set("prices", related(org, ObjectType.PRICE, "product", item.id(), PRICES_PER_PRODUCT));
    }
    return node;
  }

  private ArrayNode related(OrgId org, ObjectType type, String filter, String id, int limit) {
    ListPage page = store.list(org, new ListQuery(type, Map.of(filter, id), false, limit, null));
    ArrayNode array = Json.MAPPER.createArrayNode();
    page.items().forEach(item -> array.add(shape(item)));
    return array;
  }

  /** Stripe's object as last seen, plus {@code synced_at} and, for a tombstone, {@code deleted}. */
  static ObjectNode shape(MirrorItem item) {
    JsonNode parsed;
    try {
      parsed = Json.read(item.json());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "Mirrored " + item.type().objectName() + " " + item.id() + " is not JSON", e);
    }
    if (!(parsed instanceof ObjectNode object)) {
      throw new IllegalStateException(
          "Mirrored " + item.type().objectName() + " " + item.id() + " is not a JSON object");
    }
    object.put("synced_at", item.syncedAt() == null ? null : item.syncedAt().toString());
    if (item.deleted()) {
      object.put("deleted", true);
    }
    return object;
  }

  private static String filterValue(ObjectType type, String filter, String value) {
    return switch (filter) {
      case "status" -> oneOf(filter, value, STATUSES.get(type));
      case "active" -> oneOf(filter, value, BOOLEANS);
      case "email" -> bounded(filter, value, MAX_EMAIL_LENGTH);
      default -> bounded(filter, value, MAX_ID_LENGTH);
    };
  }

  /** {@code value} if it is one of {@code allowed}; null stays null (parameter not given). */
  private static String oneOf(String name, String value, List<String> allowed) {
    if (value == null || allowed.contains(value)) {
      return value;
    }
    throw ApiProblem.invalidRequest(
        "'" + name + "' must be one of: " + String.join(", ", allowed) + ".");
  }

  private static String bounded(String name, String value, int maxLength) {
    if (value.isBlank() || value.length() > maxLength) {
      throw ApiProblem.invalidRequest(
          "'" + name + "' must be a non-empty value of at most " + maxLength + " characters.");
    }
    return value;
  }

  private static int limit(String value) {
    if (value == null) {
      return ListQuery.DEFAULT_LIMIT;
    }
    if (value.matches("[0-9]{1,3}")) {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= ListQuery.MAX_LIMIT) {
        return limit;
      }
    }
    throw ApiProblem.invalidRequest(
        "'limit' must be an integer from 1 to " + ListQuery.MAX_LIMIT + ".");
  }

  /**
   * A page of a list on the wire: {@code {"data", "has_more", "next_cursor"}}.
   *
   * @param nextCursor null on the last page
   */
  public record ListView(List<ObjectNode> data, boolean hasMore, String nextCursor) {

    public ListView {
      data = List.copyOf(data);
    }
  }
}
