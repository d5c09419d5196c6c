package com.agentbilly.stripeslim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.Gson;
import com.sun.net.httpserver.HttpServer;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
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
 * method's bytecode needs for its type checks —, an error answer takes the product's path through
 * it (a raw request, the answer parsed into {@code StripeError} and everything gson builds for it),
 * and what was cut is really absent.
 */
class StripeSlimLinkIT {

  private static Path slimJar() {
    Path jar = Path.of(System.getProperty("stripeSlim.jar", "target/stripe-slim.jar"));
    assertThat(jar)
        .as("the packaged slim jar (run at integration-test, after package)")
        .isRegularFile();
    return jar;
  }

  /** The slim jar and gson, and nothing else: not this test's class path. */
  private static URLClassLoader slimOnly() throws Exception {
    URL gson = Gson.class.getProtectionDomain().getCodeSource().getLocation();
    return new URLClassLoader(
        new URL[] {slimJar().toUri().toURL(), gson}, ClassLoader.getPlatformClassLoader());
  }

  @Test
  void everyClassOfTheSlimJarLoadsLinksAndInitializesWithoutTheFullJar() throws Exception {
    Path jar = slimJar();
    List<String> failures = new ArrayList<>();
    int classes = 0;
    try (ZipFile zip = new ZipFile(jar.toFile());
        URLClassLoader loader = slimOnly()) {
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
    assertThat(classes).isBetween(500, 2_000);
    assertThat(failures).isEmpty();
  }

  /**
   * A card error names the payment intent and its source; parsing it builds gson's adapters for
   * {@code StripeError}, {@code PaymentIntent}, {@code Source} and all their fields' types — the
   * widest thing an answer makes stripe-java load on the product's path. Driven by reflection
   * through the slim jar's own loader, as {@code StripeClients} and {@code StripeApiActions} call
   * it.
   */
  @Test
  void anErrorAnswerNamingAPaymentIntentParsesThroughTheSlimJarAlone() throws Throwable {
    HttpServer stripe = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stripe.createContext(
        "/",
        exchange -> {
          byte[] body = CARD_ERROR.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(402, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    stripe.start();
    try (URLClassLoader loader = slimOnly()) {
      Slim slim = new Slim(loader);
      Object builder = slim.callStatic("com.stripe.StripeClient", "builder", BUILDER);
      slim.call(builder, "setApiKey", BUILDER, "rk_test_slim");
      slim.call(
          builder, "setApiBase", BUILDER, "http://127.0.0.1:" + stripe.getAddress().getPort());
      slim.call(builder, "setMaxNetworkRetries", BUILDER, 0);
      Object client = slim.call(builder, "build", "com.stripe.StripeClient");
      Object post = slim.type(METHOD).getField("POST").get(null);

      Throwable error =
          assertThrows(
              Throwable.class,
              () ->
                  slim.call(
                      client,
                      "rawRequest",
                      "com.stripe.net.StripeResponse",
                      post,
                      "/v1/payment_intents/pi_1/confirm",
                      ""));

      assertThat(error.getClass().getName())
          .as("%s", error)
          .isEqualTo("com.stripe.exception.CardException");
      assertThat(error.getClass().getClassLoader()).isSameAs(loader);
      Object stripeError = slim.call(error, "getStripeError", "com.stripe.model.StripeError");
      assertThat(slim.call(stripeError, "getDeclineCode", "java.lang.String"))
          .isEqualTo("insufficient_funds");
      Object intent = slim.call(stripeError, "getPaymentIntent", "com.stripe.model.PaymentIntent");
      assertThat(intent.getClass().getName()).isEqualTo("com.stripe.model.PaymentIntent");
      assertThat(slim.call(intent, "getId", "java.lang.String")).isEqualTo("pi_1");
      assertThat(slim.call(intent, "getAmount", "java.lang.Long")).isEqualTo(2000L);
      Object source = slim.call(stripeError, "getSource", "com.stripe.model.PaymentSource");
      assertThat(source.getClass().getName()).isEqualTo("com.stripe.model.Source");
      assertThat(slim.call(source, "getId", "java.lang.String")).isEqualTo("src_1");
    } finally {
      stripe.stop(0);
    }
  }

  private static final String BUILDER = "com.stripe.StripeClient$StripeClientBuilder";
  private static final String METHOD = "com.stripe.net.ApiResource$RequestMethod";

  /**
   * Calls into the slim jar's loader through method handles, which resolve only the method named:
   * {@code Class.getMethod} would resolve every method's signature, including the typed services'
   * that were cut, which the product never touches.
   */
  private record Slim(ClassLoader loader) {
    Class<?> type(String name) throws ClassNotFoundException {
      return switch (name) {
        case "int" -> int.class;
        default -> Class.forName(name, true, loader);
      };
    }

    Object callStatic(String owner, String name, String returns) throws Throwable {
      return MethodHandles.publicLookup()
          .findStatic(type(owner), name, MethodType.methodType(type(returns)))
          .invoke();
    }

    /** An instance method, whose parameter types are those of the arguments (int for Integer). */
    Object call(Object target, String name, String returns, Object... args) throws Throwable {
      Class<?>[] parameters = new Class<?>[args.length];
      for (int i = 0; i < args.length; i++) {
        parameters[i] = args[i] instanceof Integer ? int.class : args[i].getClass();
      }
      MethodHandle method =
          MethodHandles.publicLookup()
              .findVirtual(
                  target.getClass(), name, MethodType.methodType(type(returns), parameters));
      Object[] all = new Object[args.length + 1];
      all[0] = target;
      System.arraycopy(args, 0, all, 1, args.length);
      return method.invokeWithArguments(all);
    }
  }

  private static final String CARD_ERROR =
      """
      {"error": {
        "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
        "message": "Your card has insufficient funds.",
        "payment_intent": {"id": "pi_1", "object": "payment_intent", "amount": 2000,
          "currency": "usd", "customer": "cus_1", "latest_charge": "ch_1",
          "last_payment_error": {"type": "card_error", "code": "card_declined"},
          "payment_method": {"id": "pm_1", "object": "payment_method", "type": "card",
            "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030}},
          "metadata": {"order": "7"}},
        "source": {"id": "src_1", "object": "source", "type": "card",
          "owner": {"name": "A. Person"}}
      }}
      """;

  @Test
  void theUnusedPartsAreGone() throws Exception {
    try (ZipFile zip = new ZipFile(slimJar().toFile())) {
      List<String> names = zip.stream().map(ZipEntry::getName).toList();
      assertThat(names)
          .contains("com/stripe/StripeClient.class", "com/stripe/net/Webhook$Signature.class");
      assertThat(names)
          .noneMatch(n -> n.startsWith("com/stripe/service/"))
          .noneMatch(n -> n.startsWith("com/stripe/examples/"))
          .noneMatch(n -> n.startsWith("com/stripe/param/") && n.contains("$"))
          .doesNotContain(
              "com/stripe/model/EventDataClassLookup.class",
              "com/stripe/model/Quote.class",
              "com/stripe/model/terminal/Reader.class",
              "com/stripe/model/treasury/FinancialAccount.class");
    }
    assertThat(Files.size(slimJar())).isLessThan(3L * 1024 * 1024);
  }
}
