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

  private static final String LIST = "audit";

  private final AuditLog log;
  private final PageCursors cursors;

  public AuditTrail(AuditLog log, PageCursors cursors) {
    this.log = Objects.requireNonNull(log, "log");
    this.cursors = Objects.requireNonNull(cursors, "cursors");
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

  /** Recomputes every hash of the org's chain. */
  public VerificationView verify(OrgId org) {
    AuditLog.Verification verification = log.verify(org);
    return new VerificationView(
        verification.valid(), verification.entries(), verification.firstBadId());
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

  /** {@code {"valid", "entries", "first_bad_id"}}; {@code firstBadId} is null when valid. */
  public record VerificationView(boolean valid, long entries, String firstBadId) {}
}
