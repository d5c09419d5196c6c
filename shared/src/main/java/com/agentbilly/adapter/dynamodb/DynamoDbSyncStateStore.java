package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.instant;
import static com.agentbilly.adapter.dynamodb.Items.s;
import static com.agentbilly.adapter.dynamodb.Items.string;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.sync.SyncPhase;
import com.agentbilly.domain.sync.SyncState;
import com.agentbilly.domain.sync.SyncState.SyncError;
import com.agentbilly.domain.sync.SyncStatus;
import com.agentbilly.port.SyncStateStore;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link SyncStateStore} on the single table: one item {@code ORG#<org>#SYNC} / {@code STATE} in
 * the org's sync partition (one of the org's partitions, so deleting the org deletes it), read
 * consistently.
 */
public final class DynamoDbSyncStateStore implements SyncStateStore {

  static final String SYNC_SK = "STATE";

  private final DynamoDbClient dynamo;
  private final String table;

  /** The checkpoints in {@code table}. */
  public DynamoDbSyncStateStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public SyncState load(OrgId org) {
    Map<String, AttributeValue> item =
        dynamo.getItem(get -> get.tableName(table).key(key(org)).consistentRead(true)).item();
    if (item == null || item.isEmpty()) {
      return SyncState.never();
    }
    Map<ObjectType, Long> counts = new EnumMap<>(ObjectType.class);
    AttributeValue stored = item.get("counts");
    if (stored != null && stored.hasM()) {
      stored
          .m()
          .forEach(
              (name, n) ->
                  ObjectType.fromListName(name)
                      .ifPresent(type -> counts.put(type, Long.parseLong(n.n()))));
    }
    String errorCode = string(item, "last_error_code");
    String phase = string(item, "phase");
    String type = string(item, "current_type");
    return new SyncState(
        SyncStatus.fromWireName(string(item, "status")),
        phase == null ? null : SyncPhase.valueOf(phase),
        type == null ? null : ObjectType.fromListName(type).orElseThrow(),
        string(item, "last_id"),
        string(item, "head_id"),
        instant(item, "event_cursor"),
        instant(item, "last_started_at"),
        instant(item, "last_success_at"),
        errorCode == null ? null : new SyncError(errorCode, string(item, "last_error_message")),
        counts);
  }

  @Override
  public void save(OrgId org, SyncState state) {
    Map<String, AttributeValue> item = new HashMap<>(key(org));
    item.put("status", s(state.status().wireName()));
    Map<String, AttributeValue> counts = new HashMap<>();
    state.counts().forEach((type, n) -> counts.put(type.listName(), AttributeValue.fromN(n + "")));
    item.put("counts", AttributeValue.fromM(counts));
    putIfPresent(item, "phase", state.phase() == null ? null : state.phase().name());
    putIfPresent(
        item, "current_type", state.currentType() == null ? null : state.currentType().listName());
    putIfPresent(item, "last_id", state.lastId());
    putIfPresent(item, "head_id", state.headId());
    putIfPresent(item, "event_cursor", text(state.eventCursor()));
    putIfPresent(item, "last_started_at", text(state.lastStartedAt()));
    putIfPresent(item, "last_success_at", text(state.lastSuccessAt()));
    if (state.lastError() != null) {
      item.put("last_error_code", s(state.lastError().code()));
      item.put("last_error_message", s(state.lastError().message()));
    }
    dynamo.putItem(put -> put.tableName(table).item(item));
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
    if (value != null) {
      item.put(name, s(value));
    }
  }

  private static Map<String, AttributeValue> key(OrgId org) {
    return Map.of(TableKeys.PK, s(TableKeys.syncPk(org)), TableKeys.SK, s(SYNC_SK));
  }
}
