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
import com.agentbilly.http.Json;
import com.agentbilly.testing.EventFixtures;
import com.agentbilly.testing.InMemoryEventLedger;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.InMemoryOrgStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The recorded function URL requests of {@code events/function-url}, as Lambda hands them:
 * localstripe-shaped bodies signed with the fixture secret at {@code t=1795984928}, one of them
 * base64-encoded.
 */
class FunctionUrlFixturesTest {

  private static final OrgId ORG = new OrgId("org_testwebhookfixtureaaaaaaaa");
  private static final String SECRET = "whsec_test_fixture0000000000000000";
  private static final Instant DELIVERED = Instant.ofEpochSecond(1795984928);

  private final Clock clock = Clock.fixed(DELIVERED.plusSeconds(1), ZoneOffset.UTC);
  private final InMemoryOrgStore orgs = new InMemoryOrgStore();
  private final FakeKeyVault vault = new FakeKeyVault();
  private final InMemoryMirrorStore mirror = new InMemoryMirrorStore(clock);
  private final InMemoryEventLedger ledger = new InMemoryEventLedger();
  private final WebhookHandler handler =
      new WebhookHandler(
          new ApplyStripeEvent(orgs, vault, mirror, ledger, new FakeStripe(), clock));

  FunctionUrlFixturesTest() {
    orgs.createOrg(
        new Org(ORG, "Fixture Co", Mode.TEST, null, true, DELIVERED, "u-1"),
        new Membership(ORG, "Fixture Co", "u-1", "owner@demo.test", Role.OWNER, DELIVERED));
    vault.put(ORG, SecretPurpose.WEBHOOK, SECRET);
  }

  @Test
  void aRecordedDeliveryIsVerifiedAndMirrored() throws IOException {
    JsonNode response = invoke(handler, "post-webhook.json");

    assertThat(response.get("statusCode").asInt()).as(response.toString()).isEqualTo(200);
    MirrorItem customer = mirror.get(ORG, ObjectType.CUSTOMER, "cus_test_jenny").orElseThrow();
    assertThat(customer.deleted()).isFalse();
    assertThat(customer.snapshot()).isEqualTo(Instant.ofEpochSecond(1795984927));
    assertThat(ledger.entry(ORG, "evt_test_customer_created")).isPresent();
  }

  @Test
  void aRecordedBase64DeliveryIsDecodedBeforeVerification() throws IOException {
    assertThat(Files.readString(EventFixtures.path("function-url/post-webhook-base64.json")))
        .contains("\"isBase64Encoded\": true");

    JsonNode response = invoke(handler, "post-webhook-base64.json");

    assertThat(response.get("statusCode").asInt()).as(response.toString()).isEqualTo(200);
    assertThat(mirror.get(ORG, ObjectType.CUSTOMER, "cus_test_jenny").map(MirrorItem::deleted))
        .contains(true);
    assertThat(ledger.entry(ORG, "evt_test_customer_deleted")).isPresent();
  }

  @Test
  void aRecordedDeliveryReplayedSixMinutesLaterIsRefused() throws IOException {
    Clock later = Clock.fixed(DELIVERED.plusSeconds(360), ZoneOffset.UTC);
    WebhookHandler replayed =
        new WebhookHandler(
            new ApplyStripeEvent(orgs, vault, mirror, ledger, new FakeStripe(), later));

    JsonNode response = invoke(replayed, "post-webhook.json");

    assertThat(response.get("statusCode").asInt()).isEqualTo(400);
    assertThat(response.get("body").asText()).contains("\"invalid_signature\"");
    assertThat(mirror.size(ORG, ObjectType.CUSTOMER)).isZero();
    assertThat(ledger.size(ORG)).isZero();
  }

  /** The recorded request as Lambda hands it to the handler, and the JSON the handler answers. */
  private static JsonNode invoke(WebhookHandler handler, String name) throws IOException {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    try (InputStream event = Files.newInputStream(EventFixtures.path("function-url/" + name))) {
      handler.handleRequest(event, answer, null);
    }
    return Json.read(answer.toString(StandardCharsets.UTF_8));
  }
}
