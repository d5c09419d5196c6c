package com.agentbilly.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.testing.InMemoryEventLedger;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.StripeSignatures;
import com.agentbilly.testing.WebhookRequests;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever the order Stripe delivers in, and however often: the mirror ends at each object's newest
 * state. Histories have many versions in the same second, so ties are common; they are resolved
 * through a Stripe that answers the object's true current state.
 */
class MirrorConvergenceTest {

  private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");
  private static final Instant NOW = T0.plusSeconds(600);
  private static final String SECRET = "whsec_test_property000000000000000";
  private static final OrgId ORG = new OrgId("org_testwebhookpropertyaaaaaaa");
  private static final List<String> OBJECTS = List.of("cus_test_a", "cus_test_b", "cus_test_c");

  /** One state of a customer, and the event that carries it. */
  record Version(String objectId, int n, long created, boolean deletion, String json) {

    String eventId() {
      return "evt_test_" + objectId + "_" + n;
    }

    String body() {
      String type =
          deletion ? "customer.deleted" : n == 0 ? "customer.created" : "customer.updated";
      return WebhookRequests.event(eventId(), type, created, false, json);
    }
  }

  /** The objects' histories, oldest version first, and what Stripe delivered, in order. */
  record Scenario(List<List<Version>> histories, List<Version> deliveries) {}

  @Property(tries = 300)
  void theMirrorEndsAtEachObjectsNewestStateWhateverTheDeliveryOrder(
      @ForAll("scenarios") Scenario scenario) {
    Map<String, Version> newest =
        scenario.histories().stream()
            .map(h -> h.get(h.size() - 1))
            .collect(Collectors.toMap(Version::objectId, Function.identity()));
    AtomicLong fetchClock = new AtomicLong(NOW.toEpochMilli());
    StripeObjectFetcher trueStripe =
        (org, type, id) -> {
          Instant startedAt = Instant.ofEpochMilli(fetchClock.incrementAndGet());
          Version current = newest.get(id);
          return current.deletion()
              ? new StripeObjectFetcher.Gone(startedAt)
              : new StripeObjectFetcher.Found(current.json(), startedAt);
        };
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    InMemoryMirrorStore mirror = new InMemoryMirrorStore(clock);
    InMemoryEventLedger ledger = new InMemoryEventLedger();
    ApplyStripeEvent events =
        new ApplyStripeEvent(orgStore(), vault(), mirror, ledger, trueStripe, clock);

    Set<String> seen = new HashSet<>();
    boolean refetched = false;
    for (Version delivery : scenario.deliveries()) {
      String body = delivery.body();
      ApplyStripeEvent.Receipt receipt =
          events.receive(ORG, body, StripeSignatures.of(body).secret(SECRET).at(NOW).header());
      assertThat(receipt.duplicate()).isEqualTo(!seen.add(delivery.eventId()));
      refetched |= receipt.outcome() == ApplyStripeEvent.Outcome.REFETCHED;
    }
    Statistics.label("tie resolved by a re-fetch").collect(refetched);
    // Guards the generator: a good share of the runs must go through the re-fetch path.
    Statistics.label("tie resolved by a re-fetch")
        .coverage(coverage -> coverage.check(true).percentage(p -> p >= 30));

    for (List<Version> history : scenario.histories()) {
      Version last = history.get(history.size() - 1);
      MirrorItem stored = mirror.get(ORG, ObjectType.CUSTOMER, last.objectId()).orElseThrow();
      assertThat(stored.deleted()).as("deleted %s", last.objectId()).isEqualTo(last.deletion());
      if (last.deletion()) {
        // A tombstone keeps a state the object had; which one depends on the order.
        assertThat(stored.json()).isIn(history.stream().map(Version::json).toList());
      } else {
        assertThat(stored.json()).as("state of %s", last.objectId()).isEqualTo(last.json());
      }
    }
    assertThat(ledger.size(ORG)).isEqualTo(seen.size());
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<List<List<Version>>> histories =
        Combinators.combine(
                history(OBJECTS.get(0)), history(OBJECTS.get(1)), history(OBJECTS.get(2)))
            .as(List::of);
    return histories.flatMap(
        hs -> {
          List<Version> all = hs.stream().flatMap(List::stream).toList();
          return Arbitraries.integers()
              .between(0, all.size() - 1)
              .list()
              .ofMaxSize(all.size())
              .flatMap(
                  duplicates -> {
                    List<Version> sent = new ArrayList<>(all);
                    duplicates.forEach(i -> sent.add(all.get(i)));
                    return Arbitraries.shuffle(sent);
                  })
              .map(order -> new Scenario(hs, order));
        });
  }

  /** 1–6 versions, each 0 (most often), 1 or 2 seconds after the previous; maybe deleted last. */
  private static Arbitrary<List<Version>> history(String id) {
    Arbitrary<Integer> step =
        Arbitraries.frequency(List.of(Tuple.of(4, 0), Tuple.of(1, 1), Tuple.of(1, 2)));
    Arbitrary<Boolean> deletedLast =
        Arbitraries.frequency(List.of(Tuple.of(3, false), Tuple.of(1, true)));
    return Combinators.combine(step.list().ofMinSize(1).ofMaxSize(6), deletedLast)
        .as(
            (steps, deleted) -> {
              List<Version> versions = new ArrayList<>();
              long created = T0.getEpochSecond();
              for (int n = 0; n < steps.size(); n++) {
                created += steps.get(n);
                boolean deletion = deleted && n == steps.size() - 1 && n > 0;
                String json =
                    deletion
                        ? versions.get(n - 1).json()
                        : "{\"id\":\""
                            + id
                            + "\",\"object\":\"customer\",\"created\":"
                            + T0.getEpochSecond()
                            + ",\"email\":\"v"
                            + n
                            + "@example.com\"}";
                versions.add(new Version(id, n, created, deletion, json));
              }
              return versions;
            });
  }

  private static InMemoryOrgStore orgStore() {
    InMemoryOrgStore orgs = new InMemoryOrgStore();
    orgs.createOrg(
        new Org(ORG, "Property Co", Mode.TEST, null, true, T0, "u-1"),
        new Membership(ORG, "Property Co", "u-1", "owner@demo.test", Role.OWNER, T0));
    return orgs;
  }

  private static FakeKeyVault vault() {
    FakeKeyVault vault = new FakeKeyVault();
    vault.put(ORG, SecretPurpose.WEBHOOK, SECRET);
    return vault;
  }
}
