package com.agentbilly.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.Json;
import com.agentbilly.local.bench.LoadEvents.Delivery;
import com.agentbilly.local.bench.LoadEvents.State;
import com.agentbilly.local.bench.LoadEvents.StripeObject;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LoadEventsTest {

  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  private final LoadEvents events = LoadEvents.plan(3, 400, 0.1, "t1", NOW, 42);

  @Test
  void makesTheDeliveriesAskedForWithTheirShareOfRedeliveries() {
    List<Delivery> deliveries = events.deliveries();
    Set<String> distinct =
        deliveries.stream().map(d -> d.event().eventId()).collect(Collectors.toSet());

    assertThat(deliveries).hasSize(400);
    assertThat(events.redeliveries()).isEqualTo(40);
    assertThat(distinct).hasSize(360);
    assertThat(events.objects().stream().mapToInt(o -> o.states().size()).sum()).isEqualTo(360);
  }

  @Test
  void spreadsTheEventsEvenlyOverTheOrgsAndEveryKindOfObject() {
    Map<Integer, Integer> perOrg = new HashMap<>();
    for (StripeObject object : events.objects()) {
      perOrg.merge(object.org(), object.states().size(), Integer::sum);
    }

    assertThat(perOrg).containsOnlyKeys(0, 1, 2);
    assertThat(perOrg.values()).containsOnly(120);
    assertThat(events.objects().stream().map(StripeObject::type).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(ObjectType.values());
  }

  @Test
  void aRedeliveryRepeatsTheBodyOfAnEarlierDeliveryToTheSameOrg() {
    Map<String, Delivery> first = new HashMap<>();
    int repeats = 0;
    for (Delivery delivery : events.deliveries()) {
      Delivery earlier = first.putIfAbsent(delivery.event().eventId(), delivery);
      if (earlier != null) {
        repeats++;
        assertThat(delivery).isEqualTo(earlier);
      }
    }
    assertThat(repeats).isEqualTo(40);
  }

  @Test
  void theStatesOfAnObjectAreOneSecondApartAndEachCarriesItsNumber() throws Exception {
    for (StripeObject object : events.objects()) {
      List<State> states = object.states();
      for (int n = 0; n < states.size(); n++) {
        State state = states.get(n);
        JsonNode event = Json.read(state.body());
        assertThat(state.number()).isEqualTo(n);
        assertThat(state.created()).isEqualTo(states.getFirst().created() + n);
        assertThat(event.get("created").asLong()).isEqualTo(state.created());
        assertThat(event.get("id").asText()).isEqualTo(state.eventId());
        assertThat(event.get("type").asText()).isEqualTo(state.eventType());
        assertThat(event.at("/data/object/id").asText()).isEqualTo(object.id());
        assertThat(event.at("/data/object/object").asText()).isEqualTo(object.type().objectName());
        assertThat(event.at("/data/object/metadata/load_state").asText())
            .isEqualTo(Integer.toString(n));
      }
    }
  }

  @Test
  void someStatesArriveAfterTheNextStateOfTheirObject() {
    Map<String, Integer> position = new HashMap<>();
    List<Delivery> deliveries = events.deliveries();
    for (int i = 0; i < deliveries.size(); i++) {
      position.putIfAbsent(deliveries.get(i).event().eventId(), i);
    }
    Set<String> overtaken = new HashSet<>();
    for (StripeObject object : events.objects()) {
      for (int n = 1; n < object.states().size(); n++) {
        if (position.get(object.states().get(n).eventId())
            < position.get(object.states().get(n - 1).eventId())) {
          overtaken.add(object.id());
        }
      }
    }
    assertThat(overtaken).isNotEmpty();
  }

  @Test
  void theFirstTenthOfTheDeliveriesAlreadyHoldsLaterStatesOfEveryKind() {
    List<Delivery> firstTenth = events.deliveries().subList(0, 40);

    assertThat(firstTenth).anyMatch(d -> d.event().number() == 1);
    assertThat(firstTenth).anyMatch(d -> d.event().number() == 0);
    assertThat(
            firstTenth.stream()
                .map(d -> d.event().eventType().split("\\.")[0])
                .collect(Collectors.toSet()))
        .contains("customer", "product", "price", "invoice", "charge", "refund");
  }

  @Test
  void theFinalStatesAddUpToTheSummaryTheApiCounts() throws JsonProcessingException {
    LoadEvents oneOrg = LoadEvents.plan(1, 12, 0, "t2", NOW, 7);
    LoadEvents.Contribution total = LoadEvents.Contribution.NONE;
    for (StripeObject object : oneOrg.objects()) {
      total = total.plus(object.states().getLast().contribution());
    }

    // One of each kind, round 0: a subscription now active with two seats of 10.00, a charge of
    // 20.00 partly refunded, its refund of 3.00.
    assertThat(oneOrg.objects()).hasSize(7);
    assertThat(total).isEqualTo(new LoadEvents.Contribution(2000, 1, 0, 2000, 300, 0));
    JsonNode subscription =
        Json.read(oneOrg.objects().get(3).states().getLast().body()).at("/data/object");
    assertThat(subscription.get("status").asText()).isEqualTo("active");
    assertThat(subscription.at("/items/data/0/quantity").asInt()).isEqualTo(2);
    assertThat(subscription.at("/items/data/0/price/unit_amount").asLong()).isEqualTo(1000);
  }
}
