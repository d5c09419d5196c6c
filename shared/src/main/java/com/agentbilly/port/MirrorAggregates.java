package com.agentbilly.port;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.summary.Buckets;
import java.time.LocalDate;

/**
 * The org summary's aggregates, which the {@link MirrorStore} keeps up to date in the same atomic
 * step as each mirror write (see {@code SummaryContributions}): per currency, the running totals,
 * and one bucket per UTC day for the 30-day figures.
 */
public interface MirrorAggregates {

  /**
   * The org's running totals and its daily buckets dated {@code firstDay} or later, in one read
   * (one DynamoDB {@code Query}), however many objects the mirror holds.
   */
  Buckets read(OrgId org, LocalDate firstDay);
}
