package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.net.ApiResource.RequestMethod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The demo account {@code make dev} seeds, in a freshly emptied localstripe. */
@WithLocalStack
class DemoAccountSeederIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base = requiredEnv("LOCALSTRIPE_URL");
  private final StripeClient stripe =
      StripeClient.builder()
          .setApiKey(requiredEnv("LOCALSTRIPE_SECRET_KEY"))
          .setApiBase(base)
          .build();

  DemoAccountSeederIT(LocalStack stack) {}

  @Test
  void theDemoAccountHasEveryStateTheProductShows() throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> cleared =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/_config/data")).DELETE().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(cleared.statusCode()).isEqualTo(200);
    }

    new DemoAccountSeeder(base, requiredEnv("LOCALSTRIPE_SECRET_KEY")).seed();

    List<JsonNode> subscriptions = all("/v1/subscriptions?status=all");
    assertThat(values(subscriptions, s -> s.path("status").asText()))
        .containsExactlyInAnyOrder("active", "past_due", "canceled", "incomplete");
    assertThat(subscriptions)
        .filteredOn(s -> s.path("status").asText().equals("incomplete"))
        .allSatisfy(s -> assertThat(s.path("trial_period_days").asInt()).isEqualTo(14));
    assertThat(subscriptions)
        .filteredOn(s -> s.path("status").asText().equals("past_due"))
        .hasSize(2);
    List<JsonNode> invoices = all("/v1/invoices");
    assertThat(values(invoices, i -> i.path("status").asText()))
        .containsExactlyInAnyOrder("paid", "open");
    assertThat(values(invoices, i -> i.path("currency").asText()))
        .containsExactlyInAnyOrder("usd", "eur");
    List<JsonNode> charges = all("/v1/charges");
    assertThat(values(charges, c -> c.path("status").asText()))
        .containsExactlyInAnyOrder("succeeded", "failed");
    assertThat(charges).anySatisfy(c -> assertThat(c.path("refunded").asBoolean()).isTrue());
  }

  private List<JsonNode> all(String path) throws Exception {
    List<JsonNode> objects = new ArrayList<>();
    String after = null;
    boolean more = true;
    while (more) {
      String separator = path.contains("?") ? "&" : "?";
      JsonNode page =
          JSON.readTree(
              stripe
                  .rawRequest(
                      RequestMethod.GET,
                      path
                          + separator
                          + "limit=100"
                          + (after == null ? "" : "&starting_after=" + after),
                      null)
                  .body());
      page.get("data").forEach(objects::add);
      more = page.get("has_more").asBoolean() && !page.get("data").isEmpty();
      after = objects.isEmpty() ? null : objects.get(objects.size() - 1).get("id").asText();
    }
    return objects;
  }

  private static Set<String> values(List<JsonNode> objects, Function<JsonNode, String> field) {
    Set<String> values = new TreeSet<>();
    objects.forEach(object -> values.add(field.apply(object)));
    return values;
  }

  private static String requiredEnv(String name) {
    String value = System.getenv(name);
    assertThat(value).as("environment variable %s (set by make test)", name).isNotBlank();
    return value;
  }
}
