package com.agentbilly.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "com.agentbilly", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  @ArchTest
  static final ArchRule domainKnowsNoSdkOrFramework =
      noClasses()
          .that()
          .resideInAPackage("com.agentbilly.domain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "software.amazon..",
              "com.amazonaws..",
              "com.stripe..",
              "io.micronaut..",
              "com.fasterxml..");

  @ArchTest
  static final ArchRule portsKnowNoSdk =
      noClasses()
          .that()
          .resideInAPackage("com.agentbilly.port..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("software.amazon..", "com.stripe..", "io.micronaut..");

  @ArchTest
  static final ArchRule domainAndPortsDoNotReachIntoAdapters =
      noClasses()
          .that()
          .resideInAnyPackage("com.agentbilly.domain..", "com.agentbilly.port..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("com.agentbilly.adapter..", "com.agentbilly.http..");
}
