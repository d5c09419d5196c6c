package com.agentbilly.mirror;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.WriteOutcome;
import com.agentbilly.http.Json;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.port.StripeObjectFetcher.Found;
import com.agentbilly.port.StripeObjectFetcher.Gone;
import com.agentbilly.port.StripeObjectFetcher.Unresolvable;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirror write of DESIGN §5: the snapshot-guarded write, and on a same-second tie (two
 * different states with the same snapshot second) a re-fetch of the object from Stripe with the
 * org's {@code sync} key, written as the current state.
 *
 * <p>Failures of storage and {@link StripeObjectFetcher.Unavailable} propagate unchanged.
 */
public final class GuardedMirrorWrite {

  private static final Logger LOG = LoggerFactory.getLogger(GuardedMirrorWrite.class);

  /** What became of a write. */
  public enum Outcome {
    /** Written to the mirror. */
    APPLIED,
    /** Not written: the mirror holds a newer snapshot. */
    STALE,
    /** Not written: the mirror holds this very state. */
    SAME,
    /** A same-second tie, resolved by writing the object as Stripe returned it just now. */
    REFETCHED,
    /** A same-second tie that could not be resolved (no usable sync key): the mirror is kept. */
    CONFLICT_KEPT
  }

  private final MirrorStore mirror;
  private final StripeObjectFetcher stripe;

  /** Writes to {@code mirror}; re-reads tied objects through {@code stripe}. */
  public GuardedMirrorWrite(MirrorStore mirror, StripeObjectFetcher stripe) {
    this.mirror = Objects.requireNonNull(mirror, "mirror");
    this.stripe = Objects.requireNonNull(stripe, "stripe");
  }

  /** Writes {@code document} unless the mirror holds a newer snapshot; resolves ties. */
  public Outcome write(OrgId org, MirrorDocument document) {
    return settle(org, document, mirror.write(org, document));
  }

  /**
   * Writes a page of documents as {@link #write} would, in the mirror's fewer requests; ties are
   * resolved one by one afterwards. The outcomes come in the documents' order.
   */
  public List<Outcome> writeAll(OrgId org, List<MirrorDocument> documents) {
    List<WriteOutcome> written = mirror.writeAll(org, documents);
    List<Outcome> outcomes = new ArrayList<>(written.size());
    for (int i = 0; i < written.size(); i++) {
      outcomes.add(settle(org, documents.get(i), written.get(i)));
    }
    return outcomes;
  }

  /** What a store's outcome means here: a tie is resolved by a re-fetch. */
  private Outcome settle(OrgId org, MirrorDocument document, WriteOutcome written) {
    return switch (written) {
      case APPLIED -> Outcome.APPLIED;
      case STALE -> Outcome.STALE;
      case SAME -> Outcome.SAME;
      case CONFLICT -> resolveTie(org, document);
    };
  }

  private Outcome resolveTie(OrgId org, MirrorDocument document) {
    StripeObjectFetcher.Fetched fetched = stripe.fetch(org, document.type(), document.id());
    MirrorDocument current =
        switch (fetched) {
          case Found found ->
              new MirrorDocument(
                  document.type(), document.id(), found.json(), found.startedAt(), false);
          case Gone gone ->
              new MirrorDocument(
                  document.type(), document.id(), deletedStub(document), gone.startedAt(), true);
          case Unresolvable unresolvable -> {
            LOG.atWarn()
                .addKeyValue("org", org.value())
                .addKeyValue("object_id", document.id())
                .addKeyValue("reason", unresolvable.reason())
                .log("same-second conflict not resolved: the mirror keeps its state");
            yield null;
          }
        };
    if (current == null) {
      return Outcome.CONFLICT_KEPT;
    }
    if (mirror.write(org, current) == WriteOutcome.CONFLICT) {
      LOG.atWarn()
          .addKeyValue("org", org.value())
          .addKeyValue("object_id", document.id())
          .log("re-fetched state met another write of the same instant: the mirror keeps it");
      return Outcome.CONFLICT_KEPT;
    }
    return Outcome.REFETCHED;
  }

  /**
   * Stripe's deleted form of the object ({@code id}, {@code object}, {@code deleted: true}): as it
   * carries no {@code created}, the store marks the object deleted and keeps its last known JSON.
   */
  private static String deletedStub(MirrorDocument document) {
    ObjectNode stub = Json.MAPPER.createObjectNode();
    stub.put("id", document.id());
    stub.put("object", document.type().objectName());
    stub.put("deleted", true);
    return Json.write(stub);
  }
}
