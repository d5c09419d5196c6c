package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.adapter.stripe.StripeExchange;
import com.agentbilly.adapter.stripe.StripePermissionProber;
import com.agentbilly.domain.keys.Probe;
import com.agentbilly.domain.keys.ProbeAnswer;
import com.agentbilly.domain.keys.StripePermission;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiResource.RequestMethod;
import com.stripe.net.StripeResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract tests of the permission probes (DESIGN.md §3) against stripe-mock, which validates every
 * request against Stripe's OpenAPI spec and answers 400 to one that does not match it. Being
 * stateless, stripe-mock answers a well-formed request for a missing id with a fixture (200): that
 * means the shape is valid, which is what real Stripe needs to reach its permission check and then
 * answer 403 or {@code resource_missing}.
 */
class ProbeContractIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET_KEY = "sk_test_billyProbeContract00000000000000";
  private static final String RESTRICTED_KEY = "rk_test_billyProbeContract00000000000000";
  private static final String MISSING = "agent_billy_probe_missing";

  /** What stripe-mock answers each write probe with: the object the request is about. */
  private static final Map<StripePermission, String> WRITTEN_OBJECT = writtenObjects();

  private static String stripeMockUrl;

  @BeforeAll
  static void findStripeMock() {
    stripeMockUrl = System.getenv("STRIPE_MOCK_URL");
    assertThat(stripeMockUrl)
        .as(
            "STRIPE_MOCK_URL is not set: run `make test`, which starts stripe-mock (or"
                + " infra/bin/stack-up test and eval \"$(infra/bin/stack-env test)\")")
        .isNotBlank();
  }

  static Stream<Probe> readProbes() {
    return Probe.table().values().stream().filter(probe -> !probe.permission().isWrite());
  }

  static Stream<Probe> writeProbes() {
    return Probe.table().values().stream().filter(probe -> probe.permission().isWrite());
  }

  @Test
  void thereIsOneProbeForEveryPermission() {
    assertThat(Probe.table().keySet()).isEqualTo(EnumSet.allOf(StripePermission.class));
    assertThat(readProbes().count() + writeProbes().count()).isEqualTo(17);
    Probe.table()
        .forEach((permission, probe) -> assertThat(probe.permission()).isEqualTo(permission));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("readProbes")
  void readProbesAreOneItemListsThatStripeAccepts(Probe probe) throws Exception {
    assertThat(probe.method()).isEqualTo("GET");
    assertThat(probe.form()).isEqualTo("limit=1");

    for (String key : new String[] {SECRET_KEY, RESTRICTED_KEY}) {
      StripeResponse response = send(key, probe);

      assertThat(response.code()).as(response.body()).isEqualTo(200);
      JsonNode list = JSON.readTree(response.body());
      assertThat(list.get("object").asText()).isEqualTo("list");
      assertThat(list.get("url").asText()).isEqualTo(probe.path());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writeProbes")
  void writeProbesAreWellFormedRequestsAboutAMissingObjectThatStripeAccepts(Probe probe)
      throws Exception {
    assertThat(probe.method()).isEqualTo("POST");
    assertThat(probe.path() + "?" + probe.form()).contains(MISSING);

    for (String key : new String[] {SECRET_KEY, RESTRICTED_KEY}) {
      StripeResponse response = send(key, probe);

      assertThat(response.code()).as(response.body()).isEqualTo(200);
      JsonNode object = JSON.readTree(response.body());
      assertThat(object.get("object").asText()).isEqualTo(WRITTEN_OBJECT.get(probe.permission()));
      if (probe.permission() == StripePermission.REFUND_WRITE) {
        assertThat(probe.path()).isEqualTo("/v1/refunds");
        assertThat(object.get("charge").asText()).isEqualTo("ch_" + MISSING);
      } else {
        assertThat(probe.path()).endsWith("_" + MISSING);
        assertThat(object.get("id").asText())
            .isEqualTo(probe.path().substring(probe.path().lastIndexOf('/') + 1));
      }
    }
  }

  @Test
  void theProberSendsEveryProbeInAShapeStripeAccepts() {
    StripePermissionProber prober =
        new StripePermissionProber(
            StripeExchange.interactive(stripeMockUrl), Duration.ofSeconds(20));

    Map<StripePermission, ProbeAnswer> answers =
        prober.probe(RESTRICTED_KEY, Probe.table().values());

    Map<StripePermission, ProbeAnswer> expected = new EnumMap<>(StripePermission.class);
    for (StripePermission permission : StripePermission.values()) {
      expected.put(permission, ProbeAnswer.has());
    }
    assertThat(answers).isEqualTo(expected);
  }

  @Test
  void stripeMockRefusesARequestOutsideTheSpec() {
    Probe malformed =
        new Probe(
            StripePermission.REFUND_WRITE,
            "POST",
            "/v1/refunds",
            "charge=ch_" + MISSING + "&agent_billy_not_a_parameter=1");

    assertThatThrownBy(() -> send(SECRET_KEY, malformed))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(400);
              assertThat(e.getStripeError().getMessage())
                  .startsWith("Request validation error")
                  .contains("additional properties are not allowed");
            });
  }

  /** The probe as the prober sends it: stripe-java's raw request, query or form as in the table. */
  private static StripeResponse send(String key, Probe probe) throws StripeException, IOException {
    StripeClient client =
        StripeClient.builder()
            .setApiKey(key)
            .setApiBase(stripeMockUrl)
            .setMaxNetworkRetries(0)
            .setConnectTimeout(5_000)
            .setReadTimeout(20_000)
            .build();
    return probe.method().equals("GET")
        ? client.rawRequest(RequestMethod.GET, probe.path() + "?" + probe.form(), null)
        : client.rawRequest(RequestMethod.POST, probe.path(), probe.form());
  }

  private static Map<StripePermission, String> writtenObjects() {
    Map<StripePermission, String> objects = new EnumMap<>(StripePermission.class);
    objects.put(StripePermission.REFUND_WRITE, "refund");
    objects.put(StripePermission.SUBSCRIPTION_WRITE, "subscription");
    objects.put(StripePermission.CUSTOMER_WRITE, "customer");
    objects.put(StripePermission.PRODUCT_WRITE, "product");
    objects.put(StripePermission.PRICE_WRITE, "price");
    objects.put(StripePermission.CHARGE_WRITE, "charge");
    objects.put(StripePermission.INVOICE_WRITE, "invoice");
    objects.put(StripePermission.PAYOUT_WRITE, "payout");
    return objects;
  }
}
