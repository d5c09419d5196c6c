package com.agentbilly.domain.mirror;

import java.time.Instant;

/**
 * A mirrored Stripe object as stored.
 *
 * @param json the Stripe object as last seen
 * @param snapshot the snapshot time the stored state comes from
 * @param syncedAt when it was written to the mirror
 */
public record MirrorItem(
    ObjectType type, String id, String json, Instant snapshot, Instant syncedAt, boolean deleted) {}
