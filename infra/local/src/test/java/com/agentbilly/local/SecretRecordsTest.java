package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.OrgId;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * A record's generated {@code toString} prints every component, so a record that carries a Stripe
 * key, a secret or a token would print it into any log line or exception message that formats it.
 * Every such record of the main code of every module declares its own {@code toString}.
 */
class SecretRecordsTest {

  /** Component names that hold a secret in this code base (a Stripe key is always "key"). */
  private static final Set<String> SECRET_NAMES =
      Set.of("key", "stripeKey", "apiKey", "secret", "plaintext", "token", "accessToken");

  private static final ImportOption MAIN_CODE_ONLY =
      (Location location) ->
          !location.contains("/test-classes/") && !location.contains("-tests.jar");

  @Test
  void everyRecordCarryingASecretDeclaresItsOwnToString() {
    Iterable<JavaClass> mainCode =
        new ClassFileImporter().withImportOption(MAIN_CODE_ONLY).importPackages("com.agentbilly");

    List<String> leaky =
        StreamSupport.stream(mainCode.spliterator(), false)
            .map(JavaClass::reflect)
            .filter(SecretRecordsTest::leaks)
            .map(Class::getName)
            .sorted()
            .toList();

    assertThat(leaky).isEmpty();
  }

  @Test
  void theRuleCatchesARecordThatWouldPrintItsKey() {
    assertThat(leaks(Leaky.class)).isTrue();
    assertThat(leaks(Masked.class)).isFalse();
    assertThat(leaks(NoSecret.class)).isFalse();
  }

  private static final String SENTINEL = "rk_test_SENTINELsentinelSENTINEL0000";

  /**
   * A record with a String component named like a secret whose {@code toString} prints it: built
   * through its canonical constructor with the sentinel in every such component (the generated
   * {@code toString} is a declared method too, so only its output tells).
   */
  static boolean leaks(Class<?> type) {
    if (!type.isRecord()) {
      return false;
    }
    RecordComponent[] components = type.getRecordComponents();
    if (Arrays.stream(components).noneMatch(SecretRecordsTest::holdsSecret)) {
      return false;
    }
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      args[i] = holdsSecret(components[i]) ? SENTINEL : sample(types[i]);
    }
    try {
      Constructor<?> canonical = type.getDeclaredConstructor(types);
      canonical.setAccessible(true);
      return String.valueOf(canonical.newInstance(args)).contains(SENTINEL);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot build " + type.getName() + " to check its toString", e);
    }
  }

  private static boolean holdsSecret(RecordComponent component) {
    return component.getType() == String.class && SECRET_NAMES.contains(component.getName());
  }

  private static Object sample(Class<?> type) {
    if (type == String.class) {
      return "x";
    }
    if (type == boolean.class) {
      return false;
    }
    if (type == int.class) {
      return 0;
    }
    if (type == long.class) {
      return 0L;
    }
    if (type == OrgId.class) {
      return OrgId.generate(new java.security.SecureRandom());
    }
    if (type.isEnum()) {
      return type.getEnumConstants()[0];
    }
    if (type == Runnable.class) {
      return (Runnable) () -> {};
    }
    return null;
  }

  record Leaky(String key, int n) {}

  record Masked(String key) {
    @Override
    public String toString() {
      return "Masked[…]";
    }
  }

  record NoSecret(String name) {}
}
