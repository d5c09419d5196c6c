package com.agentbilly.port;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ObjectType;
import java.time.Instant;
import java.util.Objects;

/**
 * Reads one object from Stripe again with the org's {@code sync} key: how a tie between two
 * snapshots of the same second is resolved (DESIGN §5). What Stripe answers now is at least as new
 * as both, so it is written with the moment the request started as its snapshot time.
 */
public interface StripeObjectFetcher {

  /**
   * The object as Stripe has it now.
   *
   * @throws Unavailable when Stripe cannot be reached, or keeps answering 429 or 5xx
   */
  Fetched fetch(OrgId org, ObjectType type, String id);

  /** What a fetch found. */
  sealed interface Fetched permits Found, Gone, Unresolvable {}

  /**
   * Stripe has the object.
   *
   * @param json the object's JSON as Stripe returned it
   * @param startedAt when the request started: the snapshot time of {@code json}
   */
  record Found(String json, Instant startedAt) implements Fetched {
    public Found {
      Objects.requireNonNull(json, "json");
      Objects.requireNonNull(startedAt, "startedAt");
    }
  }

  /**
   * Stripe no longer has the object: it answered 404, or the object in its deleted form.
   *
   * @param startedAt when the request started
   */
  record Gone(Instant startedAt) implements Fetched {
    public Gone {
      Objects.requireNonNull(startedAt, "startedAt");
    }
  }

  /**
   * The object cannot be read: the org has no {@code sync} key, or Stripe refused the key. Retrying
   * would not help; the caller keeps what it has.
   *
   * @param reason safe to log: never a key
   */
  record Unresolvable(String reason) implements Fetched {
    public Unresolvable {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Stripe could not be reached, or kept failing; a later retry may succeed. */
  final class Unavailable extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** {@code message} must not contain a key. */
    public Unavailable(String message) {
      super(message);
    }
  }
}
