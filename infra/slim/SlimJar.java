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
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Writes the part of a library jar the product can reach into a classes directory (issue #12:
 * every function's artifact under 20 MiB, carrying only what it uses). Run by the build in Java's
 * source-file mode, with the module's compile class path:
 *
 * <pre>
 * java -cp CLASSPATH SlimJar.java OUTPUT_DIR THIS_FILE stripe
 * java -cp CLASSPATH SlimJar.java OUTPUT_DIR THIS_FILE aws OPERATIONS_FILE
 * </pre>
 *
 * <p><b>stripe</b>: the product talks to Stripe only through {@code StripeClient.rawRequest},
 * {@code com.stripe.net}, the exceptions and {@code Webhook.Signature}, and parses what Stripe
 * answers itself. Kept: the core (the top-level package, {@code net}, {@code exception}, {@code
 * util}); every model class the core names (jdeps), and everything gson may deserialize into from
 * them — the types of their fields and their superclasses' type arguments, transitively, with the
 * classes stripe-java's type adapter factories map to (an error answer builds {@code StripeError}'s
 * adapter over {@code PaymentIntent}, {@code Source} and the rest). About 12,000 of 13,500
 * classes go: the typed services, the other models and the params.
 *
 * <p><b>aws</b>: for each service in OPERATIONS_FILE ({@code dynamodb=GetItem,PutItem,…}), the
 * jar's client classes, and of its {@code model} and {@code transform} packages only what the
 * listed operations reach (jdeps, from each operation's request, response and marshaller) and
 * every modelled exception, which the client registers for every call. The other operations'
 * request and response classes stay as shells: the client's methods name them and the verifier
 * loads them, but nothing initializes them, so their shapes and marshallers go. The async client
 * and the SDK's warm-up provider (which calls an operation the product never does) go too.
 *
 * <p>Then, for either, every kept class is loaded from the kept set alone, beside the rest of the
 * class path, and initialized (shells only loaded), adding what is missing until nothing is.
 * StripeSlimLinkIT and AwsSlimLinkIT check the packaged result again; AwsOperationsTest fails when
 * the product's code calls an operation OPERATIONS_FILE does not list.
 */
public final class SlimJar {

  private static final Pattern JDEPS_EDGE =
      Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)", Pattern.MULTILINE);

  /** One library jar, read whole. */
  private static final class Jar {
    final Path path;
    final Map<String, byte[]> classes = new HashMap<>();
    final Map<String, byte[]> resources = new TreeMap<>();
    final Map<String, Set<String>> references = new HashMap<>();

    Jar(Path path) throws IOException {
      this.path = path;
      try (ZipFile zip = new ZipFile(path.toFile())) {
        for (ZipEntry entry : zip.stream().toList()) {
          String name = entry.getName();
          if (entry.isDirectory() || name.endsWith("module-info.class")) {
            continue;
          }
          try (InputStream in = zip.getInputStream(entry)) {
            if (name.endsWith(".class")) {
              classes.put(name.substring(0, name.length() - 6).replace('/', '.'), in.readAllBytes());
            } else {
              resources.put(name, in.readAllBytes());
            }
          }
        }
      }
      readReferences();
    }

    /** Class-level references, as jdeps reads them from the constant pools. */
    private void readReferences() {
      ToolProvider jdeps =
          ToolProvider.findFirst("jdeps")
              .orElseThrow(() -> new IllegalStateException("no jdeps in this JDK"));
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int rc =
          jdeps.run(
              new PrintWriter(out),
              new PrintWriter(err),
              "-verbose:class",
              "-filter:none",
              "-cp",
              path.toString(),
              path.toString());
      if (rc != 0) {
        throw new IllegalStateException("jdeps failed on " + path + " (" + rc + "): " + err);
      }
      Matcher edge = JDEPS_EDGE.matcher(out.toString());
      while (edge.find()) {
        if (classes.containsKey(edge.group(1)) && classes.containsKey(edge.group(2))) {
          references.computeIfAbsent(edge.group(1), k -> new HashSet<>()).add(edge.group(2));
        }
      }
      if (references.size() < classes.size() / 2) {
        throw new IllegalStateException(
            "jdeps named only " + references.size() + " of " + path + "'s classes");
      }
    }

    Set<String> referencedBy(String name) {
      return references.getOrDefault(name, Set.of());
    }
  }

  /**
   * What to keep of one jar: classes initialized in the check, classes only loaded (shells), and
   * classes whose fields gson reflects on.
   */
  private static final class Slim {
    final Jar jar;
    final String packagePrefix;
    final boolean initializeWhatLinkingNeeds;
    final Set<String> initialized = new TreeSet<>();
    final Set<String> shells = new TreeSet<>();
    final Set<String> reflected = new HashSet<>();
    final Map<String, byte[]> resources = new TreeMap<>();

    Slim(Jar jar, String packagePrefix, boolean initializeWhatLinkingNeeds) {
      this.jar = jar;
      this.packagePrefix = packagePrefix;
      this.initializeWhatLinkingNeeds = initializeWhatLinkingNeeds;
    }

    Set<String> kept() {
      Set<String> all = new TreeSet<>(initialized);
      all.addAll(shells);
      return all;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      throw new IllegalArgumentException(
          "usage: SlimJar OUTPUT_DIR THIS_FILE (stripe | aws OPERATIONS_FILE)");
    }
    Path out = Path.of(args[0]);
    List<Path> inputs = new ArrayList<>(List.of(Path.of(args[1])));
    String mode = args[2];
    Properties operations = new Properties();
    if (mode.equals("aws")) {
      Path file = Path.of(args[3]);
      inputs.add(file);
      try (InputStream in = Files.newInputStream(file)) {
        operations.load(in);
      }
    } else if (!mode.equals("stripe")) {
      throw new IllegalArgumentException("unknown mode " + mode);
    }
    List<String> names = new ArrayList<>(new TreeSet<>(operations.stringPropertyNames()));
    List<Path> jars = new ArrayList<>();
    if (mode.equals("stripe")) {
      jars.add(jarOf("com/stripe/StripeClient.class"));
    } else {
      for (String service : names) {
        jars.add(jarOf("META-INF/software.amazon.awssdk/" + service + "/version.properties"));
      }
    }
    inputs.addAll(jars);

    // The output is a function of the inputs alone: skip the work when none changed.
    Path marker = out.resolve("META-INF/agentbilly/slim-" + mode + ".from");
    StringBuilder from = new StringBuilder();
    for (Path input : inputs) {
      from.append(input.getFileName())
          .append(' ')
          .append(Files.size(input))
          .append(' ')
          .append(Files.getLastModifiedTime(input))
          .append('\n');
    }
    if (Files.isRegularFile(marker) && Files.readString(marker).contentEquals(from)) {
      System.out.println("SlimJar " + mode + ": up to date");
      return;
    }

    List<Slim> slims = new ArrayList<>();
    for (int i = 0; i < jars.size(); i++) {
      Jar jar = new Jar(jars.get(i));
      slims.add(
          mode.equals("stripe")
              ? stripe(jar, out)
              : aws(jar, names.get(i), List.of(operations.getProperty(names.get(i)).split("\\s*,\\s*"))));
    }
    for (Slim slim : slims) {
      keepWhatLinkingNeeds(slim, out);
      write(slim, out);
    }
    Files.createDirectories(marker.getParent());
    Files.writeString(marker, from);
  }

  // ---------------------------------------------------------------- stripe

  private static final Pattern STRIPE_CORE =
      Pattern.compile("com\\.stripe\\.([^.]+|net\\..+|exception\\..+|util\\..+)");

  private static Slim stripe(Jar jar, Path out) throws Exception {
    Slim slim = new Slim(jar, "com.stripe.", true);
    Deque<String> roots = new ArrayDeque<>();
    for (String name : jar.classes.keySet()) {
      if (STRIPE_CORE.matcher(name).matches()) {
        slim.initialized.add(name);
        for (String ref : jar.referencedBy(name)) {
          if (ref.startsWith("com.stripe.model.")) {
            roots.add(ref);
          }
        }
      }
    }
    try (URLClassLoader others = others(jar, out);
        URLClassLoader full = new URLClassLoader(new URL[] {url(jar.path)}, others)) {
      while (!roots.isEmpty()) {
        String name = roots.pop();
        if (!jar.classes.containsKey(name) || !slim.reflected.add(name)) {
          continue;
        }
        slim.initialized.add(name);
        Set<String> next = new HashSet<>();
        for (Class<?> c = Class.forName(name, false, full);
            c != null && c.getName().startsWith("com.stripe.");
            c = c.getSuperclass()) {
          next.add(c.getName());
          // A collection's items are its superclass's type argument: StripeCollection<Refund>.
          namedIn(c.getGenericSuperclass(), next);
          for (Type i : c.getGenericInterfaces()) {
            namedIn(i, next);
          }
          for (Field field : c.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers())
                && !Modifier.isTransient(field.getModifiers())) {
              namedIn(field.getGenericType(), next);
            }
          }
        }
        if (name.endsWith("TypeAdapterFactory")) {
          // A factory picks the class to deserialize into from the answer's "object" field.
          next.addAll(jar.referencedBy(name));
        }
        for (String n : next) {
          if (n.startsWith("com.stripe.model.")) {
            roots.add(n);
          }
        }
      }
    }
    return slim;
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

  // ---------------------------------------------------------------- aws

  private static Slim aws(Jar jar, String service, List<String> operations) {
    String base = "software.amazon.awssdk.services." + service + ".";
    Slim slim = new Slim(jar, base, false);
    String model = base + "model.";
    String transform = base + "transform.";
    Set<String> shapes = new HashSet<>();
    for (String name : jar.classes.keySet()) {
      if (name.startsWith(model) || name.startsWith(transform)) {
        shapes.add(name);
      } else if (!name.contains("Async")
          && !name.startsWith(base + "internal.warmup.")
          && !name.substring(base.length()).contains("streams.")) {
        slim.initialized.add(name);
      }
    }
    Deque<String> roots = new ArrayDeque<>();
    for (String operation : operations) {
      for (String root :
          List.of(
              model + operation + "Request",
              model + operation + "Response",
              transform + operation + "RequestMarshaller")) {
        if (!jar.classes.containsKey(root)) {
          throw new IllegalArgumentException(service + " has no operation " + operation);
        }
        roots.add(root);
      }
    }
    for (String name : shapes) {
      if (name.startsWith(model) && name.endsWith("Exception")) {
        roots.add(name);
      }
    }
    while (!roots.isEmpty()) {
      String name = roots.pop();
      if (slim.initialized.add(name)) {
        for (String ref : jar.referencedBy(name)) {
          if (shapes.contains(ref)) {
            roots.add(ref);
          }
        }
        // Nested classes go with their class: a request's builder, a shape's serializer.
        for (String nested : shapes) {
          if (nested.startsWith(name + "$")) {
            roots.add(nested);
          }
        }
      }
    }
    // What the client classes name of the rest, the other operations' requests and responses.
    for (String name : List.copyOf(slim.initialized)) {
      for (String ref : jar.referencedBy(name)) {
        if (shapes.contains(ref) && !slim.initialized.contains(ref)) {
          slim.shells.add(ref);
        }
      }
    }
    // Only what the version check reads: the service loader files would name the warm-up.
    String version = "META-INF/software.amazon.awssdk/" + service + "/version.properties";
    slim.resources.put(version, jar.resources.get(version));
    for (String legal : List.of("LICENSE.txt", "NOTICE.txt")) {
      if (jar.resources.containsKey("META-INF/" + legal)) {
        slim.resources.put(
            "META-INF/software.amazon.awssdk/" + service + "/" + legal,
            jar.resources.get("META-INF/" + legal));
      }
    }
    return slim;
  }

  // ---------------------------------------------------------------- both

  /** The class path without the jar and without the output directory (which holds old copies). */
  private static URLClassLoader others(Jar jar, Path out) {
    URL[] rest =
        Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .map(p -> Path.of(p).toAbsolutePath())
            .filter(p -> !p.equals(jar.path.toAbsolutePath()))
            .filter(p -> !p.startsWith(out.toAbsolutePath()))
            .map(SlimJar::url)
            .toArray(URL[]::new);
    return new URLClassLoader(rest, ClassLoader.getPlatformClassLoader());
  }

  /** Loads every kept class from the kept set alone, adding what is missing until nothing is. */
  private static void keepWhatLinkingNeeds(Slim slim, Path out) throws Exception {
    for (int round = 1; ; round++) {
      Set<String> missing = new TreeSet<>();
      try (URLClassLoader others = others(slim.jar, out)) {
        KeptOnly loader = new KeptOnly(others, slim);
        for (String name : slim.kept()) {
          try {
            Class<?> c = Class.forName(name, slim.initialized.contains(name), loader);
            if (slim.reflected.contains(name)) {
              c.getDeclaredFields();
            }
          } catch (NoClassDefFoundError e) {
            String absent = e.getMessage() == null ? "" : e.getMessage().replace('/', '.');
            if (!slim.jar.classes.containsKey(absent)) {
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
      (slim.initializeWhatLinkingNeeds ? slim.initialized : slim.shells).addAll(missing);
    }
  }

  private static final class KeptOnly extends ClassLoader {
    private final Slim slim;

    KeptOnly(ClassLoader parent, Slim slim) {
      super(parent);
      this.slim = slim;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      boolean kept = slim.initialized.contains(name) || slim.shells.contains(name);
      byte[] bytes = kept ? slim.jar.classes.get(name) : null;
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }

  private static void write(Slim slim, Path out) throws IOException {
    Path stale = out.resolve(slim.packagePrefix.replace('.', '/'));
    if (Files.isDirectory(stale)) {
      try (Stream<Path> files = Files.walk(stale)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    long bytes = 0;
    Set<String> kept = slim.kept();
    for (String name : kept) {
      byte[] content = slim.jar.classes.get(name);
      Path file = out.resolve(name.replace('.', '/') + ".class");
      Files.createDirectories(file.getParent());
      Files.write(file, content);
      bytes += content.length;
    }
    for (Map.Entry<String, byte[]> resource : slim.resources.entrySet()) {
      Path file = out.resolve(resource.getKey());
      Files.createDirectories(file.getParent());
      Files.write(file, resource.getValue());
    }
    System.out.printf(
        "SlimJar: kept %d of %s's %d classes (%d shells; %.1f of %.1f MiB)%n",
        kept.size(),
        slim.jar.path.getFileName(),
        slim.jar.classes.size(),
        slim.shells.size(),
        bytes / 1048576.0,
        slim.jar.classes.values().stream().mapToLong(b -> b.length).sum() / 1048576.0);
  }

  /** The jar on the class path holding the resource (the output directory may hold it too). */
  private static Path jarOf(String resource) throws IOException {
    for (URL url : Collections.list(SlimJar.class.getClassLoader().getResources(resource))) {
      if ("jar".equals(url.getProtocol())) {
        String path = url.getPath();
        return Path.of(URI.create(path.substring(0, path.indexOf("!/"))));
      }
    }
    throw new IllegalStateException("no jar on the class path holds " + resource);
  }

  private static URL url(Path path) {
    try {
      return path.toUri().toURL();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
