package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.local.bench.LoadRun;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The bounded load of issue #14 item 3 in {@code make test}: signed webhooks for a few orgs at once
 * and concurrent member reads, over HTTP through the test stack's dev gateway ({@link LoadRun}, the
 * code {@code infra/bench/load} runs with bigger numbers). It asserts what must hold under load —
 * every event acknowledged and in the mirror exactly once, no 5xx, no request without an answer —
 * and nothing about time: the figures are the benchmark's to print.
 */
@WithLocalStack
class LoadIT {

  /** Bounded by count; the time limit is only a safety stop, far beyond what the count takes. */
  private static final LoadRun.Options OPTIONS =
      new LoadRun.Options(3, 300, 6, 3, Duration.ofMinutes(10), 0.15);

  private final LocalStack stack;

  LoadIT(LocalStack stack) {
    this.stack = stack;
  }

  @Test
  void concurrentWebhooksForSeveralOrgsLandExactlyOnceWhileMembersRead()
      throws InterruptedException {
    LoadRun.Report report =
        LoadRun.run(
            new LoadRun.Target(
                stack.apiUri(),
                stack.webhookUri(),
                stack.info().userPoolId(),
                stack.info().clientId(),
                stack.info().table()),
            OPTIONS,
            System.out);
    report.print(System.out);

    assertThat(report.sent()).as("every planned delivery was sent").isEqualTo(report.planned());
    assertThat(report.redeliveriesSent()).isEqualTo(45);
    assertThat(report.webhooks().notOk()).as("answers to deliveries other than 200").isEmpty();
    assertThat(report.check().problems()).as("the exactly-once check").isEmpty();
    assertThat(report.check().passed()).isTrue();
    assertThat(report.check().eventsAcknowledged()).isEqualTo(255);
    assertThat(report.check().duplicateAnswers()).isEqualTo(45);
    assertThat(report.reads().count()).as("reads made during the load").isPositive();
    assertThat(report.reads().serverErrorsOrNoAnswer()).isZero();
    assertThat(report.reads().notOk().keySet())
        .as("the only refusal a member's read may get is the quota's (API: 429 rate_limited)")
        .allMatch(answer -> answer.equals("429 rate_limited"));
  }
}
