package com.agentbilly.webhook;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.port.StripeObjectFetcher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stripe as far as re-fetching goes: answers what a test put for an object ({@link Unresolvable}
 * otherwise, like an org without a sync key) and remembers every fetch.
 */
final class FakeStripe implements StripeObjectFetcher {

  private final Map<String, Fetched> answers = new ConcurrentHashMap<>();
  private final List<String> fetches = new CopyOnWriteArrayList<>();
  private volatile RuntimeException failure;

  @Override
  public Fetched fetch(OrgId org, ObjectType type, String id) {
    fetches.add(type.objectName() + "/" + id);
    if (failure != null) {
      throw failure;
    }
    return answers.getOrDefault(key(type, id), new Unresolvable("no sync key connected"));
  }

  void answer(ObjectType type, String id, Fetched answer) {
    answers.put(key(type, id), answer);
  }

  void failWith(RuntimeException failure) {
    this.failure = failure;
  }

  /** Every fetch so far, as {@code <object name>/<id>}. */
  List<String> fetches() {
    return List.copyOf(fetches);
  }

  private static String key(ObjectType type, String id) {
    return type.objectName() + "/" + id;
  }
}
