package com.agentbilly.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** README.md's key tables are exactly what the verifying code says. */
class ReadmeTablesTest {

  @Test
  void readmeListsTheRequirementsTheCodeEnforces() throws IOException {
    assertThat(section("key-requirements"))
        .as(
            "README.md key-requirements table; expected:%n%s",
            KeyRequirementsMarkdown.requirementsTable())
        .isEqualTo(KeyRequirementsMarkdown.requirementsTable());
  }

  @Test
  void readmeListsTheProbesTheCodeSends() throws IOException {
    assertThat(section("probes"))
        .as("README.md probes table; expected:%n%s", KeyRequirementsMarkdown.probeTable())
        .isEqualTo(KeyRequirementsMarkdown.probeTable());
  }

  private static String section(String name) throws IOException {
    String readme = Files.readString(readme());
    String start = "<!-- " + name + ":start -->\n";
    String end = "<!-- " + name + ":end -->";
    int from = readme.indexOf(start);
    int to = readme.indexOf(end);
    assertThat(from).as("README.md has " + start.strip()).isNotNegative();
    assertThat(to).as("README.md has " + end).isGreaterThan(from);
    return readme.substring(from + start.length(), to);
  }

  private static Path readme() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("README.md")) && Files.exists(dir.resolve("template.yaml"))) {
        return dir.resolve("README.md");
      }
    }
    throw new IllegalStateException("README.md not found");
  }
}
