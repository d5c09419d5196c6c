package com.agentbilly.port;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ListPage;
import com.agentbilly.domain.mirror.ListQuery;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.mirror.WriteOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The org's mirror of its Stripe objects. Every read is one DynamoDB {@code Query} or {@code
 * GetItem} (never a {@code Scan}); every write is conditional on the snapshot time.
 */
public interface MirrorStore {

  /** Writes the document unless a newer (or equally new) snapshot is stored. */
  WriteOutcome write(OrgId org, MirrorDocument document);

  /**
   * Writes each document as {@link #write} would, and answers their outcomes in the same order; the
   * outcome of every document is the one it would have had written alone, in list order. A store
   * may write the documents in fewer requests (the sync writes a whole page at once); a failure may
   * leave some of them written and others not, each of them whole.
   */
  default List<WriteOutcome> writeAll(OrgId org, List<MirrorDocument> documents) {
    List<WriteOutcome> outcomes = new ArrayList<>(documents.size());
    for (MirrorDocument document : documents) {
      outcomes.add(write(org, document));
    }
    return outcomes;
  }

  Optional<MirrorItem> get(OrgId org, ObjectType type, String id);

  /**
   * One page of a list, newest first.
   *
   * @throws com.agentbilly.domain.ApiProblem {@code invalid_cursor} for a cursor not issued for
   *     this org, list and filters
   */
  ListPage list(OrgId org, ListQuery query);
}
