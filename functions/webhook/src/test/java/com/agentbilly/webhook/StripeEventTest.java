package com.agentbilly.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StripeEventTest {

  private static String event(String id, String type, String objectId, String name) {
    return "{\"id\":\""
        + id
        + "\",\"type\":\""
        + type
        + "\",\"created\":1764400000,\"livemode\":false,\"data\":{\"object\":{\"id\":\""
        + objectId
        + "\",\"object\":\"customer\",\"name\":\""
        + name
        + "\"}}}";
  }

  @Test
  void anOrdinaryEventIsRead() {
    StripeEvent event =
        StripeEvent.parse(event("evt_1", "customer.updated", "cus_1", "Ann \\ud83d\\ude00"));

    assertThat(event.objectId()).isEqualTo("cus_1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "type", "object"})
  void anIdPastTheLimitIsNotAnEvent(String which) {
    String longId = "x".repeat(StripeEvent.MAX_ID_LENGTH + 1);
    String payload =
        event(
            which.equals("id") ? longId : "evt_1",
            which.equals("type") ? longId : "customer.updated",
            which.equals("object") ? longId : "cus_1",
            "Ann");

    assertThatThrownBy(() -> StripeEvent.parse(payload))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(p.getMessage())
                  .isEqualTo(
                      "The body is not a Stripe event: an id or type is longer than 255"
                          + " characters.");
            });
  }

  @Test
  void anIdAtTheLimitIsRead() {
    String id = "x".repeat(StripeEvent.MAX_ID_LENGTH);

    assertThat(StripeEvent.parse(event("evt_1", "customer.updated", id, "Ann")).objectId())
        .isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\\ud800", "a\\udc00", "\\ud83d"})
  void aLoneSurrogateAnywhereIsNotAnEvent(String name) {
    assertThatThrownBy(() -> StripeEvent.parse(event("evt_1", "customer.updated", "cus_1", name)))
        .isInstanceOf(ApiProblem.class)
        .hasMessage("The body is not a Stripe event: it holds an unpaired UTF-16 surrogate.");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-1",
        "-9223372036854775808",
        "253402300800",
        "31556889864403200",
        "9223372036854775807"
      })
  void aCreatedTimeNoEventCouldHaveIsNotAnEvent(String created) {
    String payload =
        event("evt_1", "customer.updated", "cus_1", "Ann").replace("1764400000", created);

    assertThatThrownBy(() -> StripeEvent.parse(payload))
        .isInstanceOf(ApiProblem.class)
        .hasMessage("The body is not a Stripe event: it has no created time.");
  }
}
