package com.agentbilly.domain.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.OrgId;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class PageCursorsTest {

  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final OrgId ORG = new OrgId("org_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  private static final OrgId OTHER_ORG = new OrgId("org_bbbbbbbbbbbbbbbbbbbbbbbbbb");
  private static final List<String> POSITION = List.of("001795000000#sub_1", "sub_1");

  private final PageCursors cursors = new PageCursors(() -> KEY);

  private static String binding(OrgId org, ObjectType type, Map<String, String> filters) {
    return PageCursors.binding(org, new ListQuery(type, filters, false, 25, null));
  }

  @Test
  void aSealedCursorOpensToItsPositionForTheSameBinding() {
    String binding = binding(ORG, ObjectType.SUBSCRIPTION, Map.of("status", "active"));

    String cursor = cursors.seal(binding, POSITION);

    assertThat(cursor).matches("[A-Za-z0-9_-]+");
    assertThat(cursors.open(binding, cursor, 2)).isEqualTo(POSITION);
  }

  @Test
  void positionFieldsWithAnyCharactersRoundTrip() {
    String binding = binding(ORG, ObjectType.CUSTOMER, Map.of());
    List<String> position = List.of("", "a|b;c:d#é\u0000", "x".repeat(1000));

    assertThat(cursors.open(binding, cursors.seal(binding, position), 3)).isEqualTo(position);
  }

  @Test
  void changingAnyByteOfTheCursorMakesItInvalid() {
    String binding = binding(ORG, ObjectType.SUBSCRIPTION, Map.of());
    byte[] sealed = Base64.getUrlDecoder().decode(cursors.seal(binding, POSITION));

    for (int i = 0; i < sealed.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] tampered = sealed.clone();
        tampered[i] ^= (byte) (1 << bit);
        String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(tampered);
        assertInvalid(() -> cursors.open(binding, cursor, 2));
      }
    }
  }

  @Test
  void aCursorIsInvalidForAnotherOrgListFilterSetOrTombstoneChoice() {
    Map<String, String> active = Map.of("status", "active");
    String cursor = cursors.seal(binding(ORG, ObjectType.SUBSCRIPTION, active), POSITION);

    assertInvalid(
        () -> cursors.open(binding(OTHER_ORG, ObjectType.SUBSCRIPTION, active), cursor, 2));
    assertInvalid(() -> cursors.open(binding(ORG, ObjectType.INVOICE, active), cursor, 2));
    assertInvalid(() -> cursors.open(binding(ORG, ObjectType.SUBSCRIPTION, Map.of()), cursor, 2));
    assertInvalid(
        () ->
            cursors.open(
                binding(ORG, ObjectType.SUBSCRIPTION, Map.of("status", "canceled")), cursor, 2));
    assertInvalid(
        () ->
            cursors.open(
                binding(ORG, ObjectType.SUBSCRIPTION, Map.of("status", "active", "customer", "c")),
                cursor,
                2));
    String withTombstones =
        PageCursors.binding(ORG, new ListQuery(ObjectType.SUBSCRIPTION, active, true, 25, null));
    assertInvalid(() -> cursors.open(withTombstones, cursor, 2));
  }

  @Test
  void aCursorSealedWithAnotherKeyIsInvalid() {
    String binding = binding(ORG, ObjectType.CHARGE, Map.of());
    PageCursors otherKey =
        new PageCursors(() -> "another-key-another-key-another!".getBytes(StandardCharsets.UTF_8));

    assertInvalid(() -> cursors.open(binding, otherKey.seal(binding, POSITION), 2));
  }

  @Test
  void garbageIsInvalid() {
    String binding = binding(ORG, ObjectType.CHARGE, Map.of());
    String cursor = cursors.seal(binding, POSITION);

    for (String garbage :
        new String[] {
          "", "not a cursor", "====", "AAAA", cursor + "A", cursor.substring(2), "A".repeat(3000)
        }) {
      assertInvalid(() -> cursors.open(binding, garbage, 2));
    }
    assertInvalid(() -> cursors.open(binding, null, 2));
  }

  @Test
  void aCursorWithAnotherNumberOfPositionFieldsIsInvalid() {
    String binding = binding(ORG, ObjectType.CHARGE, Map.of());

    assertInvalid(() -> cursors.open(binding, cursors.seal(binding, List.of("only")), 2));
  }

  @Test
  void theLimitIsNotPartOfTheBinding() {
    assertThat(
            PageCursors.binding(ORG, new ListQuery(ObjectType.PRODUCT, Map.of(), false, 1, null)))
        .isEqualTo(
            PageCursors.binding(ORG, new ListQuery(ObjectType.PRODUCT, Map.of(), false, 100, "c")));
  }

  @Test
  void bindingIsCanonicalInFilterOrderAndEmailCase() {
    assertThat(binding(ORG, ObjectType.INVOICE, Map.of("status", "paid", "customer", "cus_1")))
        .isEqualTo(binding(ORG, ObjectType.INVOICE, Map.of("customer", "cus_1", "status", "paid")));
    assertThat(binding(ORG, ObjectType.CUSTOMER, Map.of("email", "A@Example.com")))
        .isEqualTo(binding(ORG, ObjectType.CUSTOMER, Map.of("email", "a@example.com")));
  }

  @Test
  void filterValuesCannotBeShiftedBetweenFields() {
    assertThat(binding(ORG, ObjectType.INVOICE, Map.of("status", "a;6:status;1:b")))
        .isNotEqualTo(binding(ORG, ObjectType.INVOICE, Map.of("status", "a", "customer", "b")));
  }

  private static void assertInvalid(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ApiProblem.class,
            problem -> {
              assertThat(problem.code()).isEqualTo(ErrorCode.INVALID_CURSOR);
              assertThat(problem.getMessage())
                  .isEqualTo(
                      "The cursor is not valid for this list. Start again from the first page.");
            });
  }
}
