import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Writes the part of stripe-java the product can reach into a classes directory (issue #12: lean
 * artifacts). Run by the build, in Java's source-file mode, with stripe-java and gson on the class
 * path: {@code java -cp STRIPE_JAVA:GSON SlimStripe.java OUTPUT_DIR SlimStripe.java}.
 *
 * <p>The product talks to Stripe only through {@code StripeClient.rawRequest}, {@code
 * com.stripe.net}, the exceptions and {@code Webhook.Signature}, and parses what Stripe answers
 * itself. What it reaches is therefore:
 *
 * <ol>
 *   <li>the core: the top-level package, {@code net}, {@code exception} and {@code util};
 *   <li>every model class the core names (jdeps), and everything gson may deserialize into from
 *       them: the types of their fields and their superclasses' type arguments, transitively, with the classes stripe-java's type
 *       adapter factories map to. This is what an error answer loads: {@code StripeError}'s
 *       adapter is built over {@code PaymentIntent}, {@code Source} and the rest;
 *   <li>every class the verifier or initializer needs to link the above: each kept class is
 *       loaded and initialized from the kept set alone until nothing is missing.
 * </ol>
 *
 * Everything else — the typed services, the other models (their methods name their params) and
 * the params — is left out: about 12,000 of stripe-java's 13,500 classes. The methods of a kept
 * model that name a class left out are never called by the product; the verifier does not need
 * that class, which step 3 proves. StripeSlimLinkIT checks the packaged result again, on its own.
 */
public final class SlimStripe {

  private static final Pattern CORE =
      Pattern.compile("com\\.stripe\\.([^.]+|net\\..+|exception\\..+|util\\..+)");
  private static final Pattern JDEPS_EDGE =
      Pattern.compile("^\\s+(com\\.stripe\\.\\S+)\\s+->\\s+(com\\.stripe\\.\\S+)", Pattern.MULTILINE);

  private final Path jar;
  private final URL gson;
  private final Map<String, byte[]> classes = new HashMap<>();
  private final Map<String, Set<String>> references = new HashMap<>();
  private final Set<String> kept = new TreeSet<>();
  private final Set<String> reflected = new HashSet<>();

  private SlimStripe(Path jar, URL gson) {
    this.jar = jar;
    this.gson = gson;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: SlimStripe OUTPUT_DIR THIS_SOURCE_FILE");
    }
    Path out = Path.of(args[0]);
    Path jar = jarOf("com/stripe/StripeClient.class");
    // The output is a function of stripe-java's jar and this file: skip the work when neither changed.
    Path marker = out.resolve("META-INF/agentbilly/stripe-slim.from");
    String from = stamp(jar) + ", " + stamp(Path.of(args[1]));
    if (Files.isRegularFile(marker) && Files.readString(marker).equals(from)) {
      System.out.println("SlimStripe: up to date (" + from + ")");
      return;
    }
    SlimStripe slim = new SlimStripe(jar, jarUrlOf("com/google/gson/Gson.class"));
    slim.readJar();
    slim.readReferences();
    slim.keepReachable();
    slim.keepWhatLinkingNeeds();
    slim.write(out);
    Files.createDirectories(marker.getParent());
    Files.writeString(marker, from);
  }

  private void readJar() throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (ZipEntry entry : zip.stream().toList()) {
        String name = entry.getName();
        if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
          try (InputStream in = zip.getInputStream(entry)) {
            classes.put(name.substring(0, name.length() - 6).replace('/', '.'), in.readAllBytes());
          }
        }
      }
    }
  }

  /** Class-level references, as jdeps reads them from the constant pools. */
  private void readReferences() {
    ToolProvider jdeps =
        ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException("no jdeps in this JDK"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "-verbose:class", "-filter:none", "-cp", jar.toString(), jar.toString());
    if (rc != 0) {
      throw new IllegalStateException("jdeps failed (" + rc + "): " + err);
    }
    Matcher edge = JDEPS_EDGE.matcher(out.toString());
    while (edge.find()) {
      references.computeIfAbsent(edge.group(1), k -> new HashSet<>()).add(edge.group(2));
    }
    if (references.size() < 1_000) {
      throw new IllegalStateException("jdeps named only " + references.size() + " classes: " + out.toString().lines().limit(5).toList());
    }
  }

  private void keepReachable() throws Exception {
    Deque<String> roots = new ArrayDeque<>();
    for (String name : classes.keySet()) {
      if (CORE.matcher(name).matches()) {
        kept.add(name);
        for (String ref : references.getOrDefault(name, Set.of())) {
          if (ref.startsWith("com.stripe.model.")) {
            roots.add(ref);
          }
        }
      }
    }
    try (URLClassLoader full = new URLClassLoader(new URL[] {jar.toUri().toURL(), gson}, ClassLoader.getPlatformClassLoader())) {
      while (!roots.isEmpty()) {
        String name = roots.pop();
        if (!classes.containsKey(name) || !reflected.add(name)) {
          continue;
        }
        kept.add(name);
        Class<?> type = Class.forName(name, false, full);
        Set<String> next = new HashSet<>();
        for (Class<?> c = type; c != null && c.getName().startsWith("com.stripe."); c = c.getSuperclass()) {
          next.add(c.getName());
          // A collection's items are its superclass's type argument: StripeCollection<Refund>.
          namedIn(c.getGenericSuperclass(), next);
          for (Type i : c.getGenericInterfaces()) {
            namedIn(i, next);
          }
          for (Field field : c.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) && !Modifier.isTransient(field.getModifiers())) {
              namedIn(field.getGenericType(), next);
            }
          }
        }
        if (name.endsWith("TypeAdapterFactory")) {
          // A factory picks the class to deserialize into from the answer's "object" field.
          next.addAll(references.getOrDefault(name, Set.of()));
        }
        for (String n : next) {
          if (n.startsWith("com.stripe.model.")) {
            roots.add(n);
          }
        }
      }
    }
  }

  private static void namedIn(Type type, Set<String> names) {
    if (type instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      names.add(c.getName());
    } else if (type instanceof ParameterizedType p) {
      namedIn(p.getRawType(), names);
      for (Type argument : p.getActualTypeArguments()) {
        namedIn(argument, names);
      }
    } else if (type instanceof GenericArrayType a) {
      namedIn(a.getGenericComponentType(), names);
    } else if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        namedIn(bound, names);
      }
    }
  }

  /** Loads and initializes every kept class from the kept set alone, adding what is missing. */
  private void keepWhatLinkingNeeds() throws Exception {
    for (int round = 1; ; round++) {
      Set<String> missing = new TreeSet<>();
      try (URLClassLoader gsonOnly = new URLClassLoader(new URL[] {gson}, ClassLoader.getPlatformClassLoader())) {
        KeptOnly loader = new KeptOnly(gsonOnly);
        for (String name : kept) {
          try {
            Class<?> c = Class.forName(name, true, loader);
            if (reflected.contains(name)) {
              c.getDeclaredFields();
            }
          } catch (NoClassDefFoundError e) {
            String absent = e.getMessage() == null ? "" : e.getMessage().replace('/', '.');
            if (!classes.containsKey(absent)) {
              throw new IllegalStateException(name + " does not link: " + e, e);
            }
            missing.add(absent);
          }
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      if (round > 100) {
        throw new IllegalStateException("still missing after 100 rounds: " + missing);
      }
      kept.addAll(missing);
    }
  }

  private final class KeptOnly extends ClassLoader {
    KeptOnly(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = kept.contains(name) ? classes.get(name) : null;
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }

  private void write(Path out) throws IOException {
    Path stale = out.resolve("com/stripe");
    if (Files.isDirectory(stale)) {
      try (var files = Files.walk(stale)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    long bytes = 0;
    for (String name : kept) {
      Path file = out.resolve(name.replace('.', '/') + ".class");
      Files.createDirectories(file.getParent());
      Files.write(file, classes.get(name));
      bytes += classes.get(name).length;
    }
    System.out.printf(
        "SlimStripe: kept %d of stripe-java's %d classes (%.1f of %.1f MiB) in %s%n",
        kept.size(),
        classes.size(),
        bytes / 1048576.0,
        classes.values().stream().mapToLong(b -> b.length).sum() / 1048576.0,
        out);
  }

  private static URL jarUrlOf(String resource) throws IOException {
    return jarOf(resource).toUri().toURL();
  }

  private static String stamp(Path file) throws IOException {
    return file.getFileName() + " " + Files.size(file) + " " + Files.getLastModifiedTime(file);
  }

  /** The jar on the class path holding the resource (the output directory may hold it too). */
  private static Path jarOf(String resource) throws IOException {
    for (URL url : Collections.list(SlimStripe.class.getClassLoader().getResources(resource))) {
      if ("jar".equals(url.getProtocol())) {
        String path = url.getPath();
        return Path.of(URI.create(path.substring(0, path.indexOf("!/"))));
      }
    }
    throw new IllegalStateException("no jar on the class path holds " + resource);
  }
}
