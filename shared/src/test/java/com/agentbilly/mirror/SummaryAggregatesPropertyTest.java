package com.agentbilly.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.WriteOutcome;
import com.agentbilly.domain.summary.Buckets;
import com.agentbilly.domain.summary.OrgSummary;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.SummaryHistories;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * After any sequence of mirror writes — creates, updates, stale and same-second versions out of
 * order, duplicates, deletions, status, currency and day changes — the aggregates the store kept up
 * to date write by write equal a from-scratch recomputation over the final mirror contents. The
 * DynamoDB store applies the same {@link SummaryContributions#change}; {@code SummaryAggregatesIT}
 * runs these histories against it.
 */
class SummaryAggregatesPropertyTest {

  private static final OrgId ORG = new OrgId("org_summarypropertyaaaaaaaaaaa");
  private static final OrgId OTHER = new OrgId("org_summarypropertybbbbbbbbbbb");
  private static final LocalDate EVERY_DAY = LocalDate.of(1970, 1, 1);
  private static final Instant AS_OF = SummaryHistories.T0.plusSeconds(3_600);

  @Property(tries = 400)
  void maintainedAggregatesEqualARecomputationOverTheFinalMirror(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 80) int length) {
    InMemoryMirrorStore store = new InMemoryMirrorStore(Clock.fixed(AS_OF, ZoneOffset.UTC));
    List<MirrorDocument> writes = SummaryHistories.writes(seed, length);
    Set<WriteOutcome> outcomes = EnumSet.noneOf(WriteOutcome.class);
    for (MirrorDocument write : writes) {
      outcomes.add(store.write(ORG, write));
    }
    store.write(OTHER, writes.get(0));

    Buckets recomputed = SummaryContributions.recompute(store.all(ORG));
    assertThat(store.read(ORG, EVERY_DAY)).isEqualTo(recomputed);
    assertThat(OrgSummary.of(AS_OF, store.read(ORG, OrgSummary.firstDay(AS_OF))))
        .isEqualTo(OrgSummary.of(AS_OF, recomputed));

    Statistics.label("a write was refused as stale or same-second")
        .collect(outcomes.contains(WriteOutcome.STALE) || outcomes.contains(WriteOutcome.CONFLICT));
    Statistics.label("some aggregate is not zero").collect(!recomputed.isEmpty());
    Statistics.label("a write was refused as stale or same-second")
        .coverage(coverage -> coverage.check(true).percentage(p -> p >= 50));
    Statistics.label("some aggregate is not zero")
        .coverage(coverage -> coverage.check(true).percentage(p -> p >= 70));
  }
}
