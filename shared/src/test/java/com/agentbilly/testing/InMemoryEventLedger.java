package com.agentbilly.testing;

import com.agentbilly.domain.OrgId;
import com.agentbilly.port.EventLedger;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link EventLedger} in memory: the first {@code record} of an event id wins. */
public final class InMemoryEventLedger implements EventLedger {

  /** What was recorded for one event. */
  public record Entry(String type, boolean handled, Instant created) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  @Override
  public boolean contains(OrgId org, String eventId) {
    return entries.containsKey(key(org, eventId));
  }

  @Override
  public boolean record(OrgId org, String eventId, String type, boolean handled, Instant created) {
    return entries.putIfAbsent(key(org, eventId), new Entry(type, handled, created)) == null;
  }

  /** The entry recorded for the event, if any. */
  public Optional<Entry> entry(OrgId org, String eventId) {
    return Optional.ofNullable(entries.get(key(org, eventId)));
  }

  /** How many events the org has recorded. */
  public int size(OrgId org) {
    String prefix = org.value() + "/";
    return (int) entries.keySet().stream().filter(k -> k.startsWith(prefix)).count();
  }

  /** Forgets every event of {@code org}, as org deletion does. */
  public void deleteOrgData(OrgId org) {
    String prefix = org.value() + "/";
    entries.keySet().removeIf(k -> k.startsWith(prefix));
  }

  private static String key(OrgId org, String eventId) {
    return org.value() + "/" + eventId;
  }
}
