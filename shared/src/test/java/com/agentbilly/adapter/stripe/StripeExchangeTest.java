package com.agentbilly.adapter.stripe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.Stripe;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the probes' requests carry and when they are retried, against a local stand-in. */
class StripeExchangeTest {

  private static final String KEY = "rk_test_exchange000000000000000000001";
  private static final String MISSING_PERMISSION =
      "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Having the 'rak_charge_read'"
          + " permission would allow this request to continue.\"}}";

  /** One request as the stand-in saw it. */
  record Seen(
      String method,
      String target,
      String authorization,
      String version,
      String idempotencyKey,
      String contentType,
      String body) {}

  /** An answer the stand-in gives: status, body, an optional Stripe-Should-Retry, a delay. */
  record Reply(int status, String body, String shouldRetry, Duration delay) {
    static Reply of(int status, String body) {
      return new Reply(status, body, null, Duration.ZERO);
    }
  }

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Deque<Reply> replies = new ArrayDeque<>();
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void aGetCarriesTheKeyAndThePinnedVersionAndAnErrorAnswerIsReadWhole() throws Exception {
    StripeExchange stripe = standIn(Reply.of(403, MISSING_PERMISSION));

    StripeExchange.Answer answer = stripe.send(KEY, "/v1/charges?limit=1", null);

    assertThat(answer).isEqualTo(new StripeExchange.Answer(403, MISSING_PERMISSION));
    assertThat(seen)
        .containsExactly(
            new Seen(
                "GET", "/v1/charges?limit=1", "Bearer " + KEY, Stripe.API_VERSION, null, null, ""));
  }

  @Test
  void aPostSendsItsFormWithAnIdempotencyKeyThatItsRetryRepeats() throws Exception {
    StripeExchange stripe =
        standIn(Reply.of(500, "{\"error\":{}}"), Reply.of(404, "{\"error\":{\"code\":\"x\"}}"));

    StripeExchange.Answer answer = stripe.send(KEY, "/v1/refunds", "charge=ch_missing");

    assertThat(answer.status()).isEqualTo(404);
    assertThat(seen).hasSize(2);
    Seen first = seen.get(0);
    assertThat(first.method()).isEqualTo("POST");
    assertThat(first.body()).isEqualTo("charge=ch_missing");
    assertThat(first.contentType()).isEqualTo("application/x-www-form-urlencoded;charset=UTF-8");
    assertThat(first.idempotencyKey()).matches("[0-9a-f-]{36}");
    assertThat(seen.get(1)).isEqualTo(first);
  }

  @Test
  void aConflictIsRetriedUntilTheRetriesAreSpentAndTheLastAnswerStands() throws Exception {
    StripeExchange stripe = standIn(Reply.of(409, "{\"n\":1}"), Reply.of(409, "{\"n\":2}"));

    assertThat(stripe.send(KEY, "/v1/customers?limit=1", null))
        .isEqualTo(new StripeExchange.Answer(409, "{\"n\":2}"));
    assertThat(seen).hasSize(2);
  }

  @Test
  void stripesWordOnRetryingOutweighsTheStatus() throws Exception {
    StripeExchange noRetry =
        standIn(new Reply(503, "{}", "false", Duration.ZERO), Reply.of(200, "{}"));
    assertThat(noRetry.send(KEY, "/v1/customers?limit=1", null).status()).isEqualTo(503);
    assertThat(seen).hasSize(1);
    stop();
    seen.clear();
    replies.clear();

    StripeExchange retry =
        standIn(new Reply(400, "{}", "true", Duration.ZERO), Reply.of(200, "{}"));
    assertThat(retry.send(KEY, "/v1/customers?limit=1", null).status()).isEqualTo(200);
    assertThat(seen).hasSize(2);
  }

  @Test
  void aRefusalOrAMissingPermissionIsNotRetried() throws Exception {
    StripeExchange stripe = standIn(Reply.of(401, "{}"), Reply.of(200, "{}"));

    assertThat(stripe.send(KEY, "/v1/customers?limit=1", null).status()).isEqualTo(401);
    assertThat(seen).hasSize(1);
  }

  @Test
  void anAnswerLatePastTheReadTimeoutIsRetriedAndThenThrown() throws Exception {
    Reply late = new Reply(200, "{}", null, Duration.ofSeconds(2));
    StripeExchange stripe = standIn(late, late);

    assertThatThrownBy(() -> stripe.send(KEY, "/v1/customers?limit=1", null))
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessageNotContaining(KEY);
    assertThat(seen).hasSize(2);
  }

  @Test
  void anUnreachableStripeIsTriedAgainAndThenThrown() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    StripeExchange stripe =
        new StripeExchange(
            "http://127.0.0.1:" + closed, Duration.ofSeconds(1), Duration.ofMillis(300), 1);

    assertThatThrownBy(() -> stripe.send(KEY, "/v1/refunds", "charge=ch_1"))
        .isInstanceOf(ConnectException.class)
        .hasMessageNotContaining(KEY);
  }

  private StripeExchange standIn(Reply... answers) throws IOException {
    replies.addAll(List.of(answers));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::answer);
    // A request each, so a late answer does not hold up the retry behind it.
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    return new StripeExchange(
        "http://127.0.0.1:" + server.getAddress().getPort(),
        Duration.ofSeconds(1),
        Duration.ofMillis(300),
        1);
  }

  private void answer(HttpExchange exchange) throws IOException {
    var headers = exchange.getRequestHeaders();
    seen.add(
        new Seen(
            exchange.getRequestMethod(),
            exchange.getRequestURI().toString(),
            headers.getFirst("Authorization"),
            headers.getFirst("Stripe-Version"),
            headers.getFirst("Idempotency-Key"),
            headers.getFirst("Content-Type"),
            new String(exchange.getRequestBody().readAllBytes(), UTF_8)));
    Reply reply;
    synchronized (replies) {
      reply = replies.removeFirst();
    }
    try {
      Thread.sleep(reply.delay());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (reply.shouldRetry() != null) {
      exchange.getResponseHeaders().add("Stripe-Should-Retry", reply.shouldRetry());
    }
    byte[] body = reply.body().getBytes(UTF_8);
    try {
      exchange.sendResponseHeaders(reply.status(), body.length);
      exchange.getResponseBody().write(body);
    } catch (IOException clientGone) {
      // The late answer's client timed out and left.
    }
    exchange.close();
  }
}
