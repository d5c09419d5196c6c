package com.agentbilly.mirror;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirror write of DESIGN §5: the snapshot-guarded write, and on a same-second tie (two
 * different states with the same snapshot second) a re-fetch of the object from Stripe with the
 * org's {@code sync} key, written as the current state.
 *
 * <p>A subscription whose discounts arrive only as ids (an event's payload: Stripe never expands
 * them there) is read from Stripe again first, with its coupons ({@code ObjectType#expansions}),
 * and that current state is written instead: the summary's MRR deducts forever coupons, which an id
 * does not tell. If it cannot be read (no usable sync key), it is written as received.
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

  /** What the mirror holds of one object now (a tombstone too), read as a write would see it. */
  public Optional<MirrorItem> stored(OrgId org, ObjectType type, String id) {
    return mirror.get(org, type, id);
  }

  /** Writes {@code document} unless the mirror holds a newer snapshot; resolves ties. */
  public Outcome write(OrgId org, MirrorDocument document) {
    MirrorDocument complete = complete(org, document);
    return settle(org, complete, mirror.write(org, complete));
  }

  /**
   * Writes a page of documents as {@link #write} would, in the mirror's fewer requests; ties are
   * resolved one by one afterwards. The outcomes come in the documents' order.
   */
  public List<Outcome> writeAll(OrgId org, List<MirrorDocument> documents) {
    List<MirrorDocument> complete = documents.stream().map(d -> complete(org, d)).toList();
    List<WriteOutcome> written = mirror.writeAll(org, complete);
    List<Outcome> outcomes = new ArrayList<>(written.size());
    for (int i = 0; i < written.size(); i++) {
      outcomes.add(settle(org, complete.get(i), written.get(i)));
    }
    return outcomes;
  }

  /**
   * The document, or — for a live subscription whose coupons it names only by id — the object as
   * Stripe has it now, read with its coupons (a tombstone if Stripe no longer has it).
   */
  private MirrorDocument complete(OrgId org, MirrorDocument document) {
    if (document.deleted()
        || !SummaryContributions.lacksCoupons(document.type(), document.json())) {
      return document;
    }
    return refetched(
            org, document, "coupons known only by id: the subscription is kept as received")
        .orElse(document);
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
    Optional<MirrorDocument> current =
        refetched(org, document, "same-second conflict not resolved: the mirror keeps its state");
    if (current.isEmpty()) {
      return Outcome.CONFLICT_KEPT;
    }
    if (mirror.write(org, current.get()) == WriteOutcome.CONFLICT) {
      LOG.atWarn()
          .addKeyValue("org", org.value())
          .addKeyValue("object_id", document.id())
          .log("re-fetched state met another write of the same instant: the mirror keeps it");
      return Outcome.CONFLICT_KEPT;
    }
    return Outcome.REFETCHED;
  }

  /**
   * The object as Stripe has it now, snapshot at the moment the request started (a tombstone if
   * Stripe no longer has it); empty, logged with {@code unresolvedMessage}, if it cannot be read.
   */
  private Optional<MirrorDocument> refetched(
      OrgId org, MirrorDocument document, String unresolvedMessage) {
    return switch (stripe.fetch(org, document.type(), document.id())) {
      case Found found ->
          Optional.of(
              new MirrorDocument(
                  document.type(), document.id(), found.json(), found.startedAt(), false));
      case Gone gone ->
          Optional.of(
              new MirrorDocument(
                  document.type(), document.id(), deletedStub(document), gone.startedAt(), true));
      case Unresolvable unresolvable -> {
        LOG.atWarn()
            .addKeyValue("org", org.value())
            .addKeyValue("object_id", document.id())
            .addKeyValue("reason", unresolvable.reason())
            .log(unresolvedMessage);
        yield Optional.empty();
      }
    };
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
