package com.agentbilly.api.actions;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.mirror.GuardedMirrorWrite;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what Stripe answered after an action to the mirror through the guarded write, with the
 * moment the Stripe request started as its snapshot. A failure here never undoes the action: it is
 * logged, and the next sync or webhook brings the mirror up to date.
 */
final class MirrorWriteBack {

  private static final Logger LOG = LoggerFactory.getLogger(MirrorWriteBack.class);

  private final GuardedMirrorWrite mirror;
  private final Clock clock;

  MirrorWriteBack(GuardedMirrorWrite mirror, Clock clock) {
    this.mirror = Objects.requireNonNull(mirror, "mirror");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** What the mirror holds of an object now. */
  Optional<MirrorItem> stored(OrgId org, ObjectType type, String id) {
    return mirror.stored(org, type, id);
  }

  /** Reads an object from Stripe now and writes it; a failure only costs freshness. */
  void readBack(OrgId org, ObjectType type, Supplier<String> read) {
    Instant startedAt = clock.instant();
    try {
      write(org, type, Refunds.parse(read.get()), startedAt);
    } catch (RuntimeException e) {
      LOG.atWarn()
          .setCause(e)
          .addKeyValue("org", org.value())
          .addKeyValue("type", type.objectName())
          .log("could not read an action's object back from Stripe; sync will catch up");
    }
  }

  void write(OrgId org, ObjectType type, JsonNode object, Instant startedAt) {
    try {
      String id = object.path("id").asText();
      mirror.write(org, new MirrorDocument(type, id, object.toString(), startedAt, false));
    } catch (RuntimeException e) {
      LOG.atWarn()
          .setCause(e)
          .addKeyValue("org", org.value())
          .addKeyValue("type", type.objectName())
          .log("could not write an action's result to the mirror; sync will catch up");
    }
  }
}
