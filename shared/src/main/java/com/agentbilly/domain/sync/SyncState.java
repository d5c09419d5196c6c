package com.agentbilly.domain.sync;

import com.agentbilly.domain.mirror.ObjectType;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * An org's sync checkpoint, saved after every page, so a run that stops (deadline, failure, a
 * killed process) is resumed by the next one from the last page written.
 *
 * @param phase null until a first run starts
 * @param currentType the type being backfilled; null once the backfill is done
 * @param lastId the id of the last object written of {@code currentType}: the next page starts
 *     after it; null at the start of a type
 * @param headId the first object listed of {@code currentType}: a page that shows it again means
 *     the server restarted the list
 * @param eventCursor events created at or after this moment (minus an overlap) are still to read;
 *     taken before the backfill starts
 * @param lastError null when the last run did not fail
 * @param counts objects listed per type by the last backfill
 */
public record SyncState(
    SyncStatus status,
    SyncPhase phase,
    ObjectType currentType,
    String lastId,
    String headId,
    Instant eventCursor,
    Instant lastStartedAt,
    Instant lastSuccessAt,
    SyncError lastError,
    Map<ObjectType, Long> counts) {

  public SyncState {
    Objects.requireNonNull(status, "status");
    counts = counts.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(counts));
  }

  /** The state of an org that never synced. */
  public static SyncState never() {
    return new SyncState(
        SyncStatus.NEVER, null, null, null, null, null, null, null, null, Map.of());
  }

  /** Why a run failed, as the API shows it. */
  public record SyncError(String code, String message) {
    public SyncError {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }

  /** This state with another status. */
  public SyncState withStatus(SyncStatus newStatus) {
    return new SyncState(
        newStatus,
        phase,
        currentType,
        lastId,
        headId,
        eventCursor,
        lastStartedAt,
        lastSuccessAt,
        lastError,
        counts);
  }

  /** This state at another backfill position. */
  public SyncState at(SyncPhase newPhase, ObjectType type, String id, String head) {
    return new SyncState(
        status,
        newPhase,
        type,
        id,
        head,
        eventCursor,
        lastStartedAt,
        lastSuccessAt,
        lastError,
        counts);
  }

  /** This state with another event cursor. */
  public SyncState withEventCursor(Instant cursor) {
    return new SyncState(
        status,
        phase,
        currentType,
        lastId,
        headId,
        cursor,
        lastStartedAt,
        lastSuccessAt,
        lastError,
        counts);
  }

  /** This state with run times and error replaced. */
  public SyncState withRun(Instant startedAt, Instant successAt, SyncError error) {
    return new SyncState(
        status,
        phase,
        currentType,
        lastId,
        headId,
        eventCursor,
        startedAt,
        successAt,
        error,
        counts);
  }

  /** This state with other counts. */
  public SyncState withCounts(Map<ObjectType, Long> newCounts) {
    return new SyncState(
        status,
        phase,
        currentType,
        lastId,
        headId,
        eventCursor,
        lastStartedAt,
        lastSuccessAt,
        lastError,
        newCounts);
  }
}
