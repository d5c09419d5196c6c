package com.agentbilly.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ListRestartGuardTest {

  @Test
  void pagesThatFollowOnAreNotARestart() {
    ListRestartGuard guard = new ListRestartGuard(null);

    assertThat(guard.restarted(List.of("a", "b"), false)).isFalse();
    assertThat(guard.restarted(List.of("c", "d"), true)).isFalse();
    assertThat(guard.head()).isEqualTo("a");
  }

  @Test
  void anIdSeenEarlierInTheRunMeansTheListStartedOver() {
    ListRestartGuard guard = new ListRestartGuard(null);
    guard.restarted(List.of("a", "b"), false);
    guard.restarted(List.of("c", "d"), true);

    assertThat(guard.restarted(List.of("a", "b"), true)).isTrue();
  }

  @Test
  void theHeadFromTheCheckpointOnALaterPageMeansTheListStartedOverAfterAResume() {
    ListRestartGuard resumed = new ListRestartGuard("a");

    assertThat(resumed.restarted(List.of("a", "b"), true)).isTrue();
  }

  @Test
  void theHeadOnAFirstPageIsNoRestart() {
    ListRestartGuard guard = new ListRestartGuard("a");

    assertThat(guard.restarted(List.of("a", "b"), false)).isFalse();
  }
}
