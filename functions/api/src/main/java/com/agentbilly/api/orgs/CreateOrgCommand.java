package com.agentbilly.api.orgs;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.Mode;
import java.util.LinkedHashMap;
import java.util.Map;

/** A request to create an org; validates itself ({@code 422 validation_failed} with fields). */
public record CreateOrgCommand(String name, Mode mode) {

  public static final int MAX_NAME_LENGTH = 100;

  /** Validates raw input; every unacceptable field is named at once. */
  public static CreateOrgCommand of(String rawName, String rawMode) {
    Map<String, String> problems = new LinkedHashMap<>();
    String name = rawName == null ? null : rawName.strip();
    if (name == null || name.isEmpty()) {
      problems.put("name", "is required");
    } else if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
      problems.put("name", "must be at most " + MAX_NAME_LENGTH + " characters");
    } else if (name.chars().anyMatch(Character::isISOControl)) {
      problems.put("name", "must not contain control characters");
    }
    Mode mode = rawMode == null ? null : Mode.fromWireName(rawMode).orElse(null);
    if (mode == null) {
      problems.put("mode", "must be \"test\" or \"live\"");
    }
    if (!problems.isEmpty()) {
      throw ApiProblem.validationFailed(problems);
    }
    return new CreateOrgCommand(name, mode);
  }
}
