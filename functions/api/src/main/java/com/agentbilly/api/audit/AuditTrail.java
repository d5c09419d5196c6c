package com.agentbilly.api.audit;

import com.agentbilly.audit.AuditChain;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.PageCursors;
import com.agentbilly.port.AuditLog;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An org's audit trail as owners read it (API.md "Audit"): pages of wire entries newest first,
 * walked with cursors sealed for this org's audit list only, and verification of the whole chain.
 */
public final class AuditTrail {

  /** The page size when the request names none. */
  public static final int DEFAULT_LIMIT = 25;

  /** The largest page a request may ask for. */
  public static final int MAX_LIMIT = 100;

  /**
   * Entries one verification request checks at most: about 10 MB of entries, some ten 1 MB Query
   * pages and 10,000 HMACs — a few seconds at most, far below the gateway's 29 s (an estimate from
   * the page size, not a measurement against DynamoDB).
   */
  public static final int DEFAULT_VERIFY_BOUND = 10_000;

  private static final String LIST = "audit";
  private static final String VERIFY = "audit-verify";

  private final AuditLog log;
  private final PageCursors cursors;
  private final int verifyBound;

  public AuditTrail(AuditLog log, PageCursors cursors) {
    this(log, cursors, DEFAULT_VERIFY_BOUND);
  }

  /**
   * @param verifyBound entries one verification request checks at most
   */
  public AuditTrail(AuditLog log, PageCursors cursors, int verifyBound) {
    this.log = Objects.requireNonNull(log, "log");
    this.cursors = Objects.requireNonNull(cursors, "cursors");
    if (verifyBound < 1) {
      throw new IllegalArgumentException("verifyBound must be positive");
    }
    this.verifyBound = verifyBound;
  }

  /**
   * One page of the org's entries, newest first.
   *
   * @param limit 1 to {@value #MAX_LIMIT}
   * @param cursor the previous page's {@code next_cursor}, or null for the first page
   * @throws com.agentbilly.domain.ApiProblem {@code invalid_cursor} for a cursor that was not
   *     issued for this org's audit list (or was tampered with)
   */
  public AuditListView page(OrgId org, int limit, String cursor) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit out of range: " + limit);
    }
    String binding = PageCursors.binding(org, LIST);
    String after = cursor == null ? null : cursors.open(binding, cursor, 1).getFirst();
    AuditLog.Page page = log.page(org, limit, after);
    String next = page.lastId() == null ? null : cursors.seal(binding, List.of(page.lastId()));
    return new AuditListView(
        page.entries().stream().map(AuditChain::wire).toList(), next != null, next);
  }

  /**
   * Recomputes the hashes of the org's chain, at most {@link #verifyBound} entries per request, so
   * a chain grown long (by refusals, say) never holds a request past the gateway's timeout. A
   * longer chain is answered with {@code complete: false} and a {@code next_cursor} that carries
   * where this step stopped — sealed for this org's verification only, so a client cannot make a
   * step start from a hash of its choosing.
   *
   * @param cursor the previous step's {@code next_cursor}, or null to start at the first entry
   * @throws com.agentbilly.domain.ApiProblem {@code invalid_cursor} for a cursor not issued for
   *     this org's verification
   */
  public VerificationView verify(OrgId org, String cursor) {
    String binding = PageCursors.binding(org, VERIFY);
    AuditLog.Progress from =
        cursor == null ? AuditLog.Progress.START : progress(cursors.open(binding, cursor, 5));
    AuditLog.Verification verification = log.verify(org, from, verifyBound);
    String next =
        verification.next() == null ? null : cursors.seal(binding, fields(verification.next()));
    return new VerificationView(
        verification.valid(),
        verification.entries(),
        verification.firstBadId(),
        next == null,
        next);
  }

  private static List<String> fields(AuditLog.Progress progress) {
    return List.of(
        progress.lastId(),
        Long.toString(progress.nextSeq()),
        progress.prevHash(),
        Long.toString(progress.entries()),
        Objects.requireNonNullElse(progress.firstBadId(), ""));
  }

  private static AuditLog.Progress progress(List<String> fields) {
    String firstBadId = fields.get(4);
    return new AuditLog.Progress(
        fields.get(0),
        Long.parseLong(fields.get(1)),
        fields.get(2),
        Long.parseLong(fields.get(3)),
        firstBadId.isEmpty() ? null : firstBadId);
  }

  /**
   * A page of the audit list on the wire: {@code {"data", "has_more", "next_cursor"}}.
   *
   * @param data wire entries as {@link AuditChain#wire} makes them, hash included
   * @param nextCursor null on the last page
   */
  public record AuditListView(List<Map<String, Object>> data, boolean hasMore, String nextCursor) {

    public AuditListView {
      data = List.copyOf(data);
    }
  }

  /**
   * {@code {"valid", "entries", "first_bad_id", "complete", "next_cursor"}}: {@code firstBadId} is
   * null when valid; while {@code complete} is false, {@code valid} and {@code entries} speak for
   * the entries checked so far and {@code next_cursor} continues.
   */
  public record VerificationView(
      boolean valid, long entries, String firstBadId, boolean complete, String nextCursor) {}
}
