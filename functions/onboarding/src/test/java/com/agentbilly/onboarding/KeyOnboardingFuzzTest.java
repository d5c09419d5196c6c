package com.agentbilly.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.config.KeyFingerprints;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.Mode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.keys.KeyRequirements;
import com.agentbilly.domain.keys.Probe;
import com.agentbilly.domain.keys.ProbeAnswer;
import com.agentbilly.domain.keys.StripePermission;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.Json;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.port.PermissionProber;
import com.agentbilly.testing.ApiEvents;
import com.agentbilly.testing.InMemoryAuditLog;
import com.agentbilly.testing.InMemoryKeyMetadataStore;
import com.agentbilly.testing.InMemoryKeyVault;
import com.agentbilly.testing.InMemoryOrgStore;
import com.agentbilly.testing.MutableClock;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes the key strings an owner pastes at onboarding — restricted keys of every length and
 * alphabet, secret keys, keys of the other mode, padding, control characters, non-strings — against
 * every answer Stripe may give to the probes (the exact permissions, one too many, one missing,
 * another account, an unknown key, Stripe down). Property: the answer is the contract's, a key is
 * stored exactly when the answer is 200 (and then the key as pasted, stripped), and no answer or
 * audit entry ever repeats the key.
 */
class KeyOnboardingFuzzTest {

  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final OrgId ORG = new OrgId("org_testonboardfuzzaaaaaaaaaaa");
  private static final String ACCOUNT = "acct_1FuzzOnboarding";
  private static final Set<String> CODES =
      Arrays.stream(ErrorCode.values()).map(ErrorCode::wireName).collect(Collectors.toSet());
  private static final String ALNUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** What Stripe says to the probes of a well-formed key. */
  enum StripeSays {
    EXACTLY_THE_PERMISSIONS,
    ONE_FORBIDDEN_WRITE_TOO_MANY,
    ONE_NEEDED_PERMISSION_MISSING,
    ANOTHER_ACCOUNT,
    NO_SUCH_KEY,
    UNAVAILABLE
  }

  @Property
  void everyPastedKeyGetsAContractAnswerAndIsStoredOnlyWhenAccepted(
      @ForAll("keys") Object key,
      @ForAll("purposes") SecretPurpose purpose,
      @ForAll StripeSays stripe,
      @ForAll("extraFields") Map<String, Object> extra)
      throws Exception {
    InMemoryOrgStore orgs = new InMemoryOrgStore();
    orgs.createOrg(
        new Org(ORG, "Acme", Mode.TEST, ACCOUNT, false, NOW, "owner"),
        new Membership(ORG, "Acme", "owner", "owner@x.test", Role.OWNER, NOW));
    InMemoryKeyVault vault = new InMemoryKeyVault();
    InMemoryKeyMetadataStore metadata = new InMemoryKeyMetadataStore();
    InMemoryAuditLog audit = new InMemoryAuditLog(new MutableClock(NOW));
    KeyOnboarding onboarding =
        new KeyOnboarding(
            orgs,
            metadata,
            vault,
            prober(stripe, purpose),
            new KeyFingerprints(() -> new byte[32]),
            new RequestAuditor(audit),
            new MutableClock(NOW));
    ApiRouter router =
        OnboardingRoutes.router(
            orgs,
            new OnboardingRoutes(onboarding, new OrgDeletion(orgs, vault), null),
            new Settings(Map.of()),
            new RequestAuditor(audit));
    Map<String, Object> body = new java.util.HashMap<>(extra);
    body.put("key", key);
    String json = Json.write(Json.MAPPER.valueToTree(body));

    APIGatewayProxyResponseEvent answer =
        router.handle(
            ApiEvents.request("PUT", "/orgs/{org}/keys/{purpose}")
                .as("owner", "owner@x.test")
                .path("org", ORG.value())
                .path("purpose", purpose.wireName())
                .header("Content-Type", "application/json")
                .body(json)
                .build(),
            null);

    Statistics.label("answer").collect(answer.getStatusCode());
    String body200 = answer.getBody() == null ? "" : answer.getBody();
    if (answer.getStatusCode() == 200) {
      assertThat(stripe).isEqualTo(StripeSays.EXACTLY_THE_PERMISSIONS);
      assertThat(vault.get(ORG, purpose)).contains(((String) key).strip());
      assertThat(metadata.find(ORG, purpose)).isPresent();
    } else {
      JsonNode error = Json.read(body200).get("error");
      Statistics.label("refusal").collect(error.get("code").asText());
      assertThat(CODES).contains(error.get("code").asText());
      assertThat(answer.getStatusCode())
          .as(body200)
          .isEqualTo(ErrorCode.valueOf(error.get("code").asText().toUpperCase()).status());
      if (answer.getStatusCode() >= 500) {
        assertThat(stripe).isEqualTo(StripeSays.UNAVAILABLE);
      }
      assertThat(vault.get(ORG, purpose)).as("a refused key was stored").isEmpty();
      assertThat(metadata.find(ORG, purpose)).isEmpty();
    }
    if (key instanceof String pasted && pasted.strip().length() >= 12) {
      String secret = pasted.strip();
      assertThat(body200).doesNotContain(secret);
      assertThat(audit.page(ORG, 1000, null).entries().toString()).doesNotContain(secret);
    }
  }

  /** A prober that answers every probe as {@code stripe} says, for a key of {@code purpose}. */
  private static PermissionProber prober(StripeSays stripe, SecretPurpose purpose) {
    KeyRequirements requirements = KeyRequirements.of(purpose);
    List<StripePermission> needed =
        java.util.stream.Stream.concat(requirements.read().stream(), requirements.write().stream())
            .toList();
    return (String key, Collection<Probe> probes) -> {
      switch (stripe) {
        case NO_SUCH_KEY -> throw new ApiProblem(ErrorCode.KEY_INVALID, "Stripe does not know it.");
        case UNAVAILABLE ->
            throw new ApiProblem(ErrorCode.STRIPE_UNAVAILABLE, "Stripe is unavailable.");
        default -> {}
      }
      String account = stripe == StripeSays.ANOTHER_ACCOUNT ? "acct_1SomeoneElse" : ACCOUNT;
      Map<StripePermission, ProbeAnswer> answers = new EnumMap<>(StripePermission.class);
      for (Probe probe : probes) {
        StripePermission permission = probe.permission();
        boolean has = needed.contains(permission);
        if (stripe == StripeSays.ONE_NEEDED_PERMISSION_MISSING && permission == needed.getFirst()) {
          has = false;
        }
        if (stripe == StripeSays.ONE_FORBIDDEN_WRITE_TOO_MANY
            && permission == requirements.forbiddenWrite().getFirst()) {
          has = true;
        }
        answers.put(permission, has ? ProbeAnswer.has() : ProbeAnswer.lacks(account));
      }
      return answers;
    };
  }

  @Provide
  Arbitrary<SecretPurpose> purposes() {
    return Arbitraries.of(SecretPurpose.STRIPE_KEYS);
  }

  @Provide
  Arbitrary<Object> keys() {
    Arbitrary<String> tail =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.strings().withChars(ALNUM).ofMinLength(8).ofMaxLength(99)),
            Tuple.of(2, Arbitraries.strings().withChars(ALNUM + "_-").ofMaxLength(300)));
    Arbitrary<String> prefix =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just("rk_test_")),
            Tuple.of(2, Arbitraries.just("rk_live_")),
            Tuple.of(2, Arbitraries.of("sk_test_", "sk_live_", "pk_test_", "rk_", "RK_TEST_", "")));
    Arbitrary<String> padding =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just("")),
            Tuple.of(2, Arbitraries.of(" ", "\n", "\t ", "\u00a0", "\u0000")));
    Arbitrary<String> shaped =
        net.jqwik.api.Combinators.combine(padding, prefix, tail, padding)
            .as((before, p, t, after) -> before + p + t + after);
    return Arbitraries.frequencyOf(
        Tuple.of(8, shaped.map(s -> (Object) s)),
        Tuple.of(2, Arbitraries.strings().all().ofMaxLength(300).map(s -> (Object) s)),
        Tuple.of(
            1,
            Arbitraries.of(
                (Object) null,
                42L,
                true,
                List.of("rk_test_" + "a".repeat(24)),
                Map.of("key", "rk_test_" + "b".repeat(24)),
                "rk_test_" + "c".repeat(10_000))));
  }

  @Provide
  Arbitrary<Map<String, Object>> extraFields() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(Map.<String, Object>of())),
        Tuple.of(
            1,
            Arbitraries.maps(
                    Arbitraries.of("purpose", "mode", "account", "secret", "keys"),
                    Arbitraries.strings().ofMaxLength(10).map(s -> (Object) s))
                .ofMinSize(1)
                .ofMaxSize(2)));
  }
}
