package com.agentbilly.adapter.stripe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.port.KeyVault;
import com.agentbilly.port.StripeObjectFetcher;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How Stripe's answers to a re-fetch are read, against a local stand-in for Stripe's API. */
class StripeApiObjectFetcherTest {

  private static final OrgId ORG = new OrgId("org_testfetcheraaaaaaaaaaaaaaa");
  private static final String SYNC_KEY = "rk_test_fetcherSync0000000000000000001";
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00.250Z");

  private final List<String> requests = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void anObjectStripeHasIsFoundWithTheMomentTheRequestStarted() throws IOException {
    String customer = "{\"id\":\"cus_test_1\",\"object\":\"customer\",\"email\":\"a@example.com\"}";
    StripeObjectFetcher fetcher = fetcherAnswering(200, customer, Optional.of(SYNC_KEY));

    assertThat(fetcher.fetch(ORG, ObjectType.CUSTOMER, "cus_test_1"))
        .isEqualTo(new StripeObjectFetcher.Found(customer, NOW));
    assertThat(requests).containsExactly("GET /v1/customers/cus_test_1 Bearer " + SYNC_KEY);
  }

  @Test
  void aPlanIsReadThroughThePricesApi() throws IOException {
    StripeObjectFetcher fetcher =
        fetcherAnswering(
            200, "{\"id\":\"plan_test_1\",\"object\":\"price\"}", Optional.of(SYNC_KEY));

    fetcher.fetch(ORG, ObjectType.PRICE, "plan_test_1");

    assertThat(requests).containsExactly("GET /v1/prices/plan_test_1 Bearer " + SYNC_KEY);
  }

  @Test
  void aDeletedCustomerIsGone() throws IOException {
    StripeObjectFetcher fetcher =
        fetcherAnswering(
            200,
            "{\"id\":\"cus_test_1\",\"object\":\"customer\",\"deleted\":true}",
            Optional.of(SYNC_KEY));

    assertThat(fetcher.fetch(ORG, ObjectType.CUSTOMER, "cus_test_1"))
        .isEqualTo(new StripeObjectFetcher.Gone(NOW));
  }

  @Test
  void aMissingObjectIsGone() throws IOException {
    StripeObjectFetcher fetcher =
        fetcherAnswering(
            404,
            "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"resource_missing\","
                + "\"message\":\"No such product: 'prod_test_1'\"}}",
            Optional.of(SYNC_KEY));

    assertThat(fetcher.fetch(ORG, ObjectType.PRODUCT, "prod_test_1"))
        .isEqualTo(new StripeObjectFetcher.Gone(NOW));
  }

  @Test
  void aRefusedKeyMakesTheTieUnresolvable() throws IOException {
    StripeObjectFetcher fetcher =
        fetcherAnswering(
            403,
            "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"The provided key"
                + " does not have the required permissions.\"}}",
            Optional.of(SYNC_KEY));

    assertThat(fetcher.fetch(ORG, ObjectType.CUSTOMER, "cus_test_1"))
        .isEqualTo(new StripeObjectFetcher.Unresolvable("Stripe refused the sync key (HTTP 403)"));
  }

  @Test
  void withoutASyncKeyNothingIsAsked() throws IOException {
    StripeObjectFetcher fetcher = fetcherAnswering(200, "{}", Optional.empty());

    assertThat(fetcher.fetch(ORG, ObjectType.CUSTOMER, "cus_test_1"))
        .isEqualTo(new StripeObjectFetcher.Unresolvable("no sync key connected"));
    assertThat(requests).isEmpty();
  }

  @Test
  void aStripeOutageIsUnavailableAndNamesNoKey() throws IOException {
    StripeObjectFetcher fetcher =
        fetcherAnswering(
            500,
            "{\"error\":{\"type\":\"api_error\",\"message\":\"boom\"}}",
            Optional.of(SYNC_KEY));

    assertThatThrownBy(() -> fetcher.fetch(ORG, ObjectType.CUSTOMER, "cus_test_1"))
        .isInstanceOf(StripeObjectFetcher.Unavailable.class)
        .hasMessage("GET /v1/customers/… failed: HTTP 500, ApiException")
        .message()
        .doesNotContain(SYNC_KEY);
  }

  private StripeObjectFetcher fetcherAnswering(int status, String body, Optional<String> key)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.add(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI().getRawPath()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] bytes = body.getBytes(UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    return new StripeApiObjectFetcher(
        new OneKeyVault(key),
        new StripeClients(base, Duration.ofSeconds(2), Duration.ofSeconds(2), 0),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** A vault holding at most the org's sync key. */
  private record OneKeyVault(Optional<String> syncKey) implements KeyVault {

    @Override
    public void put(OrgId org, SecretPurpose purpose, String secret) {
      throw new UnsupportedOperationException("read-only");
    }

    @Override
    public Optional<String> get(OrgId org, SecretPurpose purpose) {
      return purpose == SecretPurpose.SYNC ? syncKey : Optional.empty();
    }

    @Override
    public void delete(OrgId org, SecretPurpose purpose) {
      throw new UnsupportedOperationException("read-only");
    }
  }
}
