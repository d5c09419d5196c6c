package com.agentbilly.api.summary;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.summary.OrgSummary;
import com.agentbilly.port.MirrorAggregates;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The org summary (API.md, {@code GET /orgs/{org}/summary}) from the aggregates the mirror store
 * keeps: one read of a few dozen items, however many objects the mirror holds.
 */
public final class SummaryReads {

  private final MirrorAggregates aggregates;
  private final Clock clock;

  public SummaryReads(MirrorAggregates aggregates, Clock clock) {
    this.aggregates = Objects.requireNonNull(aggregates, "aggregates");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The summary as of now (to the second); its 30-day window ends with today (UTC). */
  public OrgSummary summary(OrgId org) {
    Instant asOf = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    return OrgSummary.of(asOf, aggregates.read(org, OrgSummary.firstDay(asOf)));
  }
}
