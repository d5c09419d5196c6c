package com.agentbilly.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.summary.BucketKey;
import com.agentbilly.domain.summary.Figures;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.port.StripeObjectFetcher.Found;
import com.agentbilly.port.StripeObjectFetcher.Gone;
import com.agentbilly.port.StripeObjectFetcher.Unresolvable;
import com.agentbilly.testing.EventFixtures;
import com.agentbilly.testing.InMemoryMirrorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guarded write's own steps over the store's guard: a subscription whose coupons arrive only as
 * ids (an event's payload) is read again with them before it is written, so the summary's MRR can
 * deduct them; the recorded payloads are Stripe's shapes at the pinned API version.
 */
class GuardedMirrorWriteTest {

  private static final Instant EVENT = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant REFETCH = EVENT.plusSeconds(2);
  private static final String ID = "sub_test_pro_v2";
  private static final LocalDate EVERY_DAY = LocalDate.of(1970, 1, 1);

  private final OrgId org = OrgId.generate(new SecureRandom());
  private final InMemoryMirrorStore mirror =
      new InMemoryMirrorStore(Clock.fixed(REFETCH.plusSeconds(1), ZoneOffset.UTC));
  private final List<String> fetched = new ArrayList<>();

  @Test
  void aSubscriptionWhoseCouponsAreOnlyIdsIsReadAgainWithThemAndThatIsWritten() throws IOException {
    String expanded = fixture("subscription_expanded_coupon.json");
    GuardedMirrorWrite writer = writer(new Found(expanded, REFETCH));

    assertThat(writer.write(org, event(fixture("subscription_discount_ids.json"))))
        .isEqualTo(GuardedMirrorWrite.Outcome.APPLIED);

    assertThat(fetched).containsExactly("subscription " + ID);
    MirrorItem stored = mirror.get(org, ObjectType.SUBSCRIPTION, ID).orElseThrow();
    assertThat(stored.json()).isEqualTo(expanded);
    assertThat(stored.snapshot()).isEqualTo(REFETCH);
    assertThat(usdTotals().mrr()).as("2000 a month less the forever 20%").isEqualTo(1600);
  }

  @Test
  void aSubscriptionThatCannotBeReadAgainIsWrittenAsReceived() throws IOException {
    String ids = fixture("subscription_discount_ids.json");
    GuardedMirrorWrite writer = writer(new Unresolvable("no sync key connected"));

    assertThat(writer.write(org, event(ids))).isEqualTo(GuardedMirrorWrite.Outcome.APPLIED);

    assertThat(fetched).hasSize(1);
    assertThat(mirror.get(org, ObjectType.SUBSCRIPTION, ID).orElseThrow().json()).isEqualTo(ids);
    assertThat(usdTotals().mrr()).as("the coupon cannot be told").isEqualTo(2000);
  }

  @Test
  void aSubscriptionStripeNoLongerHasBecomesATombstone() throws IOException {
    GuardedMirrorWrite writer = writer(new Gone(REFETCH));

    writer.write(org, event(fixture("subscription_discount_ids.json")));

    MirrorItem stored = mirror.get(org, ObjectType.SUBSCRIPTION, ID).orElseThrow();
    assertThat(stored.deleted()).isTrue();
    assertThat(stored.snapshot()).isEqualTo(REFETCH);
  }

  @Test
  void expandedSubscriptionsTombstonesAndOtherTypesAreNotReadAgain() throws IOException {
    GuardedMirrorWrite writer = writer(new Unresolvable("must not be asked"));

    writer.write(org, event(fixture("subscription_expanded_coupon.json")));
    writer.write(
        org,
        new MirrorDocument(
            ObjectType.SUBSCRIPTION,
            "sub_gone",
            fixture("subscription_discount_ids.json").replace(ID, "sub_gone"),
            EVENT,
            true));
    writer.write(
        org,
        new MirrorDocument(
            ObjectType.CUSTOMER, "cus_test_jenny", fixture("customer.json"), EVENT, false));

    assertThat(fetched).isEmpty();
    assertThat(usdTotals().mrr()).isEqualTo(1600);
  }

  @Test
  void aPageIsCompletedObjectByObjectBeforeItIsWritten() throws IOException {
    String expanded = fixture("subscription_expanded_coupon.json");
    GuardedMirrorWrite writer = writer(new Found(expanded, REFETCH));
    String other = expanded.replace(ID, "sub_other");

    List<GuardedMirrorWrite.Outcome> outcomes =
        writer.writeAll(
            org,
            List.of(
                event(fixture("subscription_discount_ids.json")),
                new MirrorDocument(ObjectType.SUBSCRIPTION, "sub_other", other, EVENT, false)));

    assertThat(outcomes).containsOnly(GuardedMirrorWrite.Outcome.APPLIED);
    assertThat(fetched).containsExactly("subscription " + ID);
    assertThat(mirror.get(org, ObjectType.SUBSCRIPTION, ID).orElseThrow().json())
        .isEqualTo(expanded);
    assertThat(usdTotals().mrr()).isEqualTo(3200);
  }

  private GuardedMirrorWrite writer(StripeObjectFetcher.Fetched answer) {
    return new GuardedMirrorWrite(
        mirror,
        (o, type, id) -> {
          fetched.add(type.objectName() + " " + id);
          return answer;
        });
  }

  private static MirrorDocument event(String json) {
    return new MirrorDocument(ObjectType.SUBSCRIPTION, ID, json, EVENT, false);
  }

  private Figures usdTotals() {
    return mirror.read(org, EVERY_DAY).asMap().get(BucketKey.totals("usd"));
  }

  private static String fixture(String name) throws IOException {
    return Files.readString(EventFixtures.path("stripe/objects/" + name));
  }
}
