package com.agentbilly.stripeslim;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The slim stripe-java jar (this module's packaged artifact) on its own, beside gson only: every
 * class loads and initializes — so links and passes the verifier, which loads every class a
 * method's bytecode needs for its type checks — and what was cut is really absent.
 */
class StripeSlimLinkIT {

  private static Path slimJar() {
    Path jar = Path.of(System.getProperty("stripeSlim.jar", "target/stripe-slim.jar"));
    assertThat(jar)
        .as("the packaged slim jar (run at integration-test, after package)")
        .isRegularFile();
    return jar;
  }

  @Test
  void everyClassOfTheSlimJarLoadsLinksAndInitializesWithoutTheFullJar() throws Exception {
    Path jar = slimJar();
    URL gson = Gson.class.getProtectionDomain().getCodeSource().getLocation();
    List<String> failures = new ArrayList<>();
    int classes = 0;
    try (ZipFile zip = new ZipFile(jar.toFile());
        URLClassLoader loader =
            new URLClassLoader(
                new URL[] {jar.toUri().toURL(), gson}, ClassLoader.getPlatformClassLoader())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (!name.endsWith(".class") || name.endsWith("module-info.class")) {
          continue;
        }
        classes++;
        String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
        try {
          Class<?> c = Class.forName(className, true, loader);
          assertThat(c.getClassLoader()).isSameAs(loader);
        } catch (LinkageError | ClassNotFoundException ex) {
          failures.add(className + ": " + ex);
        }
      }
    }
    assertThat(classes).isGreaterThan(2_000);
    assertThat(failures).isEmpty();
  }

  @Test
  void theUnusedPartsAreGone() throws Exception {
    try (ZipFile zip = new ZipFile(slimJar().toFile())) {
      List<String> names = zip.stream().map(ZipEntry::getName).toList();
      assertThat(names)
          .contains("com/stripe/StripeClient.class", "com/stripe/net/Webhook$Signature.class");
      assertThat(names)
          .noneMatch(n -> n.startsWith("com/stripe/service/"))
          .noneMatch(n -> n.startsWith("com/stripe/examples/"))
          .noneMatch(n -> n.startsWith("com/stripe/param/") && n.contains("$"));
    }
    assertThat(Files.size(slimJar())).isLessThan(10L * 1024 * 1024);
  }
}
