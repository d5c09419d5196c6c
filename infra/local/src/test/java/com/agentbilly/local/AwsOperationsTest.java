package com.agentbilly.local;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The functions carry infra/aws-slim's jar, which keeps of the DynamoDB, KMS and Secrets Manager
 * clients only the operations its operations.properties lists; an operation left out would fail in
 * Lambda with NoClassDefFoundError. So the operations the main code of shared and the functions
 * calls must be exactly that list: none missing, and none listed that nothing calls. This module's
 * own code (the local stack's bootstrap creates tables, keys and secrets) never runs in Lambda.
 */
class AwsOperationsTest {

  private static final Pattern CLIENT =
      Pattern.compile("software\\.amazon\\.awssdk\\.services\\.([a-z0-9]+)\\.[A-Za-z0-9]+Client");
  private static final Set<String> NOT_OPERATIONS =
      Set.of(
          "builder",
          "create",
          "close",
          "serviceName",
          "serviceClientConfiguration",
          "utilities",
          "waiter");

  /** Leaves out test classes and test jars, whatever the build directory is called. */
  private static final ImportOption MAIN_CODE_ONLY =
      (Location location) ->
          !location.contains("/test-classes/") && !location.contains("-tests.jar");

  /** Service (the SDK's package name) to the operations called on its client. */
  static Map<String, Set<String>> operationsCalled(Iterable<JavaClass> classes) {
    Map<String, Set<String>> called = new TreeMap<>();
    for (JavaClass c : classes) {
      for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
        Matcher client = CLIENT.matcher(call.getTargetOwner().getName());
        if (client.matches() && !NOT_OPERATIONS.contains(call.getName())) {
          String method = call.getName().replaceFirst("Paginator$", "");
          called
              .computeIfAbsent(client.group(1), k -> new TreeSet<>())
              .add(Character.toUpperCase(method.charAt(0)) + method.substring(1));
        }
      }
    }
    return called;
  }

  static Map<String, Set<String>> listed() throws IOException {
    Properties operations = new Properties();
    try (InputStream in = Files.newInputStream(Path.of("../aws-slim/operations.properties"))) {
      operations.load(in);
    }
    Map<String, Set<String>> listed = new TreeMap<>();
    for (String service : operations.stringPropertyNames()) {
      listed.put(
          service, new TreeSet<>(Set.of(operations.getProperty(service).split("\\s*,\\s*"))));
    }
    return listed;
  }

  @Test
  void theOperationsTheProductCallsAreExactlyTheOnesTheSlimJarKeeps() throws IOException {
    JavaClasses mainCode =
        new ClassFileImporter()
            .withImportOption(MAIN_CODE_ONLY)
            .importPackages("com.agentbilly")
            .that(not(resideInAPackage("com.agentbilly.local..")));

    Map<String, Set<String>> called = operationsCalled(mainCode);

    assertThat(called).containsOnlyKeys("dynamodb", "kms", "secretsmanager");
    assertThat(called.get("dynamodb")).contains("GetItem", "Query", "TransactWriteItems");
    assertThat(called).isEqualTo(listed());
  }

  @Test
  void aCallOfAnOperationNotListedIsSeen() throws IOException {
    Map<String, Set<String>> called =
        operationsCalled(new ClassFileImporter().importClasses(DescribesTheTable.class));

    assertThat(called).isEqualTo(Map.of("dynamodb", Set.of("DescribeTable", "Query")));
    assertThat(listed().get("dynamodb")).doesNotContain("DescribeTable");
  }

  /** Calls one operation the slim jar keeps and one it does not. */
  private static final class DescribesTheTable {
    @SuppressWarnings("unused")
    long look(DynamoDbClient dynamo) {
      dynamo.queryPaginator(query -> query.tableName("t")).items().stream().count();
      return dynamo.describeTable(describe -> describe.tableName("t")).table().itemCount();
    }
  }
}
