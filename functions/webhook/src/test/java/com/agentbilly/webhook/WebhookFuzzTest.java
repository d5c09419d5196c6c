package com.agentbilly.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.http.Json;
import com.agentbilly.testing.InMemoryEventLedger;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.StripeSignatures;
import com.agentbilly.testing.WebhookRequests;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;
import org.slf4j.LoggerFactory;

/**
 * Fuzzes the webhook function through its handler, with the real use case over in-memory stores:
 * any path, header, body and base64 flag — random text, lone surrogates, Stripe events with their
 * fields replaced by random JSON, signed with the org's secret or not, fresh or stale — gets one of
 * the contract's answers (API.md "Webhook"): never a 5xx or an exception, never the secret in the
 * answer or the logs, and nothing written unless the answer is 200. The default number of tries is
 * bounded for {@code make test} ({@code junit-platform.properties}); {@code infra/bench/fuzz} runs
 * many more.
 */
class WebhookFuzzTest {

  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final String SECRET = "whsec_fuzz" + "Q7x".repeat(10);
  private static final OrgId ORG = new OrgId("org_testwebhookfuzzaaaaaaaaaaa");
  private static final Set<Integer> CONTRACT_STATUSES = Set.of(200, 400, 404, 413);
  private static final Set<String> CONTRACT_CODES =
      Set.of("invalid_signature", "invalid_request", "not_found", "payload_too_large");

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeProperty
  void captureLogs() {
    logs.start();
    root().addAppender(logs);
  }

  @AfterProperty
  void releaseLogs() {
    root().detachAppender(logs);
  }

  @Property
  void everyDeliveryGetsAContractAnswerAndOnlyAnAcceptedOneWrites(
      @ForAll("paths") String path,
      @ForAll("payloads") String payload,
      @ForAll("signatures") Signature signature,
      @ForAll("encodings") Encoding encoding) {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    InMemoryOrgStore orgs = new InMemoryOrgStore();
    orgs.createOrg(
        new Org(ORG, "Fuzz Co", Mode.TEST, null, true, NOW.minusSeconds(3600), "u-1"),
        new Membership(ORG, "Fuzz Co", "u-1", "owner@demo.test", Role.OWNER, NOW));
    FakeKeyVault vault = new FakeKeyVault();
    vault.put(ORG, SecretPurpose.WEBHOOK, SECRET);
    FlakyMirrorStore mirror = new FlakyMirrorStore(new InMemoryMirrorStore(clock));
    InMemoryEventLedger ledger = new InMemoryEventLedger();
    WebhookHandler handler =
        new WebhookHandler(
            new ApplyStripeEvent(orgs, vault, mirror, ledger, new FakeStripe(), clock));
    logs.list.clear();

    Map<String, String> headers = new HashMap<>();
    String header = signature.header(payload);
    if (header != null) {
      headers.put("Stripe-Signature", header);
    }
    APIGatewayV2HTTPResponse response =
        handler.handle(
            WebhookRequests.request(
                "POST", path, encoding.body(payload), encoding.flagged(), headers),
            null);

    Statistics.label("answer").collect(response.getStatusCode());
    assertThat(CONTRACT_STATUSES).contains(response.getStatusCode());
    JsonNode body = WebhookRequests.read(response.getBody());
    if (response.getStatusCode() == 200) {
      assertThat(body.get("received").asBoolean()).isTrue();
    } else {
      assertThat(CONTRACT_CODES).contains(body.at("/error/code").asText());
      assertThat(mirror.writes()).isEmpty();
      assertThat(ledger.size(ORG)).isZero();
    }
    assertThat(response.getBody()).doesNotContain(SECRET);
    assertThat(logText()).doesNotContain(SECRET).doesNotContain("v1=");
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, Arbitraries.just("/orgs/" + ORG.value())),
        net.jqwik.api.Tuple.of(1, Arbitraries.just("/orgs/org_testwebhookfuzzunknownaaaaa")),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMaxLength(60).map(s -> "/" + s)));
  }

  /** Stripe-looking events with fields replaced by random JSON, and plain random text. */
  @Provide
  Arbitrary<String> payloads() {
    Arbitrary<String> events =
        Combinators.combine(
                jsonValues(),
                Arbitraries.of(
                    "id",
                    "type",
                    "created",
                    "livemode",
                    "data",
                    "data.object",
                    "object.id",
                    "object.created",
                    "object.amount",
                    "object.amount_refunded",
                    "object.currency",
                    "object.customer",
                    "object.status",
                    "object.email",
                    "object.deleted",
                    "object.object",
                    "object.items",
                    "object.metadata"),
                Arbitraries.of(
                    "customer.created",
                    "customer.subscription.updated",
                    "invoice.paid",
                    "charge.refunded",
                    "refund.created",
                    "product.deleted",
                    "price.updated",
                    "ping"),
                Arbitraries.of(
                    "customer", "subscription", "invoice", "charge", "refund", "product", "price"),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(300))
            .as(WebhookFuzzTest::mutatedEvent);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, events),
        net.jqwik.api.Tuple.of(2, Arbitraries.strings().all().ofMaxLength(200)),
        net.jqwik.api.Tuple.of(
            1, Arbitraries.strings().withChars("{}[]\":,\\u0nt1e").ofMaxLength(80)));
  }

  private static String mutatedEvent(
      Object value, String field, String type, String objectType, String id) {
    String object =
        "{\"id\":\"obj_"
            + id
            + "\",\"object\":\""
            + objectType
            + "\",\"created\":"
            + (NOW.getEpochSecond() - 60)
            + ",\"amount\":1200,\"currency\":\"usd\",\"status\":\"active\","
            + "\"customer\":\"cus_1\",\"email\":\"jane@example.com\",\"name\":\"Jane\"}";
    ObjectNode event =
        (ObjectNode)
            WebhookRequests.read(
                WebhookRequests.event("evt_" + id, type, NOW.getEpochSecond() - 5, false, object));
    JsonNode replacement = Json.MAPPER.valueToTree(value);
    if (field.equals("data.object")) {
      ((ObjectNode) event.get("data")).set("object", replacement);
    } else if (field.startsWith("object.")) {
      ((ObjectNode) event.at("/data/object")).set(field.substring("object.".length()), replacement);
    } else {
      event.set(field, replacement);
    }
    return Json.write(event);
  }

  private static Arbitrary<Object> jsonValues() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40).map(s -> (Object) s),
        Arbitraries.strings().withCharRange('a', 'z').ofLength(2000).map(s -> (Object) s),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just((Object) null),
        Arbitraries.strings().ofMaxLength(5).list().ofMaxSize(3).map(l -> (Object) l),
        Arbitraries.maps(Arbitraries.strings().ofMaxLength(5), Arbitraries.strings().ofMaxLength(5))
            .ofMaxSize(3)
            .map(m -> (Object) m));
  }

  @Provide
  Arbitrary<Signature> signatures() {
    return Arbitraries.of(Signature.values());
  }

  @Provide
  Arbitrary<Encoding> encodings() {
    return Arbitraries.of(Encoding.values());
  }

  /** How a delivery is signed. */
  enum Signature {
    SIGNED,
    SIGNED_STALE,
    OTHER_SECRET,
    GARBAGE,
    ABSENT;

    String header(String payload) {
      return switch (this) {
        case SIGNED -> StripeSignatures.of(payload).secret(SECRET).at(NOW).header();
        case SIGNED_STALE ->
            StripeSignatures.of(payload).secret(SECRET).at(NOW.minusSeconds(301)).header();
        case OTHER_SECRET -> StripeSignatures.of(payload).secret("whsec_other").at(NOW).header();
        case GARBAGE ->
            "t=" + NOW.getEpochSecond() + ",v1=" + Integer.toHexString(payload.hashCode());
        case ABSENT -> null;
      };
    }
  }

  /** How the body travels: as text, base64 as flagged, or flagged base64 that is not. */
  enum Encoding {
    TEXT,
    BASE64,
    BROKEN_BASE64;

    String body(String payload) {
      return switch (this) {
        case TEXT -> payload;
        case BASE64 -> Base64.getEncoder().encodeToString(payload.getBytes(UTF_8));
        case BROKEN_BASE64 -> "%%" + payload;
      };
    }

    boolean flagged() {
      return this != TEXT;
    }
  }

  private String logText() {
    StringBuilder text = new StringBuilder();
    for (ILoggingEvent event : logs.list) {
      text.append(event.getFormattedMessage()).append(' ');
      if (event.getKeyValuePairs() != null) {
        event
            .getKeyValuePairs()
            .forEach(pair -> text.append(pair.key).append('=').append(pair.value).append(' '));
      }
      if (event.getThrowableProxy() != null) {
        text.append(event.getThrowableProxy().getMessage());
      }
      text.append('\n');
    }
    return text.toString();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
