package com.agentbilly.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.audit.AuditActor;
import com.agentbilly.domain.audit.AuditEntry;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.domain.audit.AuditOutcome;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AuditChainTest {

  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final Instant AT = Instant.parse("2025-03-01T12:00:00Z");
  private static final String ID = "aud_000000000001";

  /** The known vector's canonical JSON, written out by hand from RFC 8785's rules. */
  private static final String KNOWN_CANONICAL_JSON =
      "{\"action\":\"key.connected\","
          + "\"actor\":{\"role\":\"owner\",\"user_id\":\"usr_1\",\"username\":\"Zoë\"},"
          + "\"at\":\"2025-03-01T12:00:00.000Z\","
          + "\"details\":{\"attempt\":2,\"last4\":\"4242\",\"live\":false,"
          + "\"nested\":{\"a\":1,\"b\":null},\"note\":\"a \\\"quoted\\\"\\nline\","
          + "\"scopes\":[\"customers\",\"invoices\"]},"
          + "\"id\":\"aud_000000000001\",\"key_purpose\":\"viewer\",\"outcome\":\"success\","
          + "\"prev_hash\":\"\",\"request_id\":\"req-1\",\"target\":\"key:viewer\"}";

  private final AuditChain chain = new AuditChain(KEY);

  @Test
  void canonicalJsonOfKnownEntrySortsKeysAndKeepsNulls() {
    String canonical = AuditChain.canonicalJson(AuditChain.unsignedWire(ID, AT, knownEvent(), ""));

    assertThat(canonical).isEqualTo(KNOWN_CANONICAL_JSON);
  }

  @Test
  void hashOfKnownEntryIsHexHmacSha256OfTheCanonicalJson() throws Exception {
    String canonical = AuditChain.canonicalJson(AuditChain.unsignedWire(ID, AT, knownEvent(), ""));

    assertThat(chain.hash(AuditChain.GENESIS_PREV_HASH, canonical))
        .isEqualTo(hmacHex(KEY, KNOWN_CANONICAL_JSON))
        .hasSize(64)
        .matches("[0-9a-f]{64}");
  }

  @Test
  void hashIsTakenOverPrevHashFollowedByTheCanonicalJson() throws Exception {
    String prevHash = hmacHex(KEY, "anything");
    String canonical =
        AuditChain.canonicalJson(AuditChain.unsignedWire(ID, AT, knownEvent(), prevHash));

    assertThat(canonical).contains("\"prev_hash\":\"" + prevHash + "\"");
    assertThat(chain.hash(prevHash, canonical)).isEqualTo(hmacHex(KEY, prevHash + canonical));
  }

  @Test
  void detailsInAnyInsertionOrderHashTheSame() {
    Map<String, Object> forward = new LinkedHashMap<>();
    forward.put("alpha", 1);
    forward.put("beta", Map.of("x", "1", "y", "2"));
    forward.put("gamma", true);
    Map<String, Object> backward = new LinkedHashMap<>();
    backward.put("gamma", true);
    backward.put("beta", Map.of("y", "2", "x", "1"));
    backward.put("alpha", 1L);

    assertThat(hashOf(event(forward), AT, "")).isEqualTo(hashOf(event(backward), AT, ""));
  }

  static Stream<Arguments> changes() {
    return Stream.of(
        change("actor user id", e -> withActor(e, new AuditActor("usr_2", "Zoë", "owner"))),
        change("actor username", e -> withActor(e, new AuditActor("usr_1", "Zoe", "owner"))),
        change("actor role", e -> withActor(e, new AuditActor("usr_1", "Zoë", "manager"))),
        change("actor role absent", e -> withActor(e, new AuditActor("usr_1", "Zoë", null))),
        change(
            "action",
            e ->
                new AuditEvent(
                    e.actor(),
                    "key.rotated",
                    e.target(),
                    e.outcome(),
                    e.keyPurpose(),
                    e.requestId(),
                    e.details())),
        change(
            "target",
            e ->
                new AuditEvent(
                    e.actor(),
                    e.action(),
                    "key:manager",
                    e.outcome(),
                    e.keyPurpose(),
                    e.requestId(),
                    e.details())),
        change(
            "outcome",
            e ->
                new AuditEvent(
                    e.actor(),
                    e.action(),
                    e.target(),
                    AuditOutcome.FAILED,
                    e.keyPurpose(),
                    e.requestId(),
                    e.details())),
        change(
            "key purpose",
            e ->
                new AuditEvent(
                    e.actor(),
                    e.action(),
                    e.target(),
                    e.outcome(),
                    "sync",
                    e.requestId(),
                    e.details())),
        change(
            "request id",
            e ->
                new AuditEvent(
                    e.actor(),
                    e.action(),
                    e.target(),
                    e.outcome(),
                    e.keyPurpose(),
                    "req-2",
                    e.details())),
        change("detail value", e -> withDetail(e, "attempt", 3)),
        change("detail type", e -> withDetail(e, "attempt", "2")),
        change("nested detail", e -> withDetail(e, "nested", Map.of("a", 1))),
        change("list order", e -> withDetail(e, "scopes", List.of("invoices", "customers"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void changingAnyEventFieldChangesTheHash(UnaryOperator<AuditEvent> change) {
    AuditEvent original = knownEvent();

    assertThat(hashOf(change.apply(original), AT, "")).isNotEqualTo(hashOf(original, AT, ""));
  }

  @Test
  void changingTheTimeByOneMillisecondChangesTheHash() {
    assertThat(hashOf(knownEvent(), AT.plusMillis(1), ""))
        .isNotEqualTo(hashOf(knownEvent(), AT, ""));
  }

  @Test
  void changingThePrevHashChangesTheHash() {
    assertThat(hashOf(knownEvent(), AT, "00")).isNotEqualTo(hashOf(knownEvent(), AT, ""));
  }

  @Test
  void changingTheIdChangesTheHash() {
    String other =
        chain.hash(
            "",
            AuditChain.canonicalJson(
                AuditChain.unsignedWire("aud_000000000002", AT, knownEvent(), "")));

    assertThat(other).isNotEqualTo(hashOf(knownEvent(), AT, ""));
  }

  @Test
  void aDifferentKeyGivesADifferentHash() {
    AuditChain otherKey =
        new AuditChain("0123456789abcdef0123456789abcdeF".getBytes(StandardCharsets.US_ASCII));

    assertThat(otherKey.hash("", KNOWN_CANONICAL_JSON))
        .isNotEqualTo(chain.hash("", KNOWN_CANONICAL_JSON));
  }

  @Test
  void theKeyIsCopiedSoLaterChangesToTheArrayDoNotMatter() {
    byte[] key = KEY.clone();
    AuditChain copied = new AuditChain(key);
    key[0] = 'X';

    assertThat(copied.hash("", KNOWN_CANONICAL_JSON))
        .isEqualTo(chain.hash("", KNOWN_CANONICAL_JSON));
  }

  @Test
  void matchesOnlyTheExactHash() {
    String hash = chain.hash("", KNOWN_CANONICAL_JSON);

    assertThat(chain.matches("", KNOWN_CANONICAL_JSON, hash)).isTrue();
    assertThat(chain.matches("", KNOWN_CANONICAL_JSON, hash.toUpperCase(Locale.ROOT))).isFalse();
    assertThat(chain.matches("", KNOWN_CANONICAL_JSON + " ", hash)).isFalse();
    assertThat(chain.matches("", KNOWN_CANONICAL_JSON, null)).isFalse();
  }

  @Test
  void wireFormHasTheContractFieldsInOrderWithNullsKept() {
    AuditEvent event =
        new AuditEvent(
            new AuditActor("usr_1", "ada", null),
            "org.created",
            null,
            AuditOutcome.DENIED,
            null,
            null,
            Map.of());
    AuditEntry entry = new AuditEntry(ID, AT.plusNanos(123_456_789), event, "", "ab");

    Map<String, Object> wire = AuditChain.wire(entry);

    assertThat(wire.keySet())
        .containsExactly(
            "id",
            "at",
            "actor",
            "action",
            "target",
            "outcome",
            "key_purpose",
            "request_id",
            "details",
            "prev_hash",
            "hash");
    assertThat(wire)
        .containsEntry("at", "2025-03-01T12:00:00.123Z")
        .containsEntry("target", null)
        .containsEntry("outcome", "denied")
        .containsEntry("key_purpose", null)
        .containsEntry("request_id", null)
        .containsEntry("details", Map.of())
        .containsEntry("hash", "ab");
    Map<String, Object> actor = new LinkedHashMap<>();
    actor.put("user_id", "usr_1");
    actor.put("username", "ada");
    actor.put("role", null);
    assertThat(wire.get("actor")).isEqualTo(actor);
  }

  @Test
  void timeIsAlwaysWrittenWithExactlyMilliseconds() {
    assertThat(AuditChain.formatAt(AT)).isEqualTo("2025-03-01T12:00:00.000Z");
    assertThat(AuditChain.formatAt(AT.plusNanos(999_999))).isEqualTo("2025-03-01T12:00:00.000Z");
    assertThat(AuditChain.formatAt(AT.plusMillis(7))).isEqualTo("2025-03-01T12:00:00.007Z");
  }

  @Test
  void integersUpToTwoToTheFiftyThirdMinusOneAreWrittenExactly() {
    Map<String, Object> values =
        Map.of("max", (1L << 53) - 1, "min", -((1L << 53) - 1), "big", BigInteger.TEN);

    assertThat(AuditChain.canonicalJson(values))
        .isEqualTo("{\"big\":10,\"max\":9007199254740991,\"min\":-9007199254740991}");
  }

  @Test
  void rejectsIntegersBeyondTheExactRange() {
    assertThatThrownBy(() -> AuditChain.canonicalJson(Map.of("n", 1L << 53)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "entry.n is an integer beyond ±(2^53-1), which canonical JSON cannot represent"
                + " exactly");
    assertThatThrownBy(
            () -> AuditChain.canonicalJson(Map.of("n", BigInteger.ONE.shiftLeft(53).negate())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsFloatingPointDetails() {
    assertThatThrownBy(() -> hashOf(event(Map.of("amount", 1.5)), AT, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "entry.details.amount is a Double; audit values are strings, integers, booleans,"
                + " null, lists and maps");
    assertThatThrownBy(() -> hashOf(event(Map.of("amount", 1.5f)), AT, ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> hashOf(event(Map.of("amounts", List.of(new BigDecimal("1")))), AT, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("entry.details.amounts[0] is a BigDecimal");
  }

  @Test
  void rejectsOtherObjectsAsDetails() {
    assertThatThrownBy(() -> hashOf(event(Map.of("when", AT)), AT, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("entry.details.when is a Instant");
  }

  @Test
  void rejectsMapsWithKeysThatAreNotStrings() {
    assertThatThrownBy(() -> hashOf(event(Map.of("by_id", Map.of(1, "a"))), AT, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("entry.details.by_id has a key that is not a string");
  }

  @Test
  void rejectsUnpairedSurrogates() {
    assertThatThrownBy(() -> hashOf(event(Map.of("text", "a\uD800b")), AT, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("entry.details.text holds an unpaired surrogate");
    assertThat(AuditChain.canonicalJson(Map.of("text", "\uD83D\uDE00")))
        .isEqualTo("{\"text\":\"\uD83D\uDE00\"}");
  }

  @Test
  void rejectsKeysShorterThanSixteenBytes() {
    assertThatThrownBy(() -> new AuditChain(new byte[15]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the audit key must have at least 16 bytes");
    assertThatThrownBy(() -> new AuditChain(null)).isInstanceOf(IllegalArgumentException.class);
  }

  private String hashOf(AuditEvent event, Instant at, String prevHash) {
    return chain.hash(
        prevHash, AuditChain.canonicalJson(AuditChain.unsignedWire(ID, at, event, prevHash)));
  }

  private static AuditEvent knownEvent() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("b", null);
    nested.put("a", 1);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("scopes", List.of("customers", "invoices"));
    details.put("note", "a \"quoted\"\nline");
    details.put("nested", nested);
    details.put("live", false);
    details.put("last4", "4242");
    details.put("attempt", 2);
    return event(details);
  }

  private static AuditEvent event(Map<String, Object> details) {
    return new AuditEvent(
        new AuditActor("usr_1", "Zoë", "owner"),
        "key.connected",
        "key:viewer",
        AuditOutcome.SUCCESS,
        "viewer",
        "req-1",
        details);
  }

  private static AuditEvent withActor(AuditEvent e, AuditActor actor) {
    return new AuditEvent(
        actor, e.action(), e.target(), e.outcome(), e.keyPurpose(), e.requestId(), e.details());
  }

  private static AuditEvent withDetail(AuditEvent e, String name, Object value) {
    Map<String, Object> details = new LinkedHashMap<>(e.details());
    details.put(name, value);
    return new AuditEvent(
        e.actor(), e.action(), e.target(), e.outcome(), e.keyPurpose(), e.requestId(), details);
  }

  private static Arguments change(String name, UnaryOperator<AuditEvent> change) {
    return Arguments.of(Named.of(name, change));
  }

  private static String hmacHex(byte[] key, String message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
  }
}
