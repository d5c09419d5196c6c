package com.agentbilly.domain.mirror;

import java.time.Instant;
import java.util.Objects;

/**
 * A Stripe object to write to the mirror, as Stripe sent it, with the time of the snapshot it comes
 * from: {@code event.created} for a webhook or catch-up event, the moment the request started for
 * an object read from Stripe. The guarded write never lets an older snapshot overwrite a newer one.
 *
 * @param json the Stripe object's JSON exactly as received (Stripe's field names)
 * @param deleted true for a deletion (a tombstone is kept, not a silent removal)
 */
public record MirrorDocument(
    ObjectType type, String id, String json, Instant snapshot, boolean deleted) {

  public MirrorDocument {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(snapshot, "snapshot");
  }
}
