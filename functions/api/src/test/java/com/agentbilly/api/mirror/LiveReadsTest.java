package com.agentbilly.api.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.port.KeyVault;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.testing.InMemoryMirrorStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LiveReadsTest {

  private static final Instant T = Instant.parse("2026-11-29T10:00:00Z");
  private static final String CUSTOMER =
      "{\"id\":\"cus_1\",\"object\":\"customer\",\"created\":1795940000,\"email\":\"a@x.test\"}";

  private final OrgId org = OrgId.generate(new SecureRandom());
  private final InMemoryMirrorStore store = new InMemoryMirrorStore();
  private final Map<SecretPurpose, String> keys = new HashMap<>();
  private final AtomicReference<StripeObjectFetcher.Fetched> stripe = new AtomicReference<>();
  private final LiveReads live =
      new LiveReads(
          new MapVault(keys),
          (o, type, id) -> {
            if (stripe.get() == null) {
              throw new StripeObjectFetcher.Unavailable("down");
            }
            return stripe.get();
          },
          store);

  @Test
  void withoutAViewerKeyALiveReadIsKeyNotConnected() {
    assertThatThrownBy(() -> live.refresh(org, ObjectType.CUSTOMER, "cus_1"))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.code()).isEqualTo(ErrorCode.KEY_NOT_CONNECTED);
              assertThat(p.extra()).isEqualTo(Map.of("purpose", "viewer"));
            });
  }

  @Test
  void whatStripeAnswersIsWrittenWithTheMomentTheReadStarted() {
    keys.put(SecretPurpose.VIEWER, "rk_test_viewer");
    stripe.set(new StripeObjectFetcher.Found(CUSTOMER, T));

    live.refresh(org, ObjectType.CUSTOMER, "cus_1");

    MirrorItem stored = store.get(org, ObjectType.CUSTOMER, "cus_1").orElseThrow();
    assertThat(stored.json()).isEqualTo(CUSTOMER);
    assertThat(stored.snapshot()).isEqualTo(T);
    assertThat(stored.deleted()).isFalse();
  }

  @Test
  void aNewerMirroredStateIsNotOverwrittenByAnOlderLiveRead() {
    keys.put(SecretPurpose.VIEWER, "rk_test_viewer");
    String newer = CUSTOMER.replace("a@x.test", "b@x.test");
    store.write(
        org, new MirrorDocument(ObjectType.CUSTOMER, "cus_1", newer, T.plusSeconds(5), false));
    stripe.set(new StripeObjectFetcher.Found(CUSTOMER, T));

    live.refresh(org, ObjectType.CUSTOMER, "cus_1");

    assertThat(store.get(org, ObjectType.CUSTOMER, "cus_1").orElseThrow().json()).isEqualTo(newer);
  }

  @Test
  void anObjectStripeNoLongerHasBecomesATombstone() {
    keys.put(SecretPurpose.VIEWER, "rk_test_viewer");
    store.write(org, new MirrorDocument(ObjectType.CUSTOMER, "cus_1", CUSTOMER, T, false));
    stripe.set(new StripeObjectFetcher.Gone(T.plusSeconds(1)));

    live.refresh(org, ObjectType.CUSTOMER, "cus_1");

    assertThat(store.get(org, ObjectType.CUSTOMER, "cus_1").orElseThrow().deleted()).isTrue();
  }

  @Test
  void anObjectNeitherStripeNorTheMirrorKnowsIsNotFound() {
    keys.put(SecretPurpose.VIEWER, "rk_test_viewer");
    stripe.set(new StripeObjectFetcher.Gone(T));

    assertThatThrownBy(() -> live.refresh(org, ObjectType.CUSTOMER, "cus_nope"))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(store.get(org, ObjectType.CUSTOMER, "cus_nope")).isEmpty();
  }

  @Test
  void aRefusedKeyIsStripePermissionDeniedAndAnOutageIsStripeUnavailable() {
    keys.put(SecretPurpose.VIEWER, "rk_test_viewer");
    stripe.set(new StripeObjectFetcher.Unresolvable("Stripe refused the viewer key (HTTP 403)"));
    assertThatThrownBy(() -> live.refresh(org, ObjectType.CHARGE, "ch_1"))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> assertThat(p.code()).isEqualTo(ErrorCode.STRIPE_PERMISSION_DENIED));

    stripe.set(null);
    assertThatThrownBy(() -> live.refresh(org, ObjectType.CHARGE, "ch_1"))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.code()).isEqualTo(ErrorCode.STRIPE_UNAVAILABLE));
    assertThat(store.get(org, ObjectType.CHARGE, "ch_1")).isEmpty();
  }

  /** A vault of fixed keys. */
  private record MapVault(Map<SecretPurpose, String> keys) implements KeyVault {
    @Override
    public void put(OrgId org, SecretPurpose purpose, String secret) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<String> get(OrgId org, SecretPurpose purpose) {
      return Optional.ofNullable(keys.get(purpose));
    }

    @Override
    public void delete(OrgId org, SecretPurpose purpose) {
      throw new UnsupportedOperationException();
    }
  }
}
