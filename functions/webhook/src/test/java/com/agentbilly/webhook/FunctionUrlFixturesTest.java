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
import com.agentbilly.testing.EventFixtures;
import com.agentbilly.testing.InMemoryEventLedger;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.InMemoryOrgStore;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The recorded function URL requests of {@code events/function-url}: localstripe-shaped bodies
 * signed with the fixture secret at {@code t=1795984928}, one of them base64-encoded.
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
  void aRecordedDeliveryIsVerifiedAndMirrored() {
    APIGatewayV2HTTPResponse response = handler.handleRequest(load("post-webhook.json"), null);

    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
    MirrorItem customer = mirror.get(ORG, ObjectType.CUSTOMER, "cus_test_jenny").orElseThrow();
    assertThat(customer.deleted()).isFalse();
    assertThat(customer.snapshot()).isEqualTo(Instant.ofEpochSecond(1795984927));
    assertThat(ledger.entry(ORG, "evt_test_customer_created")).isPresent();
  }

  @Test
  void aRecordedBase64DeliveryIsDecodedBeforeVerification() {
    APIGatewayV2HTTPEvent event = load("post-webhook-base64.json");
    assertThat(event.getIsBase64Encoded()).isTrue();

    APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
    assertThat(mirror.get(ORG, ObjectType.CUSTOMER, "cus_test_jenny").map(MirrorItem::deleted))
        .contains(true);
    assertThat(ledger.entry(ORG, "evt_test_customer_deleted")).isPresent();
  }

  @Test
  void aRecordedDeliveryReplayedSixMinutesLaterIsRefused() {
    Clock later = Clock.fixed(DELIVERED.plusSeconds(360), ZoneOffset.UTC);
    WebhookHandler replayed =
        new WebhookHandler(
            new ApplyStripeEvent(orgs, vault, mirror, ledger, new FakeStripe(), later));

    APIGatewayV2HTTPResponse response = replayed.handleRequest(load("post-webhook.json"), null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(response.getBody()).contains("\"invalid_signature\"");
    assertThat(mirror.size(ORG, ObjectType.CUSTOMER)).isZero();
    assertThat(ledger.size(ORG)).isZero();
  }

  private static APIGatewayV2HTTPEvent load(String name) {
    return EventLoader.loadApiGatewayHttpEvent(
        EventFixtures.path("function-url/" + name).toString());
  }
}
