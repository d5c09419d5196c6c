package com.agentbilly.webhook;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ListPage;
import com.agentbilly.domain.mirror.ListQuery;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.mirror.WriteOutcome;
import com.agentbilly.port.MirrorStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link MirrorStore} in front of another that records every write with its outcome and can be
 * told to fail like an unreachable DynamoDB.
 */
final class FlakyMirrorStore implements MirrorStore {

  /** One write and what the store made of it (null when it failed). */
  record Write(MirrorDocument document, WriteOutcome outcome) {}

  private final MirrorStore delegate;
  private final List<Write> writes = new CopyOnWriteArrayList<>();
  private volatile RuntimeException failure;

  FlakyMirrorStore(MirrorStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public WriteOutcome write(OrgId org, MirrorDocument document) {
    if (failure != null) {
      writes.add(new Write(document, null));
      throw failure;
    }
    WriteOutcome outcome = delegate.write(org, document);
    writes.add(new Write(document, outcome));
    return outcome;
  }

  @Override
  public Optional<MirrorItem> get(OrgId org, ObjectType type, String id) {
    return delegate.get(org, type, id);
  }

  @Override
  public ListPage list(OrgId org, ListQuery query) {
    return delegate.list(org, query);
  }

  void failWith(RuntimeException failure) {
    this.failure = failure;
  }

  List<Write> writes() {
    return List.copyOf(writes);
  }

  /** The outcomes of the writes so far, in order. */
  List<WriteOutcome> outcomes() {
    return writes.stream().map(Write::outcome).toList();
  }
}
