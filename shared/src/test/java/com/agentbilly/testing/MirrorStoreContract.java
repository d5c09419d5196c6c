package com.agentbilly.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ListPage;
import com.agentbilly.domain.mirror.ListQuery;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.mirror.WriteOutcome;
import com.agentbilly.http.Json;
import com.agentbilly.port.MirrorStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MirrorStore} does, run against the in-memory fake (unit test) and the DynamoDB
 * store on moto (integration test), so the fake stays faithful. Each test uses fresh orgs.
 */
public abstract class MirrorStoreContract {

  /** The clock a store under test is built with: every {@code syncedAt} is this instant. */
  protected static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  protected static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Instant T1 = Instant.parse("2026-11-29T10:00:00.250Z");
  private static final Instant T2 = T1.plusMillis(1);
  private static final long CREATED = 1_795_000_000L;

  /** The store under test, built with {@link #CLOCK}; the same instance for the whole test. */
  protected abstract MirrorStore store();

  protected static OrgId newOrg() {
    return OrgId.generate(RANDOM);
  }

  @Test
  void firstWriteIsAppliedAndReadableById() {
    OrgId org = newOrg();
    String json = customer("cus_1", CREATED, "a@example.com").toString();

    assertThat(store().write(org, live(ObjectType.CUSTOMER, "cus_1", json, T1)))
        .isEqualTo(WriteOutcome.APPLIED);

    assertThat(store().get(org, ObjectType.CUSTOMER, "cus_1"))
        .contains(new MirrorItem(ObjectType.CUSTOMER, "cus_1", json, T1, NOW, false));
    assertThat(store().get(org, ObjectType.CUSTOMER, "cus_2")).isEmpty();
    assertThat(store().get(newOrg(), ObjectType.CUSTOMER, "cus_1")).isEmpty();
    assertThat(store().get(org, ObjectType.SUBSCRIPTION, "cus_1")).isEmpty();
  }

  @Test
  void olderSnapshotNeverOverwritesNewer() {
    OrgId org = newOrg();
    String newer = customer("cus_1", CREATED, "new@example.com").toString();
    String older = customer("cus_1", CREATED, "old@example.com").toString();
    store().write(org, live(ObjectType.CUSTOMER, "cus_1", newer, T2));

    assertThat(store().write(org, live(ObjectType.CUSTOMER, "cus_1", older, T1)))
        .isEqualTo(WriteOutcome.STALE);

    assertThat(store().get(org, ObjectType.CUSTOMER, "cus_1").orElseThrow().json())
        .isEqualTo(newer);
    assertThat(ids(list(org, ObjectType.CUSTOMER, Map.of("email", "old@example.com")))).isEmpty();
    assertThat(ids(list(org, ObjectType.CUSTOMER, Map.of("email", "new@example.com"))))
        .containsExactly("cus_1");
  }

  @Test
  void newerSnapshotReplacesOlderAndMovesItBetweenFilters() {
    OrgId org = newOrg();
    store()
        .write(
            org,
            live(
                ObjectType.SUBSCRIPTION,
                "sub_1",
                subscription("sub_1", 1, "cus_1", "trialing"),
                T1));

    String active = subscription("sub_1", 1, "cus_1", "active");
    assertThat(store().write(org, live(ObjectType.SUBSCRIPTION, "sub_1", active, T2)))
        .isEqualTo(WriteOutcome.APPLIED);

    assertThat(store().get(org, ObjectType.SUBSCRIPTION, "sub_1").orElseThrow())
        .isEqualTo(new MirrorItem(ObjectType.SUBSCRIPTION, "sub_1", active, T2, NOW, false));
    assertThat(ids(list(org, ObjectType.SUBSCRIPTION, Map.of("status", "trialing")))).isEmpty();
    assertThat(ids(list(org, ObjectType.SUBSCRIPTION, Map.of("status", "active"))))
        .containsExactly("sub_1");
  }

  @Test
  void equalSnapshotWithSameContentIsSameAndWithOtherContentIsConflict() {
    OrgId org = newOrg();
    String stored = customer("cus_1", CREATED, "a@example.com").toString();
    store().write(org, live(ObjectType.CUSTOMER, "cus_1", stored, T1));

    assertThat(store().write(org, live(ObjectType.CUSTOMER, "cus_1", stored, T1)))
        .isEqualTo(WriteOutcome.SAME);
    String other = customer("cus_1", CREATED, "b@example.com").toString();
    assertThat(store().write(org, live(ObjectType.CUSTOMER, "cus_1", other, T1)))
        .isEqualTo(WriteOutcome.CONFLICT);
    assertThat(store().write(org, tombstone(ObjectType.CUSTOMER, "cus_1", stored, T1)))
        .isEqualTo(WriteOutcome.CONFLICT);

    assertThat(store().get(org, ObjectType.CUSTOMER, "cus_1").orElseThrow())
        .isEqualTo(new MirrorItem(ObjectType.CUSTOMER, "cus_1", stored, T1, NOW, false));
  }

  @Test
  void tombstonesAreHiddenFromListsUnlessIncludedAndAlwaysReadableById() {
    OrgId org = newOrg();
    String json = product("prod_1", CREATED, true);
    store().write(org, live(ObjectType.PRODUCT, "prod_1", json, T1));
    store()
        .write(org, live(ObjectType.PRODUCT, "prod_2", product("prod_2", CREATED + 1, true), T1));

    assertThat(store().write(org, tombstone(ObjectType.PRODUCT, "prod_1", json, T2)))
        .isEqualTo(WriteOutcome.APPLIED);

    assertThat(store().get(org, ObjectType.PRODUCT, "prod_1").orElseThrow())
        .isEqualTo(new MirrorItem(ObjectType.PRODUCT, "prod_1", json, T2, NOW, true));
    assertThat(ids(list(org, ObjectType.PRODUCT, Map.of()))).containsExactly("prod_2");
    assertThat(ids(list(org, ObjectType.PRODUCT, Map.of("active", "true"))))
        .containsExactly("prod_2");
    assertThat(ids(store().list(org, new ListQuery(ObjectType.PRODUCT, Map.of(), true, 25, null))))
        .containsExactly("prod_2", "prod_1");
    assertThat(
            ids(
                store()
                    .list(
                        org,
                        new ListQuery(
                            ObjectType.PRODUCT, Map.of("active", "true"), true, 25, null))))
        .containsExactly("prod_2", "prod_1");
  }

  @Test
  void olderTombstoneNeverHidesNewerLiveState() {
    OrgId org = newOrg();
    String json = customer("cus_1", CREATED, "a@example.com").toString();
    store().write(org, live(ObjectType.CUSTOMER, "cus_1", json, T2));

    assertThat(store().write(org, tombstone(ObjectType.CUSTOMER, "cus_1", json, T1)))
        .isEqualTo(WriteOutcome.STALE);

    assertThat(store().get(org, ObjectType.CUSTOMER, "cus_1").orElseThrow().deleted()).isFalse();
    assertThat(ids(list(org, ObjectType.CUSTOMER, Map.of()))).containsExactly("cus_1");
  }

  @Test
  void deletionStubWithoutCreatedKeepsTheLastJsonAndPlace() {
    OrgId org = newOrg();
    String json = customer("cus_1", CREATED + 5, "a@example.com").toString();
    store().write(org, live(ObjectType.CUSTOMER, "cus_1", json, T1));
    store()
        .write(
            org,
            live(ObjectType.CUSTOMER, "cus_2", customer("cus_2", CREATED, null).toString(), T1));
    String stub = "{\"id\":\"cus_1\",\"object\":\"customer\",\"deleted\":true}";

    assertThat(store().write(org, tombstone(ObjectType.CUSTOMER, "cus_1", stub, T2)))
        .isEqualTo(WriteOutcome.APPLIED);
    assertThat(store().write(org, tombstone(ObjectType.CUSTOMER, "cus_1", stub, T2)))
        .isEqualTo(WriteOutcome.SAME);

    assertThat(store().get(org, ObjectType.CUSTOMER, "cus_1").orElseThrow())
        .isEqualTo(new MirrorItem(ObjectType.CUSTOMER, "cus_1", json, T2, NOW, true));
    assertThat(ids(store().list(org, new ListQuery(ObjectType.CUSTOMER, Map.of(), true, 25, null))))
        .containsExactly("cus_1", "cus_2");
    assertThat(
            ids(
                store()
                    .list(
                        org,
                        new ListQuery(
                            ObjectType.CUSTOMER,
                            Map.of("email", "a@example.com"),
                            true,
                            25,
                            null))))
        .containsExactly("cus_1");
  }

  @Test
  void deletionStubOfAnUnknownObjectIsStoredAsTheOldestTombstone() {
    OrgId org = newOrg();
    store().write(org, live(ObjectType.PRODUCT, "prod_1", product("prod_1", CREATED, true), T1));
    String stub = "{\"id\":\"prod_0\",\"object\":\"product\",\"deleted\":true}";

    assertThat(store().write(org, tombstone(ObjectType.PRODUCT, "prod_0", stub, T1)))
        .isEqualTo(WriteOutcome.APPLIED);

    assertThat(store().get(org, ObjectType.PRODUCT, "prod_0").orElseThrow())
        .isEqualTo(new MirrorItem(ObjectType.PRODUCT, "prod_0", stub, T1, NOW, true));
    assertThat(ids(store().list(org, new ListQuery(ObjectType.PRODUCT, Map.of(), true, 25, null))))
        .containsExactly("prod_1", "prod_0");
  }

  @Test
  void writingAPageDecidesEachDocumentAsWritingThemOneByOneDoes() {
    OrgId together = newOrg();
    OrgId oneByOne = newOrg();
    String stub = "{\"id\":\"cus_gone\",\"object\":\"customer\",\"deleted\":true}";
    String unknownStub = "{\"id\":\"ch_never\",\"object\":\"charge\",\"deleted\":true}";
    for (OrgId org : List.of(together, oneByOne)) {
      store().write(org, live(ObjectType.CUSTOMER, "cus_stale", json("cus_stale", 1), T2));
      store().write(org, live(ObjectType.CUSTOMER, "cus_same", json("cus_same", 1), T1));
      store().write(org, live(ObjectType.CUSTOMER, "cus_tie", json("cus_tie", 1), T1));
      store().write(org, live(ObjectType.CUSTOMER, "cus_newer", json("cus_newer", 1), T1));
      store().write(org, live(ObjectType.CUSTOMER, "cus_gone", json("cus_gone", 1), T1));
      store()
          .write(
              org,
              live(ObjectType.CHARGE, "ch_1", charge("ch_1", CREATED, "cus_1", "pending"), T1));
    }
    List<MirrorDocument> page =
        List.of(
            live(ObjectType.CUSTOMER, "cus_stale", json("cus_stale", 2), T1),
            live(ObjectType.CUSTOMER, "cus_same", json("cus_same", 1), T1),
            live(ObjectType.CUSTOMER, "cus_tie", json("cus_tie", 2), T1),
            live(ObjectType.CUSTOMER, "cus_newer", json("cus_newer", 2), T2),
            tombstone(ObjectType.CUSTOMER, "cus_gone", stub, T2),
            live(ObjectType.CHARGE, "ch_1", charge("ch_1", CREATED, "cus_1", "succeeded"), T2),
            live(ObjectType.CHARGE, "ch_2", charge("ch_2", CREATED, "cus_1", "failed"), T1),
            tombstone(ObjectType.CHARGE, "ch_never", unknownStub, T1),
            live(ObjectType.CUSTOMER, "cus_twice", json("cus_twice", 1), T1),
            live(ObjectType.CUSTOMER, "cus_twice", json("cus_twice", 2), T2),
            live(ObjectType.CUSTOMER, "cus_back", json("cus_back", 2), T2),
            live(ObjectType.CUSTOMER, "cus_back", json("cus_back", 1), T1));

    List<WriteOutcome> outcomes = store().writeAll(together, page);
    List<WriteOutcome> alone = page.stream().map(d -> store().write(oneByOne, d)).toList();

    assertThat(outcomes)
        .containsExactly(
            WriteOutcome.STALE,
            WriteOutcome.SAME,
            WriteOutcome.CONFLICT,
            WriteOutcome.APPLIED,
            WriteOutcome.APPLIED,
            WriteOutcome.APPLIED,
            WriteOutcome.APPLIED,
            WriteOutcome.APPLIED,
            WriteOutcome.APPLIED,
            WriteOutcome.APPLIED,
            WriteOutcome.APPLIED,
            WriteOutcome.STALE)
        .isEqualTo(alone);
    for (MirrorDocument document : page) {
      assertThat(store().get(together, document.type(), document.id()))
          .as(document.id())
          .isEqualTo(store().get(oneByOne, document.type(), document.id()))
          .isPresent();
    }
    assertThat(store().get(together, ObjectType.CUSTOMER, "cus_twice").orElseThrow().json())
        .isEqualTo(json("cus_twice", 2));
    assertThat(store().get(together, ObjectType.CUSTOMER, "cus_back").orElseThrow().json())
        .isEqualTo(json("cus_back", 2));
    assertThat(store().get(together, ObjectType.CUSTOMER, "cus_gone").orElseThrow().deleted())
        .isTrue();
    assertThat(ids(list(together, ObjectType.CHARGE, Map.of("status", "succeeded"))))
        .containsExactly("ch_1");
  }

  @Test
  void aPageLargerThanOneRequestIsWrittenWhole() {
    OrgId org = newOrg();
    List<MirrorDocument> page = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      String id = String.format("ch_%03d", i);
      // a charge a day: each its own summary bucket, so aggregates split the writes too
      page.add(
          live(ObjectType.CHARGE, id, charge(id, CREATED - i * 86_400L, "cus_1", "succeeded"), T1));
    }

    assertThat(store().writeAll(org, page)).hasSize(250).containsOnly(WriteOutcome.APPLIED);
    assertThat(store().writeAll(org, page)).hasSize(250).containsOnly(WriteOutcome.SAME);

    assertThat(everyId(org, ObjectType.CHARGE))
        .containsExactlyElementsOf(page.stream().map(MirrorDocument::id).toList());
    assertThat(store().writeAll(org, List.of())).isEmpty();
  }

  private static String json(String customerId, int version) {
    return customer(customerId, CREATED, customerId + "@example.com")
        .put("version", version)
        .toString();
  }

  private List<String> everyId(OrgId org, ObjectType type) {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      ListPage page = store().list(org, new ListQuery(type, Map.of(), true, 100, cursor));
      seen.addAll(ids(page));
      cursor = page.nextCursor();
    } while (cursor != null);
    return seen;
  }

  @Test
  void listsAreNewestFirstByCreatedThenIdDescending() {
    OrgId org = newOrg();
    store()
        .write(
            org,
            live(ObjectType.CHARGE, "ch_b", charge("ch_b", CREATED, "cus_1", "succeeded"), T1));
    store()
        .write(
            org,
            live(
                ObjectType.CHARGE,
                "ch_old",
                charge("ch_old", CREATED - 100, "cus_1", "succeeded"),
                T1));
    store()
        .write(
            org,
            live(
                ObjectType.CHARGE,
                "ch_new",
                charge("ch_new", CREATED + 100, "cus_1", "failed"),
                T1));
    store()
        .write(
            org,
            live(ObjectType.CHARGE, "ch_a", charge("ch_a", CREATED, "cus_1", "succeeded"), T1));

    assertThat(ids(list(org, ObjectType.CHARGE, Map.of())))
        .containsExactly("ch_new", "ch_b", "ch_a", "ch_old");
  }

  @Test
  void walkingEveryPageReturnsEachObjectExactlyOnceInOrder() {
    OrgId org = newOrg();
    List<String> all = new ArrayList<>();
    List<String> live = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      String id = String.format("in_%03d", i);
      String json = invoice(id, CREATED + i / 3, "cus_" + (i % 4), i % 2 == 0 ? "paid" : "open");
      boolean deleted = i % 5 == 0 || (i >= 40 && i < 60);
      store().write(org, new MirrorDocument(ObjectType.INVOICE, id, json, T1, deleted));
      all.add(id);
      if (!deleted) {
        live.add(id);
      }
    }
    all.sort(Comparator.reverseOrder());
    live.sort(Comparator.reverseOrder());

    for (int pageSize : new int[] {1, 2, 7, 25, 100}) {
      assertThat(walk(org, ObjectType.INVOICE, Map.of(), false, pageSize))
          .as("page size %d", pageSize)
          .containsExactlyElementsOf(live);
      assertThat(walk(org, ObjectType.INVOICE, Map.of(), true, pageSize))
          .as("page size %d with tombstones", pageSize)
          .containsExactlyElementsOf(all);
      assertThat(
              walk(
                  org,
                  ObjectType.INVOICE,
                  Map.of("status", "paid", "customer", "cus_2"),
                  false,
                  pageSize))
          .as("page size %d, filtered", pageSize)
          .containsExactlyElementsOf(
              live.stream().filter(id -> Integer.parseInt(id.substring(3)) % 4 == 2).toList());
    }
  }

  @Test
  void lastPageHasNoCursorAndAFullPageBeforeTheEndHasOne() {
    OrgId org = newOrg();
    for (int i = 0; i < 4; i++) {
      store()
          .write(
              org, live(ObjectType.REFUND, "re_" + i, refund("re_" + i, CREATED + i, "ch_1"), T1));
    }

    ListPage exact = store().list(org, new ListQuery(ObjectType.REFUND, Map.of(), false, 4, null));
    assertThat(ids(exact)).containsExactly("re_3", "re_2", "re_1", "re_0");
    assertThat(exact.nextCursor()).isNull();

    ListPage first = store().list(org, new ListQuery(ObjectType.REFUND, Map.of(), false, 3, null));
    assertThat(ids(first)).containsExactly("re_3", "re_2", "re_1");
    assertThat(first.hasMore()).isTrue();
    ListPage rest =
        store().list(org, new ListQuery(ObjectType.REFUND, Map.of(), false, 3, first.nextCursor()));
    assertThat(ids(rest)).containsExactly("re_0");
    assertThat(rest.nextCursor()).isNull();
  }

  @Test
  void aCursorMayBeUsedWithAnotherLimit() {
    OrgId org = newOrg();
    for (int i = 0; i < 5; i++) {
      store()
          .write(
              org, live(ObjectType.REFUND, "re_" + i, refund("re_" + i, CREATED + i, "ch_1"), T1));
    }
    ListPage first = store().list(org, new ListQuery(ObjectType.REFUND, Map.of(), false, 1, null));

    ListPage rest =
        store()
            .list(org, new ListQuery(ObjectType.REFUND, Map.of(), false, 100, first.nextCursor()));

    assertThat(ids(rest)).containsExactly("re_3", "re_2", "re_1", "re_0");
  }

  @Test
  void aPageIsFilledPastARunOfTombstones() {
    OrgId org = newOrg();
    for (int i = 0; i < 30; i++) {
      String id = String.format("cus_%02d", i);
      String json = customer(id, CREATED + i, null).toString();
      store().write(org, new MirrorDocument(ObjectType.CUSTOMER, id, json, T1, i >= 3 && i < 27));
    }

    ListPage first =
        store().list(org, new ListQuery(ObjectType.CUSTOMER, Map.of(), false, 4, null));
    assertThat(ids(first)).containsExactly("cus_29", "cus_28", "cus_27", "cus_02");
    assertThat(first.hasMore()).isTrue();
    ListPage rest =
        store()
            .list(org, new ListQuery(ObjectType.CUSTOMER, Map.of(), false, 4, first.nextCursor()));
    assertThat(ids(rest)).containsExactly("cus_01", "cus_00");
    assertThat(rest.hasMore()).isFalse();
  }

  @Test
  void customersAreFoundByEmailRegardlessOfCase() {
    OrgId org = newOrg();
    store()
        .write(
            org,
            live(
                ObjectType.CUSTOMER,
                "cus_1",
                customer("cus_1", CREATED, "Jenny.Rosen@Example.com").toString(),
                T1));
    store()
        .write(
            org,
            live(
                ObjectType.CUSTOMER,
                "cus_2",
                customer("cus_2", CREATED, "other@example.com").toString(),
                T1));
    store()
        .write(
            org,
            live(ObjectType.CUSTOMER, "cus_3", customer("cus_3", CREATED, null).toString(), T1));

    assertThat(ids(list(org, ObjectType.CUSTOMER, Map.of("email", "jenny.rosen@example.com"))))
        .containsExactly("cus_1");
    assertThat(ids(list(org, ObjectType.CUSTOMER, Map.of("email", "JENNY.ROSEN@EXAMPLE.COM"))))
        .containsExactly("cus_1");
    assertThat(ids(list(org, ObjectType.CUSTOMER, Map.of("email", "nobody@example.com"))))
        .isEmpty();
  }

  @Test
  void subscriptionsInvoicesAndChargesFilterByStatusCustomerOrBoth() {
    OrgId org = newOrg();
    store()
        .write(
            org,
            live(
                ObjectType.SUBSCRIPTION, "sub_1", subscription("sub_1", 1, "cus_1", "active"), T1));
    store()
        .write(
            org,
            live(
                ObjectType.SUBSCRIPTION, "sub_2", subscription("sub_2", 2, "cus_2", "active"), T1));
    store()
        .write(
            org,
            live(
                ObjectType.SUBSCRIPTION,
                "sub_3",
                subscription("sub_3", 3, "cus_1", "canceled"),
                T1));
    store().write(org, live(ObjectType.INVOICE, "in_1", invoice("in_1", 1, "cus_1", "paid"), T1));
    store().write(org, live(ObjectType.INVOICE, "in_2", invoice("in_2", 2, "cus_1", "open"), T1));
    store().write(org, live(ObjectType.CHARGE, "ch_1", charge("ch_1", 1, "cus_2", "failed"), T1));
    store()
        .write(org, live(ObjectType.CHARGE, "ch_2", charge("ch_2", 2, "cus_2", "succeeded"), T1));
    ObjectNode expanded = Json.MAPPER.createObjectNode();
    expanded.put("id", "ch_3").put("object", "charge").put("created", 3).put("status", "failed");
    expanded.set("customer", customer("cus_1", CREATED, "a@example.com"));
    store().write(org, live(ObjectType.CHARGE, "ch_3", expanded.toString(), T1));

    assertThat(ids(list(org, ObjectType.SUBSCRIPTION, Map.of("status", "active"))))
        .containsExactly("sub_2", "sub_1");
    assertThat(ids(list(org, ObjectType.SUBSCRIPTION, Map.of("customer", "cus_1"))))
        .containsExactly("sub_3", "sub_1");
    assertThat(
            ids(
                list(
                    org, ObjectType.SUBSCRIPTION, Map.of("customer", "cus_1", "status", "active"))))
        .containsExactly("sub_1");
    assertThat(ids(list(org, ObjectType.INVOICE, Map.of("status", "open"))))
        .containsExactly("in_2");
    assertThat(ids(list(org, ObjectType.INVOICE, Map.of("customer", "cus_1"))))
        .containsExactly("in_2", "in_1");
    assertThat(ids(list(org, ObjectType.INVOICE, Map.of("customer", "cus_2")))).isEmpty();
    assertThat(ids(list(org, ObjectType.CHARGE, Map.of("status", "failed"))))
        .containsExactly("ch_3", "ch_1");
    assertThat(ids(list(org, ObjectType.CHARGE, Map.of("customer", "cus_1"))))
        .containsExactly("ch_3");
    assertThat(
            ids(list(org, ObjectType.CHARGE, Map.of("customer", "cus_2", "status", "succeeded"))))
        .containsExactly("ch_2");
  }

  @Test
  void refundsFilterByChargeProductsByActiveAndPricesByProductAndActive() {
    OrgId org = newOrg();
    store().write(org, live(ObjectType.REFUND, "re_1", refund("re_1", 1, "ch_1"), T1));
    store().write(org, live(ObjectType.REFUND, "re_2", refund("re_2", 2, "ch_2"), T1));
    store().write(org, live(ObjectType.PRODUCT, "prod_1", product("prod_1", 1, true), T1));
    store().write(org, live(ObjectType.PRODUCT, "prod_2", product("prod_2", 2, false), T1));
    store().write(org, live(ObjectType.PRICE, "price_1", price("price_1", 1, "prod_1", true), T1));
    store().write(org, live(ObjectType.PRICE, "price_2", price("price_2", 2, "prod_1", false), T1));
    store().write(org, live(ObjectType.PRICE, "price_3", price("price_3", 3, "prod_2", true), T1));
    String plan =
        "{\"id\":\"plan_4\",\"object\":\"plan\",\"created\":4,\"amount\":2000,\"currency\":\"usd\","
            + "\"interval\":\"month\",\"product\":\"prod_1\",\"active\":true}";
    store().write(org, live(ObjectType.PRICE, "plan_4", plan, T1));

    assertThat(ids(list(org, ObjectType.REFUND, Map.of("charge", "ch_2")))).containsExactly("re_2");
    assertThat(ids(list(org, ObjectType.PRODUCT, Map.of("active", "true"))))
        .containsExactly("prod_1");
    assertThat(ids(list(org, ObjectType.PRODUCT, Map.of("active", "false"))))
        .containsExactly("prod_2");
    assertThat(ids(list(org, ObjectType.PRICE, Map.of("product", "prod_1"))))
        .containsExactly("plan_4", "price_2", "price_1");
    assertThat(ids(list(org, ObjectType.PRICE, Map.of("active", "true"))))
        .containsExactly("plan_4", "price_3", "price_1");
    assertThat(ids(list(org, ObjectType.PRICE, Map.of("product", "prod_1", "active", "false"))))
        .containsExactly("price_2");
    assertThat(ids(list(org, ObjectType.PRODUCT, Map.of("active", "yes")))).isEmpty();
    assertThat(ids(list(org, ObjectType.PRICE, Map.of("product", "prod_1", "active", "yes"))))
        .isEmpty();
  }

  @Test
  void orgsDoNotSeeEachOthersObjects() {
    OrgId mine = newOrg();
    OrgId theirs = newOrg();
    store().write(mine, live(ObjectType.REFUND, "re_1", refund("re_1", 1, "ch_1"), T1));
    store().write(theirs, live(ObjectType.REFUND, "re_2", refund("re_2", 2, "ch_1"), T1));

    assertThat(ids(list(mine, ObjectType.REFUND, Map.of()))).containsExactly("re_1");
    assertThat(ids(list(mine, ObjectType.REFUND, Map.of("charge", "ch_1"))))
        .containsExactly("re_1");
    assertThat(store().get(mine, ObjectType.REFUND, "re_2")).isEmpty();
  }

  @Test
  void cursorsWorkOnlyForTheOrgListFiltersAndTombstoneChoiceTheyWereIssuedFor() {
    OrgId org = newOrg();
    OrgId other = newOrg();
    for (int i = 0; i < 3; i++) {
      store()
          .write(
              org,
              live(
                  ObjectType.SUBSCRIPTION,
                  "sub_" + i,
                  subscription("sub_" + i, i, "cus_1", "active"),
                  T1));
      store()
          .write(
              other,
              live(
                  ObjectType.SUBSCRIPTION,
                  "sub_" + i,
                  subscription("sub_" + i, i, "cus_1", "active"),
                  T1));
    }
    Map<String, String> filters = Map.of("status", "active");
    String cursor =
        store()
            .list(org, new ListQuery(ObjectType.SUBSCRIPTION, filters, false, 1, null))
            .nextCursor();
    assertThat(cursor).isNotNull();

    assertInvalidCursor(
        () ->
            store().list(other, new ListQuery(ObjectType.SUBSCRIPTION, filters, false, 1, cursor)));
    assertInvalidCursor(
        () -> store().list(org, new ListQuery(ObjectType.INVOICE, filters, false, 1, cursor)));
    assertInvalidCursor(
        () ->
            store().list(org, new ListQuery(ObjectType.SUBSCRIPTION, Map.of(), false, 1, cursor)));
    assertInvalidCursor(
        () ->
            store()
                .list(
                    org,
                    new ListQuery(
                        ObjectType.SUBSCRIPTION, Map.of("status", "canceled"), false, 1, cursor)));
    assertInvalidCursor(
        () ->
            store()
                .list(
                    org,
                    new ListQuery(
                        ObjectType.SUBSCRIPTION,
                        Map.of("status", "active", "customer", "cus_1"),
                        false,
                        1,
                        cursor)));
    assertInvalidCursor(
        () -> store().list(org, new ListQuery(ObjectType.SUBSCRIPTION, filters, true, 1, cursor)));
    assertThat(
            ids(
                store()
                    .list(org, new ListQuery(ObjectType.SUBSCRIPTION, filters, false, 5, cursor))))
        .containsExactly("sub_1", "sub_0");
  }

  @Test
  void tamperedAndGarbageCursorsAreInvalid() {
    OrgId org = newOrg();
    for (int i = 0; i < 3; i++) {
      store().write(org, live(ObjectType.PRODUCT, "prod_" + i, product("prod_" + i, i, true), T1));
    }
    String cursor =
        store().list(org, new ListQuery(ObjectType.PRODUCT, Map.of(), false, 1, null)).nextCursor();
    byte[] bytes = Base64.getUrlDecoder().decode(cursor);
    bytes[bytes.length / 2] ^= 1;
    String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

    for (String bad :
        List.of(tampered, "", "not a cursor", "AAAA", cursor + "A", cursor.substring(1))) {
      assertInvalidCursor(
          () -> store().list(org, new ListQuery(ObjectType.PRODUCT, Map.of(), false, 1, bad)));
    }
  }

  private ListPage list(OrgId org, ObjectType type, Map<String, String> filters) {
    return store().list(org, new ListQuery(type, filters, false, ListQuery.MAX_LIMIT, null));
  }

  private List<String> walk(
      OrgId org, ObjectType type, Map<String, String> filters, boolean includeDeleted, int limit) {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      ListPage page =
          store().list(org, new ListQuery(type, filters, includeDeleted, limit, cursor));
      assertThat(page.items().size()).isLessThanOrEqualTo(limit);
      if (page.hasMore()) {
        assertThat(page.items()).hasSize(limit);
      }
      seen.addAll(ids(page));
      cursor = page.nextCursor();
    } while (cursor != null);
    return seen;
  }

  private static void assertInvalidCursor(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ApiProblem.class,
            problem -> assertThat(problem.code()).isEqualTo(ErrorCode.INVALID_CURSOR));
  }

  protected static List<String> ids(ListPage page) {
    return page.items().stream().map(MirrorItem::id).toList();
  }

  protected static MirrorDocument live(ObjectType type, String id, String json, Instant snapshot) {
    return new MirrorDocument(type, id, json, snapshot, false);
  }

  protected static MirrorDocument tombstone(
      ObjectType type, String id, String json, Instant snapshot) {
    return new MirrorDocument(type, id, json, snapshot, true);
  }

  protected static ObjectNode customer(String id, long created, String email) {
    return object(id, "customer", created, o -> o.put("email", email).put("currency", "usd"));
  }

  protected static String subscription(String id, long created, String customer, String status) {
    return object(
            id, "subscription", created, o -> o.put("customer", customer).put("status", status))
        .toString();
  }

  protected static String invoice(String id, long created, String customer, String status) {
    return object(
            id,
            "invoice",
            created,
            o ->
                o.put("customer", customer)
                    .put("status", status)
                    .put("amount_due", 1500)
                    .put("currency", "eur"))
        .toString();
  }

  protected static String charge(String id, long created, String customer, String status) {
    return object(
            id,
            "charge",
            created,
            o ->
                o.put("customer", customer)
                    .put("status", status)
                    .put("amount", 2000)
                    .put("currency", "usd"))
        .toString();
  }

  protected static String refund(String id, long created, String charge) {
    return object(id, "refund", created, o -> o.put("charge", charge).put("amount", 500))
        .toString();
  }

  protected static String product(String id, long created, boolean active) {
    return object(id, "product", created, o -> o.put("active", active).put("name", id)).toString();
  }

  protected static String price(String id, long created, String product, boolean active) {
    return object(
            id,
            "price",
            created,
            o ->
                o.put("product", product)
                    .put("active", active)
                    .put("unit_amount", 1000)
                    .put("currency", "usd"))
        .toString();
  }

  private static ObjectNode object(
      String id, String object, long created, Consumer<ObjectNode> fields) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("id", id).put("object", object).put("created", created).put("livemode", false);
    fields.accept(node);
    return node;
  }
}
