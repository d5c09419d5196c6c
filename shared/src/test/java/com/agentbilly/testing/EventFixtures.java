package com.agentbilly.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's {@code events/} folder of real payload shapes from any module. */
public final class EventFixtures {

  private EventFixtures() {}

  /** The path of {@code events/<relative>}, searched upwards from the working directory. */
  public static Path path(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("events").resolve(relative);
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "events/" + relative + " not found above " + Path.of("").toAbsolutePath());
  }
}
