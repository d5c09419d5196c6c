package com.agentbilly.api.mirror;

import static com.agentbilly.testing.ApiEvents.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.api.TestApiServices;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.Route;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.testing.ApiEvents;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.RecordingAuditLog;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The mirror read routes through the router, against the in-memory mirror. */
class MirrorRoutesTest {

  private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
  private static final String SYNCED_AT = "2026-11-29T10:00:00Z";
  private static final OrgId ORG = new OrgId("org_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  private static final OrgId OTHER_ORG = new OrgId("org_bbbbbbbbbbbbbbbbbbbbbbbbbb");
  private static final String MEMBER = "u-member";
  private static final String OTHER_MEMBER = "u-other";

  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final InMemoryMirrorStore mirror =
      new InMemoryMirrorStore(Clock.fixed(NOW, ZoneOffset.UTC));
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final ApiRouter router =
      new TestApiServices().orgs(orgs).auditLog(audit).mirror(mirror).router();

  MirrorRoutesTest() {
    addOrg(ORG, MEMBER, Role.VIEWER);
    addOrg(OTHER_ORG, OTHER_MEMBER, Role.OWNER);
  }

  // ------------------------------------------------------------------ lists

  @Test
  void servesTheTwelveMirrorReadRoutesAndEveryOtherRouteOfTheApiFunction() {
    List<Route> expected = new ArrayList<>();
    for (String list :
        List.of("customers", "subscriptions", "invoices", "charges", "refunds", "products")) {
      expected.add(Route.of("GET", "/orgs/{org}/" + list));
      expected.add(Route.of("GET", "/orgs/{org}/" + list + "/{id}"));
    }
    expected.addAll(
        List.of(
            Route.of("GET", "/me"),
            Route.of("POST", "/orgs"),
            Route.of("GET", "/orgs/{org}"),
            Route.of("GET", "/orgs/{org}/members"),
            Route.of("GET", "/orgs/{org}/audit"),
            Route.of("GET", "/orgs/{org}/audit/verify"),
            Route.of("GET", "/orgs/{org}/sync"),
            Route.of("POST", "/orgs/{org}/sync"),
            Route.of("PUT", "/orgs/{org}/members/{user_id}"),
            Route.of("DELETE", "/orgs/{org}/members/{user_id}"),
            Route.of("POST", "/orgs/{org}/invitations"),
            Route.of("GET", "/orgs/{org}/invitations"),
            Route.of("DELETE", "/orgs/{org}/invitations/{invitation_id}"),
            Route.of("POST", "/invitations/accept"),
            Route.of("GET", "/orgs/{org}/summary"),
            Route.of("POST", "/orgs/{org}/refunds"),
            Route.of("POST", "/orgs/{org}/subscriptions/{id}/cancel"),
            Route.of("PATCH", "/orgs/{org}/subscriptions/{id}"),
            Route.of("GET", "/orgs/{org}/refund-limits"),
            Route.of("PUT", "/orgs/{org}/refund-limits")));
    assertThat(router.routes()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void emptyListHasTheContractsShape() {
    var response = list("invoices", Map.of());
    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getBody())
        .isEqualTo("{\"data\":[],\"has_more\":false,\"next_cursor\":null}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"customers", "subscriptions", "invoices", "charges", "refunds"})
  void everyListIsNewestFirstWithStripesFieldsExactlyPlusSyncedAt(String list) throws Exception {
    ObjectType type = ObjectType.fromListName(list).orElseThrow();
    String older = stripeObject(type, "x_1", 1_700_000_100L, Map.of());
    String newest = stripeObject(type, "x_3", 1_700_000_300L, Map.of());
    String middle = stripeObject(type, "x_2", 1_700_000_200L, Map.of());
    write(type, "x_1", older, false);
    write(type, "x_3", newest, false);
    write(type, "x_2", middle, false);

    var response = list(list, Map.of());

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(Json.read(response.getBody()))
        .isEqualTo(
            Json.read(
                "{\"data\":["
                    + withSyncedAt(newest)
                    + ","
                    + withSyncedAt(middle)
                    + ","
                    + withSyncedAt(older)
                    + "],\"has_more\":false,\"next_cursor\":null}"));
  }

  @Test
  void stripeFieldsKeepTheirNamesNestingAndNumbersAsStored() throws Exception {
    String json =
        "{\"id\":\"ch_1\",\"object\":\"charge\",\"created\":1700000000,\"amount\":1999,"
            + "\"amount_refunded\":0,\"currency\":\"eur\",\"status\":\"succeeded\","
            + "\"customer\":\"cus_1\",\"metadata\":{\"orderId\":\"A-1\",\"x\":null},"
            + "\"outcome\":{\"risk_score\":12,\"seller_message\":\"Payment complete.\"},"
            + "\"fraction\":0.1,\"refunds\":{\"object\":\"list\",\"data\":[]}}";
    write(ObjectType.CHARGE, "ch_1", json, false);

    var response = get("charges", "ch_1", Map.of());

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getBody())
        .isEqualTo(json.substring(0, json.length() - 1) + ",\"synced_at\":\"" + SYNCED_AT + "\"}");
  }

  @Test
  void productsCarryTheirOwnPricesNewestFirstWithoutTombstones() throws Exception {
    String product = stripeObject(ObjectType.PRODUCT, "prod_1", 1_700_000_000L, Map.of());
    String bare = stripeObject(ObjectType.PRODUCT, "prod_2", 1_700_000_100L, Map.of());
    write(ObjectType.PRODUCT, "prod_1", product, false);
    write(ObjectType.PRODUCT, "prod_2", bare, false);
    String oldPrice =
        stripeObject(ObjectType.PRICE, "price_1", 1_700_000_001L, Map.of("product", "prod_1"));
    String newPrice =
        stripeObject(ObjectType.PRICE, "price_2", 1_700_000_002L, Map.of("product", "prod_1"));
    write(ObjectType.PRICE, "price_1", oldPrice, false);
    write(ObjectType.PRICE, "price_2", newPrice, false);
    write(
        ObjectType.PRICE,
        "price_3",
        stripeObject(ObjectType.PRICE, "price_3", 1_700_000_003L, Map.of("product", "prod_1")),
        true);

    var response = list("products", Map.of());

    String withPrices =
        withSyncedAt(product)
            .replaceFirst(
                "}$",
                ",\"prices\":[" + withSyncedAt(newPrice) + "," + withSyncedAt(oldPrice) + "]}");
    String withoutPrices = withSyncedAt(bare).replaceFirst("}$", ",\"prices\":[]}");
    assertThat(Json.read(response.getBody()))
        .isEqualTo(
            Json.read(
                "{\"data\":["
                    + withoutPrices
                    + ","
                    + withPrices
                    + "],\"has_more\":false,\"next_cursor\":null}"));
    assertThat(Json.read(get("products", "prod_1", Map.of()).getBody()))
        .isEqualTo(Json.read(withPrices));
  }

  @Test
  void walkingEveryPageReturnsEachObjectOnceInOrder() throws Exception {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String id = "cus_" + i;
      write(
          ObjectType.CUSTOMER,
          id,
          stripeObject(ObjectType.CUSTOMER, id, 1_700_000_000L + i, Map.of()),
          false);
      expected.addFirst(id);
    }

    List<String> seen = new ArrayList<>();
    List<Boolean> hasMore = new ArrayList<>();
    String cursor = null;
    do {
      Map<String, String> query = new LinkedHashMap<>(Map.of("limit", "3"));
      if (cursor != null) {
        query.put("cursor", cursor);
      }
      JsonNode page = Json.read(list("customers", query).getBody());
      page.get("data").forEach(item -> seen.add(item.get("id").asText()));
      hasMore.add(page.get("has_more").asBoolean());
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);

    assertThat(seen).isEqualTo(expected);
    assertThat(hasMore).containsExactly(true, true, false);
  }

  @Test
  void limitDefaultsToTwentyFive() throws Exception {
    for (int i = 0; i < 30; i++) {
      write(
          ObjectType.REFUND,
          "re_" + i,
          stripeObject(ObjectType.REFUND, "re_" + i, 1_700_000_000L + i, Map.of()),
          false);
    }

    JsonNode page = Json.read(list("refunds", Map.of()).getBody());

    assertThat(page.get("data")).hasSize(25);
    assertThat(page.get("has_more").asBoolean()).isTrue();
    assertThat(page.get("next_cursor").asText()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "101", "-1", "abc", "", "1.5", "+5", " 5", "1000", "99999999999"})
  void limitOutsideOneToHundredIsInvalidRequest(String limit) throws Exception {
    var response = list("customers", Map.of("limit", limit));
    assertProblem(response, 400, "invalid_request", "'limit' must be an integer from 1 to 100.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "100", "007"})
  void limitFromOneToHundredIsAccepted(String limit) {
    assertThat(list("customers", Map.of("limit", limit)).getStatusCode()).isEqualTo(200);
  }

  // ---------------------------------------------------------------- filters

  @Test
  void customersFilterByExactEmail() throws Exception {
    writeWith(ObjectType.CUSTOMER, "cus_1", 1, Map.of("email", "ann@x.test"));
    writeWith(ObjectType.CUSTOMER, "cus_2", 2, Map.of("email", "bob@x.test"));

    assertThat(ids(list("customers", Map.of("email", "ann@x.test")))).containsExactly("cus_1");
    assertThat(ids(list("customers", Map.of("email", "nobody@x.test")))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"subscriptions", "invoices", "charges"})
  void statusAndCustomerFiltersCombine(String list) throws Exception {
    ObjectType type = ObjectType.fromListName(list).orElseThrow();
    String wanted =
        switch (type) {
          case SUBSCRIPTION -> "past_due";
          case INVOICE -> "open";
          default -> "failed";
        };
    String other =
        switch (type) {
          case SUBSCRIPTION -> "active";
          case INVOICE -> "paid";
          default -> "succeeded";
        };
    writeWith(type, "x_1", 1, Map.of("status", wanted, "customer", "cus_a"));
    writeWith(type, "x_2", 2, Map.of("status", other, "customer", "cus_a"));
    writeWith(type, "x_3", 3, Map.of("status", wanted, "customer", "cus_b"));
    writeWith(type, "x_4", 4, Map.of("status", wanted, "customer", "cus_a"));

    assertThat(ids(list(list, Map.of("status", wanted)))).containsExactly("x_4", "x_3", "x_1");
    assertThat(ids(list(list, Map.of("customer", "cus_a")))).containsExactly("x_4", "x_2", "x_1");
    assertThat(ids(list(list, Map.of("status", wanted, "customer", "cus_a"))))
        .containsExactly("x_4", "x_1");
  }

  @Test
  void refundsFilterByCharge() throws Exception {
    writeWith(ObjectType.REFUND, "re_1", 1, Map.of("charge", "ch_a"));
    writeWith(ObjectType.REFUND, "re_2", 2, Map.of("charge", "ch_b"));
    writeWith(ObjectType.REFUND, "re_3", 3, Map.of("charge", "ch_a"));

    assertThat(ids(list("refunds", Map.of("charge", "ch_a")))).containsExactly("re_3", "re_1");
  }

  @Test
  void productsFilterByActive() throws Exception {
    writeWith(ObjectType.PRODUCT, "prod_1", 1, Map.of("active", true));
    writeWith(ObjectType.PRODUCT, "prod_2", 2, Map.of("active", false));

    assertThat(ids(list("products", Map.of("active", "true")))).containsExactly("prod_1");
    assertThat(ids(list("products", Map.of("active", "false")))).containsExactly("prod_2");
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = "|",
      quoteCharacter = '"',
      value = {
        "subscriptions|status|bogus|'status' must be one of: incomplete, incomplete_expired,"
            + " trialing, active, past_due, canceled, unpaid, paused.",
        "subscriptions|status|all|'status' must be one of: incomplete, incomplete_expired,"
            + " trialing, active, past_due, canceled, unpaid, paused.",
        "invoices|status|active|'status' must be one of: draft, open, paid, uncollectible, void.",
        "charges|status|paid|'status' must be one of: succeeded, pending, failed.",
        "charges|status|SUCCEEDED|'status' must be one of: succeeded, pending, failed.",
        "products|active|yes|'active' must be one of: true, false.",
        "customers|include_deleted|1|'include_deleted' must be one of: true, false.",
        "charges|customer|\"\"|'customer' must be a non-empty value of at most 255 characters.",
        "customers|email|\"  \"|'email' must be a non-empty value of at most 512 characters.",
      })
  void unknownFilterValuesAreInvalidRequest(String list, String name, String value, String message)
      throws Exception {
    assertProblem(list(list, Map.of(name, value)), 400, "invalid_request", message);
  }

  @Test
  void overlongIdFilterIsInvalidRequest() throws Exception {
    assertProblem(
        list("refunds", Map.of("charge", "c".repeat(256))),
        400,
        "invalid_request",
        "'charge' must be a non-empty value of at most 255 characters.");
  }

  @ParameterizedTest
  @CsvSource({
    "customers,status",
    "customers,customer",
    "refunds,customer",
    "refunds,status",
    "products,product",
    "subscriptions,email",
    "invoices,fresh",
    "charges,starting_after",
  })
  void parametersAListDoesNotKnowAreInvalidRequest(String list, String name) throws Exception {
    assertUnknownParameterNotEchoed(list(list, Map.of(name, "x")), name);
  }

  // ------------------------------------------------------------- tombstones

  @Test
  void tombstonesAreLeftOutUnlessIncludeDeletedAndThenMarkedDeleted() throws Exception {
    String alive = stripeObject(ObjectType.CUSTOMER, "cus_1", 1_700_000_001L, Map.of());
    String gone = stripeObject(ObjectType.CUSTOMER, "cus_2", 1_700_000_002L, Map.of());
    write(ObjectType.CUSTOMER, "cus_1", alive, false);
    write(ObjectType.CUSTOMER, "cus_2", gone, true);

    assertThat(ids(list("customers", Map.of()))).containsExactly("cus_1");
    assertThat(ids(list("customers", Map.of("include_deleted", "false")))).containsExactly("cus_1");
    assertThat(Json.read(list("customers", Map.of("include_deleted", "true")).getBody()))
        .isEqualTo(
            Json.read(
                "{\"data\":["
                    + withSyncedAt(gone).replaceFirst("}$", ",\"deleted\":true}")
                    + ","
                    + withSyncedAt(alive)
                    + "],\"has_more\":false,\"next_cursor\":null}"));
  }

  @Test
  void aTombstoneIsServedWithDeletedTrue() throws Exception {
    String gone = stripeObject(ObjectType.SUBSCRIPTION, "sub_1", 1_700_000_001L, Map.of());
    write(ObjectType.SUBSCRIPTION, "sub_1", gone, true);

    var response = get("subscriptions", "sub_1", Map.of());

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(Json.read(response.getBody()))
        .isEqualTo(Json.read(withSyncedAt(gone).replaceFirst("}$", ",\"deleted\":true}")));
  }

  // --------------------------------------------------------- single objects

  @ParameterizedTest
  @ValueSource(strings = {"subscriptions", "invoices", "charges", "refunds"})
  void oneObjectIsStripesObjectPlusSyncedAt(String list) throws Exception {
    ObjectType type = ObjectType.fromListName(list).orElseThrow();
    String json = stripeObject(type, "x_1", 1_700_000_001L, Map.of());
    write(type, "x_1", json, false);

    var response = get(list, "x_1", Map.of());

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(Json.read(response.getBody())).isEqualTo(Json.read(withSyncedAt(json)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"customers", "subscriptions", "invoices", "charges", "refunds"})
  void anObjectNeverMirroredIsNotFound(String list) throws Exception {
    assertProblem(get(list, "x_404", Map.of()), 404, "not_found", "Not found.");
  }

  @Test
  void anIdOfAnotherTypeIsNotFound() throws Exception {
    writeWith(ObjectType.CUSTOMER, "shared_1", 1, Map.of());

    assertProblem(get("charges", "shared_1", Map.of()), 404, "not_found", "Not found.");
    assertProblem(get("products", "shared_1", Map.of()), 404, "not_found", "Not found.");
    assertThat(get("customers", "shared_1", Map.of()).getStatusCode()).isEqualTo(200);
  }

  @Test
  void anObjectOfAnotherOrgIsNotFound() throws Exception {
    mirror.write(
        OTHER_ORG,
        new MirrorDocument(
            ObjectType.CHARGE,
            "ch_theirs",
            stripeObject(ObjectType.CHARGE, "ch_theirs", 1L, Map.of()),
            NOW,
            false));

    assertProblem(get("charges", "ch_theirs", Map.of()), 404, "not_found", "Not found.");
    assertThat(ids(list("charges", Map.of()))).isEmpty();
  }

  @Test
  void freshFalseReadsTheMirror() throws Exception {
    writeWith(ObjectType.INVOICE, "in_1", 1, Map.of());

    assertThat(get("invoices", "in_1", Map.of("fresh", "false")).getStatusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"customers", "subscriptions", "invoices", "charges", "products"})
  void freshTrueWithoutAViewerKeyIsKeyNotConnected(String list) throws Exception {
    ObjectType type = ObjectType.fromListName(list).orElseThrow();
    writeWith(type, "x_1", 1, Map.of());

    APIGatewayProxyResponseEvent response = get(list, "x_1", Map.of("fresh", "true"));

    assertThat(response.getStatusCode()).isEqualTo(409);
    assertThat(Json.read(response.getBody()).get("error"))
        .isEqualTo(
            Json.MAPPER
                .createObjectNode()
                .put("code", "key_not_connected")
                .put(
                    "message",
                    "A live read needs the org's viewer key; an owner can connect one with PUT"
                        + " /orgs/{org}/keys/viewer.")
                .put("purpose", "viewer"));
  }

  @Test
  void freshIsTrueOrFalse() throws Exception {
    writeWith(ObjectType.CHARGE, "ch_1", 1, Map.of());

    assertProblem(
        get("charges", "ch_1", Map.of("fresh", "yes")),
        400,
        "invalid_request",
        "'fresh' must be one of: true, false.");
  }

  @Test
  void refundsHaveNoLiveReadSoFreshIsUnknown() throws Exception {
    writeWith(ObjectType.REFUND, "re_1", 1, Map.of());

    assertUnknownParameterNotEchoed(get("refunds", "re_1", Map.of("fresh", "false")), "fresh");
  }

  @Test
  void aSingleObjectReadTakesNoListParameters() throws Exception {
    writeWith(ObjectType.CHARGE, "ch_1", 1, Map.of());

    assertUnknownParameterNotEchoed(get("charges", "ch_1", Map.of("limit", "5")), "limit");
  }

  // ----------------------------------------------------------- customer view

  @Test
  void customerViewCarriesItsSubscriptionsAndTenNewestInvoicesAndCharges() throws Exception {
    String customer =
        stripeObject(
            ObjectType.CUSTOMER,
            "cus_1",
            1_600_000_000L,
            Map.of(
                "email",
                "ann@x.test",
                "subscriptions",
                Map.of("object", "list", "data", List.of(), "total_count", 0)));
    write(ObjectType.CUSTOMER, "cus_1", customer, false);
    List<String> subscriptions = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String json =
          stripeObject(
              ObjectType.SUBSCRIPTION,
              "sub_" + i,
              1_700_000_000L + i,
              Map.of("customer", "cus_1", "status", i == 0 ? "canceled" : "active"));
      write(ObjectType.SUBSCRIPTION, "sub_" + i, json, false);
      subscriptions.addFirst(withSyncedAt(json));
    }
    writeWith(ObjectType.SUBSCRIPTION, "sub_gone", 9, Map.of("customer", "cus_1"), true);
    writeWith(ObjectType.SUBSCRIPTION, "sub_theirs", 9, Map.of("customer", "cus_2"));
    List<String> invoices = new ArrayList<>();
    List<String> charges = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String invoice =
          stripeObject(
              ObjectType.INVOICE, "in_" + i, 1_700_000_000L + i, Map.of("customer", "cus_1"));
      String charge =
          stripeObject(
              ObjectType.CHARGE, "ch_" + i, 1_700_000_000L + i, Map.of("customer", "cus_1"));
      write(ObjectType.INVOICE, "in_" + i, invoice, false);
      write(ObjectType.CHARGE, "ch_" + i, charge, false);
      invoices.addFirst(withSyncedAt(invoice));
      charges.addFirst(withSyncedAt(charge));
    }
    writeWith(ObjectType.INVOICE, "in_theirs", 2_000_000_000L, Map.of("customer", "cus_2"));
    writeWith(ObjectType.CHARGE, "ch_theirs", 2_000_000_000L, Map.of("customer", "cus_2"));

    var response = get("customers", "cus_1", Map.of());

    assertThat(response.getStatusCode()).isEqualTo(200);
    ObjectNode expected = (ObjectNode) Json.read(withSyncedAt(customer));
    expected.set("subscriptions", Json.read("[" + String.join(",", subscriptions) + "]"));
    expected.set("invoices", Json.read("[" + String.join(",", invoices.subList(0, 10)) + "]"));
    expected.set("charges", Json.read("[" + String.join(",", charges.subList(0, 10)) + "]"));
    assertThat(Json.read(response.getBody())).isEqualTo(expected);
  }

  @Test
  void customerViewOfACustomerWithNothingElseHasEmptyLists() throws Exception {
    String customer = stripeObject(ObjectType.CUSTOMER, "cus_1", 1L, Map.of());
    write(ObjectType.CUSTOMER, "cus_1", customer, false);

    var response = get("customers", "cus_1", Map.of());

    assertThat(Json.read(response.getBody()))
        .isEqualTo(
            Json.read(
                withSyncedAt(customer)
                    .replaceFirst("}$", ",\"subscriptions\":[],\"invoices\":[],\"charges\":[]}")));
  }

  @Test
  void customerViewOfAnUnknownCustomerIsNotFound() throws Exception {
    assertProblem(get("customers", "cus_404", Map.of()), 404, "not_found", "Not found.");
    assertProblem(get("customers", "c".repeat(300), Map.of()), 404, "not_found", "Not found.");
  }

  // ----------------------------------------------------------------- cursors

  @Test
  void aTamperedCursorIsInvalidCursor() throws Exception {
    String cursor = firstCursor("customers", Map.of());
    int middle = cursor.length() / 2;
    char flipped = cursor.charAt(middle) == 'A' ? 'B' : 'A';
    String tampered = cursor.substring(0, middle) + flipped + cursor.substring(middle + 1);

    assertInvalidCursor(list("customers", Map.of("cursor", tampered)));
    assertInvalidCursor(list("customers", Map.of("cursor", "not-a-cursor")));
    assertInvalidCursor(list("customers", Map.of("cursor", "")));
  }

  @Test
  void aCursorOfAnotherListOrFilterSetOrOrgIsInvalidCursor() throws Exception {
    String customers = firstCursor("customers", Map.of());
    for (int i = 0; i < 3; i++) {
      writeWith(ObjectType.INVOICE, "in_" + i, i, Map.of("status", "paid"));
    }
    String paidInvoices = firstCursor("invoices", Map.of("status", "paid"));

    assertInvalidCursor(list("invoices", Map.of("cursor", customers)));
    assertInvalidCursor(list("invoices", Map.of("cursor", paidInvoices)));
    assertInvalidCursor(list("invoices", Map.of("cursor", paidInvoices, "status", "open")));
    assertInvalidCursor(
        list(
            "invoices",
            Map.of("cursor", paidInvoices, "status", "paid", "include_deleted", "true")));
    assertThat(list("invoices", Map.of("cursor", paidInvoices, "status", "paid")).getStatusCode())
        .isEqualTo(200);

    var foreign =
        router.handle(
            request("GET", "/orgs/{org}/customers")
                .path("org", OTHER_ORG.value())
                .query("cursor", customers)
                .as(OTHER_MEMBER, "other@x.test")
                .build(),
            null);
    assertInvalidCursor(foreign);
  }

  // ------------------------------------------------------------------ access

  @Test
  void aNonMemberGetsNotFoundOnEveryReadRoute() throws Exception {
    writeWith(ObjectType.CUSTOMER, "cus_1", 1, Map.of());
    for (String list :
        List.of("customers", "subscriptions", "invoices", "charges", "refunds", "products")) {
      var listed =
          router.handle(
              request("GET", "/orgs/{org}/" + list)
                  .path("org", ORG.value())
                  .as(OTHER_MEMBER, "other@x.test")
                  .build(),
              null);
      var one =
          router.handle(
              request("GET", "/orgs/{org}/" + list + "/{id}")
                  .path("org", ORG.value())
                  .path("id", "cus_1")
                  .as(OTHER_MEMBER, "other@x.test")
                  .build(),
              null);
      assertProblem(listed, 404, "not_found", "Not found.");
      assertProblem(one, 404, "not_found", "Not found.");
    }
  }

  // ----------------------------------------------------------------- helpers

  private void addOrg(OrgId id, String userId, Role role) {
    orgs.createOrg(
        new Org(id, "Org " + id.value(), Mode.TEST, null, false, NOW, userId),
        new Membership(id, "Org " + id.value(), userId, userId + "@x.test", role, NOW));
  }

  private APIGatewayProxyResponseEvent list(String list, Map<String, String> query) {
    ApiEvents event =
        request("GET", "/orgs/{org}/" + list).path("org", ORG.value()).as(MEMBER, "m@x.test");
    query.forEach(event::query);
    return router.handle(event.build(), null);
  }

  private APIGatewayProxyResponseEvent get(String list, String id, Map<String, String> query) {
    ApiEvents event =
        request("GET", "/orgs/{org}/" + list + "/{id}")
            .path("org", ORG.value())
            .path("id", id)
            .as(MEMBER, "m@x.test");
    query.forEach(event::query);
    return router.handle(event.build(), null);
  }

  private String firstCursor(String list, Map<String, String> filters) throws Exception {
    if (list.equals("customers")) {
      for (int i = 0; i < 3; i++) {
        writeWith(ObjectType.CUSTOMER, "cus_c" + i, i, Map.of());
      }
    }
    Map<String, String> query = new LinkedHashMap<>(filters);
    query.put("limit", "1");
    String cursor = Json.read(list(list, query).getBody()).get("next_cursor").asText();
    assertThat(cursor).isNotBlank();
    return cursor;
  }

  private void write(ObjectType type, String id, String json, boolean deleted) {
    mirror.write(ORG, new MirrorDocument(type, id, json, NOW, deleted));
  }

  private void writeWith(ObjectType type, String id, long created, Map<String, Object> fields) {
    writeWith(type, id, created, fields, false);
  }

  private void writeWith(
      ObjectType type, String id, long created, Map<String, Object> fields, boolean deleted) {
    write(type, id, stripeObject(type, id, created, fields), deleted);
  }

  /** A Stripe object of {@code type} in Stripe's shape, with {@code fields} set or overridden. */
  static String stripeObject(ObjectType type, String id, long created, Map<String, Object> fields) {
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("id", id);
    object.put("object", type.objectName());
    object.put("created", created);
    object.put("livemode", false);
    object.put("metadata", Map.of());
    switch (type) {
      case CUSTOMER -> {
        object.put("email", id + "@example.test");
        object.put("name", "Customer " + id);
      }
      case SUBSCRIPTION -> {
        object.put("customer", "cus_default");
        object.put("status", "active");
        object.put("items", Map.of("object", "list", "data", List.of()));
      }
      case INVOICE -> {
        object.put("customer", "cus_default");
        object.put("status", "paid");
        object.put("amount_due", 1200);
        object.put("currency", "usd");
      }
      case CHARGE -> {
        object.put("customer", "cus_default");
        object.put("status", "succeeded");
        object.put("amount", 1200);
        object.put("currency", "usd");
      }
      case REFUND -> {
        object.put("charge", "ch_default");
        object.put("status", "succeeded");
        object.put("amount", 500);
        object.put("currency", "usd");
      }
      case PRODUCT -> {
        object.put("name", "Product " + id);
        object.put("active", true);
      }
      case PRICE -> {
        object.put("product", "prod_default");
        object.put("active", true);
        object.put("unit_amount", 900);
        object.put("currency", "usd");
        object.put("recurring", Map.of("interval", "month", "interval_count", 1));
      }
    }
    object.putAll(fields);
    return Json.write(object);
  }

  private static String withSyncedAt(String json) {
    return json.substring(0, json.length() - 1) + ",\"synced_at\":\"" + SYNCED_AT + "\"}";
  }

  private static List<String> ids(APIGatewayProxyResponseEvent response) throws Exception {
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    Json.read(response.getBody()).get("data").forEach(item -> ids.add(item.get("id").asText()));
    return ids;
  }

  private static void assertProblem(
      APIGatewayProxyResponseEvent response, int status, String code, String message)
      throws Exception {
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
    assertThat(Json.read(response.getBody()))
        .isEqualTo(
            Json.MAPPER
                .createObjectNode()
                .set(
                    "error",
                    Json.MAPPER.createObjectNode().put("code", code).put("message", message)));
  }

  /** 400 invalid_request whose message never repeats the caller's parameter name. */
  private static void assertUnknownParameterNotEchoed(
      APIGatewayProxyResponseEvent response, String name) throws Exception {
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(400);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("invalid_request");
    assertThat(Json.read(response.getBody()).at("/error/message").asText())
        .matches(
            "Unknown query parameter; this route takes only: .+\\.|This route takes no query parameters\\.")
        .doesNotContain("'" + name + "'");
  }

  private static void assertInvalidCursor(APIGatewayProxyResponseEvent response) throws Exception {
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(400);
    assertThat(Json.read(response.getBody()).at("/error/code").asText())
        .isEqualTo("invalid_cursor");
  }
}
