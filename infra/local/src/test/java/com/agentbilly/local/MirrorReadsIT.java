package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.config.AwsClients;
import com.agentbilly.config.Settings;
import com.agentbilly.config.StackSecrets;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.mirror.WriteOutcome;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The mirror read API end to end: objects written with the real {@link DynamoDbMirrorStore}, read
 * through the gateway with Cognito tokens. Two orgs: A (owner@demo.test) and B (manager@demo.test
 * as owner), so each owner is a non-member of the other org.
 */
@WithLocalStack
class MirrorReadsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LISTS =
      List.of("customers", "subscriptions", "invoices", "charges", "refunds", "products");
  private static final List<String> SUBSCRIPTION_STATUSES =
      List.of("active", "past_due", "trialing", "canceled");
  private static final List<String> INVOICE_STATUSES = List.of("paid", "open", "void", "draft");
  private static final List<String> CHARGE_STATUSES = List.of("succeeded", "failed", "pending");
  private static final long BASE_CREATED = 1_700_000_000L;

  /** Per org and list, every object written (tombstones included), as Stripe JSON. */
  private static Fixture orgA;

  private static Fixture orgB;

  private final LocalStack stack;

  MirrorReadsIT(LocalStack stack) {
    this.stack = stack;
    synchronized (MirrorReadsIT.class) {
      if (orgA == null) {
        DynamoDbMirrorStore store = store();
        orgA = Fixture.create(stack, LocalStack.OWNER, "a", store);
        orgB = Fixture.create(stack, LocalStack.MANAGER, "b", store);
      }
    }
  }

  private static DynamoDbMirrorStore store() {
    Settings settings = Settings.fromEnvironment();
    StackSecrets secrets = new StackSecrets(AwsClients::secretsManager, settings);
    return new DynamoDbMirrorStore(
        AwsClients.dynamoDb(), settings.tableName(), secrets::cursorKey, Clock.systemUTC());
  }

  // ------------------------------------------------------------------ paging

  @Test
  void walkingEveryListAtEveryPageSizeReturnsEachObjectOnceNewestFirst() {
    for (String list : LISTS) {
      List<String> expected = orgA.expectedIds(list, object -> true, false);
      assertThat(expected).as(list).hasSizeGreaterThan(10);
      for (int limit : new int[] {1, 3, 10, 25, 100}) {
        Walk walk = walk(LocalStack.OWNER, orgA.org, list, Map.of(), limit);
        assertThat(walk.ids()).as(list + " at limit " + limit).isEqualTo(expected);
        assertThat(walk.pageSizes())
            .as(list + " page sizes at limit " + limit)
            .isEqualTo(pageSizes(expected.size(), limit));
      }
    }
  }

  @Test
  void itemsAreStripesObjectsAsWrittenPlusSyncedAt() {
    for (String list : LISTS) {
      JsonNode page = ok(LocalStack.OWNER, "/orgs/" + orgA.org + "/" + list + "?limit=100");
      assertThat(page.get("has_more").asBoolean()).isFalse();
      assertThat(page.get("next_cursor").isNull()).isTrue();
      for (JsonNode item : page.get("data")) {
        ObjectNode shown = item.deepCopy();
        assertThat(Instant.parse(shown.remove("synced_at").asText()))
            .isAfter(orgA.startedAt.minusSeconds(1));
        shown.remove("prices");
        assertThat(shown).isEqualTo(orgA.objects.get(list).get(item.get("id").asText()));
      }
    }
  }

  // ----------------------------------------------------------------- filters

  @Test
  void everyFilterReturnsExactlyTheMatchingObjectsNewestFirst() {
    String email = orgA.objects.get("customers").values().iterator().next().get("email").asText();
    assertFilter("customers", Map.of("email", email), o -> o.path("email").asText().equals(email));
    assertFilter("customers", Map.of("email", "nobody@example.test"), o -> false);
    for (String status : SUBSCRIPTION_STATUSES) {
      assertFilter("subscriptions", Map.of("status", status), hasText("status", status));
    }
    for (String status : INVOICE_STATUSES) {
      assertFilter("invoices", Map.of("status", status), hasText("status", status));
    }
    for (String status : CHARGE_STATUSES) {
      assertFilter("charges", Map.of("status", status), hasText("status", status));
    }
    for (String list : List.of("subscriptions", "invoices", "charges")) {
      for (String customer : orgA.customerIds.subList(0, 3)) {
        assertFilter(list, Map.of("customer", customer), hasText("customer", customer));
      }
    }
    String customer = orgA.customerIds.get(0);
    assertFilter(
        "subscriptions",
        Map.of("status", "active", "customer", customer),
        hasText("status", "active").and(hasText("customer", customer)));
    assertFilter(
        "invoices",
        Map.of("status", "paid", "customer", customer),
        hasText("status", "paid").and(hasText("customer", customer)));
    for (String charge : orgA.chargeIds.subList(0, 3)) {
      assertFilter("refunds", Map.of("charge", charge), hasText("charge", charge));
    }
    assertFilter("products", Map.of("active", "true"), o -> o.path("active").asBoolean());
    assertFilter("products", Map.of("active", "false"), o -> !o.path("active").asBoolean());
  }

  @Test
  void filteredListsPageToo() {
    List<String> expected = orgA.expectedIds("charges", hasText("status", "succeeded"), false);
    assertThat(expected).hasSizeGreaterThan(3);
    Walk walk = walk(LocalStack.OWNER, orgA.org, "charges", Map.of("status", "succeeded"), 2);
    assertThat(walk.ids()).isEqualTo(expected);
  }

  @Test
  void includeDeletedAddsTheTombstonesMarkedDeleted() {
    for (String list : LISTS) {
      List<String> withTombstones = orgA.expectedIds(list, object -> true, true);
      assertThat(withTombstones)
          .hasSizeGreaterThan(orgA.expectedIds(list, o -> true, false).size());
      Walk walk = walk(LocalStack.OWNER, orgA.org, list, Map.of("include_deleted", "true"), 7);
      assertThat(walk.ids()).as(list).isEqualTo(withTombstones);
      for (JsonNode item : walk.items()) {
        boolean tombstone = orgA.tombstones.contains(item.get("id").asText());
        assertThat(item.path("deleted").asBoolean(false)).as(item.toString()).isEqualTo(tombstone);
      }
    }
  }

  @Test
  void aTombstoneIsServedAlone() {
    String id = orgA.tombstoneOf("subscriptions");
    JsonNode shown = ok(LocalStack.OWNER, "/orgs/" + orgA.org + "/subscriptions/" + id);
    assertThat(shown.get("deleted").asBoolean()).isTrue();
    assertThat(shown.get("id").asText()).isEqualTo(id);
  }

  // ------------------------------------------------------ objects and views

  @Test
  void oneObjectOfEachTypeAndNotFoundForUnknownOrForeignTypeIds() {
    for (String list : List.of("subscriptions", "invoices", "charges", "refunds")) {
      String id = orgA.expectedIds(list, o -> true, false).get(0);
      JsonNode shown = ok(LocalStack.OWNER, "/orgs/" + orgA.org + "/" + list + "/" + id);
      ObjectNode copy = shown.deepCopy();
      copy.remove("synced_at");
      assertThat(copy).isEqualTo(orgA.objects.get(list).get(id));
      assertNotFound(LocalStack.OWNER, "/orgs/" + orgA.org + "/" + list + "/x_never_mirrored");
    }
    String customer = orgA.customerIds.get(0);
    assertNotFound(LocalStack.OWNER, "/orgs/" + orgA.org + "/charges/" + customer);
  }

  @Test
  void theCustomerViewCarriesSubscriptionsAndTheTenNewestInvoicesAndCharges() {
    String customer = orgA.customerIds.get(0);
    JsonNode view = ok(LocalStack.OWNER, "/orgs/" + orgA.org + "/customers/" + customer);

    assertThat(view.get("id").asText()).isEqualTo(customer);
    Predicate<JsonNode> ofCustomer = hasText("customer", customer);
    assertThat(ids(view.get("subscriptions")))
        .isEqualTo(orgA.expectedIds("subscriptions", ofCustomer, false));
    assertThat(ids(view.get("invoices")))
        .isEqualTo(first(orgA.expectedIds("invoices", ofCustomer, false), 10));
    assertThat(ids(view.get("charges")))
        .isEqualTo(first(orgA.expectedIds("charges", ofCustomer, false), 10));
    assertThat(view.get("invoices")).hasSize(10);
  }

  @Test
  void productsCarryTheirPrices() {
    JsonNode page = ok(LocalStack.OWNER, "/orgs/" + orgA.org + "/products?limit=100");
    for (JsonNode product : page.get("data")) {
      String id = product.get("id").asText();
      assertThat(ids(product.get("prices"))).as(id).isEqualTo(orgA.pricesOf.get(id));
    }
    String id = page.get("data").get(0).get("id").asText();
    JsonNode one = ok(LocalStack.OWNER, "/orgs/" + orgA.org + "/products/" + id);
    assertThat(ids(one.get("prices"))).isEqualTo(orgA.pricesOf.get(id));
  }

  // ----------------------------------------------------------------- cursors

  @Test
  void cursorsNotIssuedForThisOrgListAndFiltersAreInvalidCursor() {
    String a = "/orgs/" + orgA.org;
    String customers = ok(LocalStack.OWNER, a + "/customers?limit=2").get("next_cursor").asText();
    String paid =
        ok(LocalStack.OWNER, a + "/invoices?limit=1&status=paid").get("next_cursor").asText();
    String foreign =
        ok(LocalStack.MANAGER, "/orgs/" + orgB.org + "/customers?limit=2")
            .get("next_cursor")
            .asText();
    int middle = customers.length() / 2;
    String tampered =
        customers.substring(0, middle)
            + (customers.charAt(middle) == 'A' ? 'B' : 'A')
            + customers.substring(middle + 1);

    assertThat(ok(LocalStack.OWNER, a + "/customers?limit=2&cursor=" + customers).get("data"))
        .hasSize(2);
    assertInvalidCursor(a + "/customers?cursor=" + tampered);
    assertInvalidCursor(a + "/customers?cursor=" + customers + "x");
    assertInvalidCursor(a + "/customers?cursor=" + foreign);
    assertInvalidCursor(a + "/invoices?cursor=" + customers);
    assertInvalidCursor(a + "/invoices?cursor=" + paid);
    assertInvalidCursor(a + "/invoices?status=open&cursor=" + paid);
    assertInvalidCursor(a + "/invoices?status=paid&include_deleted=true&cursor=" + paid);
    assertInvalidCursor(a + "/customers?include_deleted=true&cursor=" + customers);
  }

  // -------------------------------------------------------------- bad input

  @Test
  void badLimitsUnknownValuesAndUnknownParametersAreInvalidRequest() {
    String a = "/orgs/" + orgA.org;
    for (String list : LISTS) {
      for (String limit : List.of("0", "101", "-1", "abc")) {
        assertInvalidRequest(a + "/" + list + "?limit=" + limit);
      }
      assertInvalidRequest(a + "/" + list + "?include_deleted=yes");
      assertInvalidRequest(a + "/" + list + "?bogus=1");
    }
    assertInvalidRequest(a + "/subscriptions?status=bogus");
    assertInvalidRequest(a + "/invoices?status=active");
    assertInvalidRequest(a + "/charges?status=paid");
    assertInvalidRequest(a + "/products?active=maybe");
    assertInvalidRequest(a + "/customers?status=active");
    assertInvalidRequest(a + "/customers/" + orgA.customerIds.get(0) + "?fresh=yes");
    assertInvalidRequest(a + "/refunds/" + orgA.firstId("refunds") + "?fresh=false");
  }

  // ------------------------------------------------------------------ access

  @Test
  void aMemberOfAnotherOrgGetsNotFoundOnEveryReadRoute() {
    for (String list : LISTS) {
      List<String> ids = List.of(orgA.firstId(list), orgB.firstId(list));
      assertNotFound(LocalStack.MANAGER, "/orgs/" + orgA.org + "/" + list);
      assertNotFound(LocalStack.OWNER, "/orgs/" + orgB.org + "/" + list);
      assertNotFound(LocalStack.OUTSIDER, "/orgs/" + orgA.org + "/" + list);
      for (String id : ids) {
        assertNotFound(LocalStack.MANAGER, "/orgs/" + orgA.org + "/" + list + "/" + id);
        assertNotFound(LocalStack.OWNER, "/orgs/" + orgB.org + "/" + list + "/" + id);
        assertNotFound(LocalStack.OUTSIDER, "/orgs/" + orgA.org + "/" + list + "/" + id);
      }
    }
    assertThat(ok(LocalStack.OWNER, "/orgs/" + orgA.org + "/customers").get("data")).isNotEmpty();
  }

  // ----------------------------------------------------------------- helpers

  private void assertFilter(String list, Map<String, String> filters, Predicate<JsonNode> match) {
    List<String> expected = orgA.expectedIds(list, match, false);
    Walk walk = walk(LocalStack.OWNER, orgA.org, list, filters, 100);
    assertThat(walk.ids()).as(list + " " + filters).isEqualTo(expected);
  }

  private Walk walk(String user, String org, String list, Map<String, String> filters, int limit) {
    List<JsonNode> items = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String cursor = null;
    do {
      StringBuilder path = new StringBuilder("/orgs/" + org + "/" + list + "?limit=" + limit);
      filters.forEach(
          (name, value) -> path.append('&').append(name).append('=').append(enc(value)));
      if (cursor != null) {
        path.append("&cursor=").append(enc(cursor));
      }
      JsonNode page = ok(user, path.toString());
      page.get("data").forEach(items::add);
      sizes.add(page.get("data").size());
      assertThat(page.get("has_more").asBoolean()).isEqualTo(!page.get("next_cursor").isNull());
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
      assertThat(sizes.size()).as("pages of " + path).isLessThan(200);
    } while (cursor != null);
    return new Walk(items, sizes);
  }

  private record Walk(List<JsonNode> items, List<Integer> pageSizes) {
    List<String> ids() {
      return items.stream().map(item -> item.get("id").asText()).toList();
    }
  }

  /** Full pages of {@code limit} then the rest; one empty page for an empty list. */
  private static List<Integer> pageSizes(int total, int limit) {
    List<Integer> sizes = new ArrayList<>();
    int left = total;
    do {
      sizes.add(Math.min(limit, left));
      left -= Math.min(limit, left);
    } while (left > 0);
    return sizes;
  }

  private JsonNode ok(String user, String path) {
    ApiResponse response = stack.api().as(user).get(path);
    assertThat(response.status()).as(path + " " + response.body()).isEqualTo(200);
    return response.json();
  }

  private void assertNotFound(String user, String path) {
    ApiResponse response = stack.api().as(user).get(path);
    assertThat(response.status()).as(user + " " + path + " " + response.body()).isEqualTo(404);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("not_found");
  }

  private void assertInvalidCursor(String path) {
    ApiResponse response = stack.api().as(LocalStack.OWNER).get(path);
    assertThat(response.status()).as(path + " " + response.body()).isEqualTo(400);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("invalid_cursor");
  }

  private void assertInvalidRequest(String path) {
    ApiResponse response = stack.api().as(LocalStack.OWNER).get(path);
    assertThat(response.status()).as(path + " " + response.body()).isEqualTo(400);
    assertThat(response.json().at("/error/code").asText()).isEqualTo("invalid_request");
  }

  private static Predicate<JsonNode> hasText(String field, String value) {
    return object -> value.equals(object.path(field).asText(null));
  }

  private static List<String> ids(JsonNode array) {
    List<String> ids = new ArrayList<>();
    array.forEach(item -> ids.add(item.get("id").asText()));
    return ids;
  }

  private static List<String> first(List<String> ids, int count) {
    return ids.subList(0, Math.min(count, ids.size()));
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** One org's mirrored objects: written through the store, remembered for the assertions. */
  private static final class Fixture {

    final String org;
    final Instant startedAt = Instant.now();
    final Map<String, Map<String, ObjectNode>> objects = new LinkedHashMap<>();
    final List<String> tombstones = new ArrayList<>();
    final List<String> customerIds = new ArrayList<>();
    final List<String> chargeIds = new ArrayList<>();
    final Map<String, List<String>> pricesOf = new LinkedHashMap<>();
    private final DynamoDbMirrorStore store;
    private final String prefix;

    private Fixture(String org, DynamoDbMirrorStore store, String prefix) {
      this.org = org;
      this.store = store;
      this.prefix = prefix;
      LISTS.forEach(list -> objects.put(list, new LinkedHashMap<>()));
    }

    static Fixture create(
        LocalStack stack, String owner, String prefix, DynamoDbMirrorStore store) {
      ApiResponse created =
          stack.api().as(owner).post("/orgs", Map.of("name", "Mirror " + prefix, "mode", "test"));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      Fixture fixture = new Fixture(created.json().get("org_id").asText(), store, prefix);
      fixture.populate();
      return fixture;
    }

    private void populate() {
      for (int i = 0; i < 23; i++) {
        String id = prefix + "cus_" + i;
        customerIds.add(id);
        ObjectNode customer = base(id, "customer", created(i));
        customer.put("email", id + "@example.test").put("name", "Customer " + i);
        put("customers", customer, i % 11 == 5);
      }
      for (int i = 0; i < 24; i++) {
        ObjectNode subscription = base(prefix + "sub_" + i, "subscription", created(i));
        subscription
            .put("customer", customerIds.get(i % 4))
            .put("status", SUBSCRIPTION_STATUSES.get(i % SUBSCRIPTION_STATUSES.size()));
        put("subscriptions", subscription, i % 10 == 7);
      }
      for (int i = 0; i < 30; i++) {
        ObjectNode invoice = base(prefix + "in_" + i, "invoice", created(i));
        invoice
            .put("customer", customerIds.get(i % 2))
            .put("status", INVOICE_STATUSES.get(i % INVOICE_STATUSES.size()))
            .put("amount_due", 1000 + i)
            .put("currency", "usd");
        put("invoices", invoice, i == 13);
      }
      for (int i = 0; i < 30; i++) {
        String id = prefix + "ch_" + i;
        chargeIds.add(id);
        ObjectNode charge = base(id, "charge", created(i));
        charge
            .put("customer", customerIds.get(i % 2))
            .put("status", CHARGE_STATUSES.get(i % CHARGE_STATUSES.size()))
            .put("amount", 2000 + i)
            .put("currency", "eur");
        charge.putObject("outcome").put("risk_score", i).put("seller_message", "ok");
        put("charges", charge, i == 4);
      }
      for (int i = 0; i < 14; i++) {
        ObjectNode refund = base(prefix + "re_" + i, "refund", created(i));
        refund
            .put("charge", chargeIds.get(i % 5))
            .put("status", "succeeded")
            .put("amount", 100 + i)
            .put("currency", "eur");
        put("refunds", refund, i == 9);
      }
      for (int i = 0; i < 13; i++) {
        String id = prefix + "prod_" + i;
        ObjectNode product = base(id, "product", created(i));
        product.put("name", "Product " + i).put("active", i % 3 != 0);
        put("products", product, i == 6);
        List<String> prices = new ArrayList<>();
        for (int p = 0; p < i % 3; p++) {
          String priceId = id + "_price_" + p;
          ObjectNode price = base(priceId, "price", created(i) + p);
          price
              .put("product", id)
              .put("active", true)
              .put("unit_amount", 500 * (p + 1))
              .put("currency", "usd");
          price.putObject("recurring").put("interval", "month").put("interval_count", 1);
          write(ObjectType.PRICE, price, false);
          prices.addFirst(priceId);
        }
        pricesOf.put(id, prices);
      }
    }

    /** Several objects share a second, so ties are ordered by id. */
    private static long created(int i) {
      return BASE_CREATED + (i / 3) * 60L;
    }

    private static ObjectNode base(String id, String object, long created) {
      ObjectNode node = JSON.createObjectNode();
      node.put("id", id).put("object", object).put("created", created).put("livemode", false);
      node.putObject("metadata").put("fixture", "MirrorReadsIT");
      return node;
    }

    private void put(String list, ObjectNode object, boolean tombstone) {
      objects.get(list).put(object.get("id").asText(), reparsed(object));
      if (tombstone) {
        tombstones.add(object.get("id").asText());
      }
      write(ObjectType.fromListName(list).orElseThrow(), object, tombstone);
    }

    private void write(ObjectType type, ObjectNode object, boolean deleted) {
      WriteOutcome outcome =
          store.write(
              new OrgId(org),
              new MirrorDocument(
                  type, object.get("id").asText(), object.toString(), Instant.now(), deleted));
      assertThat(outcome).isEqualTo(WriteOutcome.APPLIED);
    }

    /** The object as a reader parses it (numbers as the narrowest node type). */
    private static ObjectNode reparsed(ObjectNode object) {
      try {
        return (ObjectNode) JSON.readTree(object.toString());
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Ids of the list's objects that match, newest first, ties by id descending. */
    List<String> expectedIds(String list, Predicate<JsonNode> match, boolean includeDeleted) {
      return objects.get(list).values().stream()
          .filter(match)
          .filter(o -> includeDeleted || !tombstones.contains(o.get("id").asText()))
          .sorted(
              Comparator.comparingLong((JsonNode o) -> o.get("created").asLong())
                  .thenComparing(o -> o.get("id").asText())
                  .reversed())
          .map(o -> o.get("id").asText())
          .collect(Collectors.toList());
    }

    String firstId(String list) {
      return expectedIds(list, o -> true, false).get(0);
    }

    String tombstoneOf(String list) {
      return objects.get(list).keySet().stream()
          .filter(tombstones::contains)
          .findFirst()
          .orElseThrow();
    }
  }
}
