package com.agentbilly.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * DESIGN §5: every access pattern is a Query or GetItem, never a Scan. Checked over the main code
 * of every module (this module's test classpath holds them all); test helpers may scan moto.
 */
class NoTableScanTest {

  private static final Set<String> SCAN_METHODS = Set.of("scan", "scanPaginator");

  private static final DescribedPredicate<JavaMethodCall> A_DYNAMODB_SCAN =
      DescribedPredicate.describe(
          "a DynamoDB Scan",
          call ->
              call.getTargetOwner()
                      .getPackageName()
                      .startsWith("software.amazon.awssdk.services.dynamodb")
                  && SCAN_METHODS.contains(call.getName()));

  private static final ArchRule NO_SCAN =
      noClasses()
          .should()
          .callMethodWhere(A_DYNAMODB_SCAN)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(ScanRequest.class)
          .because("DESIGN §5: no Scan, ever");

  /** Leaves out test classes and test jars, whatever the build directory is called. */
  private static final ImportOption MAIN_CODE_ONLY =
      (Location location) ->
          !location.contains("/test-classes/") && !location.contains("-tests.jar");

  @Test
  void noMainCodeOfAnyModuleScansTheTable() {
    JavaClasses mainCode =
        new ClassFileImporter().withImportOption(MAIN_CODE_ONLY).importPackages("com.agentbilly");

    NO_SCAN.check(mainCode);
  }

  @Test
  void theRuleCatchesAScan() {
    JavaClasses scanning = new ClassFileImporter().importClasses(ScansTheTable.class);

    assertThatThrownBy(() -> NO_SCAN.check(scanning))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("DynamoDbClient.scanPaginator");
  }

  /** What the rule exists to stop. */
  private static final class ScansTheTable {
    @SuppressWarnings("unused")
    int count(DynamoDbClient dynamo) {
      return dynamo.scanPaginator(scan -> scan.tableName("t")).items().stream().toList().size();
    }
  }
}
