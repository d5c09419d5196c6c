package com.agentbilly.awsslim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The slim AWS jar (this module's packaged artifact) in place of the DynamoDB, KMS and Secrets
 * Manager jars, beside the rest of the SDK: every class loads, every class outside the model
 * initializes, what was cut is really absent, and every operation operations.properties lists works
 * against the local AWS through it ({@link SlimAwsProbe}).
 */
class AwsSlimLinkIT {

  private static final Pattern SERVICE_JAR =
      Pattern.compile(
          "(dynamodb|kms|secretsmanager)-\\d[^" + Pattern.quote(File.separator) + "]*\\.jar");

  private static Path slimJar() {
    Path jar = Path.of(System.getProperty("awsSlim.jar", "target/aws-slim.jar"));
    assertThat(jar)
        .as("the packaged slim jar (run at integration-test, after package)")
        .isRegularFile();
    return jar;
  }

  /** This test's class path with the slim jar instead of the service jars and this module's own. */
  private static URLClassLoader slimInsteadOfTheServiceJars() {
    List<URL> urls = new ArrayList<>();
    urls.add(url(slimJar()));
    Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(Path::of)
        .filter(p -> !SERVICE_JAR.matcher(p.getFileName().toString()).matches())
        .filter(p -> !p.toAbsolutePath().startsWith(Path.of("target").toAbsolutePath()))
        .forEach(p -> urls.add(url(p)));
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  @Test
  void everyClassLoadsAndEveryClassOutsideTheModelInitializesWithoutTheServiceJars()
      throws Exception {
    List<String> failures = new ArrayList<>();
    int classes = 0;
    try (ZipFile zip = new ZipFile(slimJar().toFile());
        URLClassLoader loader = slimInsteadOfTheServiceJars()) {
      for (ZipEntry entry : zip.stream().toList()) {
        String name = entry.getName();
        if (!name.endsWith(".class")) {
          continue;
        }
        classes++;
        String className = name.substring(0, name.length() - 6).replace('/', '.');
        // Shapes of unlisted operations are shells: loaded by the verifier, never initialized.
        boolean shape = className.contains(".model.") || className.contains(".transform.");
        try {
          Class<?> c = Class.forName(className, !shape, loader);
          assertThat(c.getClassLoader()).isSameAs(loader);
        } catch (LinkageError | ClassNotFoundException e) {
          failures.add(className + ": " + e);
        }
      }
    }
    assertThat(classes).isBetween(1_000, 3_000);
    assertThat(failures).isEmpty();
  }

  @Test
  void theUnlistedOperationsAreShellsAndTheAsyncClientsAndWarmUpAreGone() throws Exception {
    String dynamodb = "software/amazon/awssdk/services/dynamodb/";
    try (ZipFile zip = new ZipFile(slimJar().toFile())) {
      List<String> names = zip.stream().map(ZipEntry::getName).toList();
      assertThat(names)
          .contains(
              dynamodb + "DefaultDynamoDbClient.class",
              dynamodb + "model/GetItemRequest$BuilderImpl.class",
              dynamodb + "transform/GetItemRequestMarshaller.class",
              dynamodb + "model/TransactionCanceledException.class",
              // the shells the client's createTable method names, for the verifier
              dynamodb + "model/CreateTableRequest.class",
              dynamodb + "transform/CreateTableRequestMarshaller.class",
              "software/amazon/awssdk/services/kms/transform/DecryptRequestMarshaller.class",
              "META-INF/software.amazon.awssdk/dynamodb/version.properties")
          .doesNotContain(
              dynamodb + "model/CreateTableRequest$BuilderImpl.class",
              dynamodb + "model/GlobalSecondaryIndexDescription.class",
              dynamodb + "DynamoDbAsyncClient.class",
              dynamodb + "internal/warmup/DynamoDbWarmUpProvider.class",
              "software/amazon/awssdk/services/kms/model/CreateKeyRequest$BuilderImpl.class")
          .noneMatch(n -> n.startsWith(dynamodb + "streams/"))
          .noneMatch(n -> n.startsWith("META-INF/services/"));
    }
    assertThat(Files.size(slimJar())).isLessThan(4L * 1024 * 1024);
  }

  @Test
  void everyListedOperationWorksAgainstTheLocalAwsThroughTheSlimJarAlone() throws Exception {
    String run = UUID.randomUUID().toString();
    String table = "aws-slim-it-" + run;
    // Created with the whole SDK: CreateTable and CreateKey are not the product's operations.
    try (DynamoDbClient db =
            DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        KmsClient kms = KmsClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
      db.createTable(
          r ->
              r.tableName(table)
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .attributeDefinitions(
                      AttributeDefinition.builder()
                          .attributeName("pk")
                          .attributeType(ScalarAttributeType.S)
                          .build(),
                      AttributeDefinition.builder()
                          .attributeName("sk")
                          .attributeType(ScalarAttributeType.S)
                          .build())
                  .keySchema(
                      KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                      KeySchemaElement.builder()
                          .attributeName("sk")
                          .keyType(KeyType.RANGE)
                          .build()));
      String key = kms.createKey(r -> r.description(table)).keyMetadata().keyId();
      try (URLClassLoader slim = slimInsteadOfTheServiceJars()) {
        ClassLoader probes = new ProbeLoader(slim);
        Class<?> probeType = probes.loadClass(SlimAwsProbe.class.getName());
        assertThat(probeType.getClassLoader()).isSameAs(probes);
        assertThat(
                probes
                    .loadClass(DynamoDbClient.class.getName())
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation())
            .isEqualTo(url(slimJar()));
        @SuppressWarnings("unchecked")
        Function<Map<String, String>, List<String>> probe =
            (Function<Map<String, String>, List<String>>)
                probeType.getDeclaredConstructor().newInstance();

        List<String> seen =
            probe.apply(Map.of("table", table, "key", key, "secret", "aws-slim-it/" + run));

        assertThat(seen)
            .containsExactly(
                "get n=2",
                "batch get=3",
                "query=2",
                "conditional check failed",
                "transaction cancelled: ConditionalCheckFailed",
                "decrypted=plain",
                "secret=two",
                "secret not found");
      } finally {
        db.deleteTable(r -> r.tableName(table));
      }
    }
  }

  /** Defines {@link SlimAwsProbe} itself, from this module's test classes, over the slim loader. */
  private static final class ProbeLoader extends ClassLoader {
    ProbeLoader(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(SlimAwsProbe.class.getName())) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded != null) {
          return loaded;
        }
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = AwsSlimLinkIT.class.getClassLoader().getResourceAsStream(resource)) {
          if (in == null) {
            throw new ClassNotFoundException(name);
          }
          byte[] bytes = in.readAllBytes();
          return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  private static URL url(Path path) {
    try {
      return path.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }
}
