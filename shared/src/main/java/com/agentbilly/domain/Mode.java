package com.agentbilly.domain;

import java.util.Locale;
import java.util.Optional;

/** Whether an org works with Stripe test-mode or live-mode data. */
public enum Mode {
  TEST,
  LIVE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean livemode() {
    return this == LIVE;
  }

  /** Parses {@code test} or {@code live}; empty for anything else. */
  public static Optional<Mode> fromWireName(String value) {
    for (Mode mode : values()) {
      if (mode.wireName().equals(value)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }
}
