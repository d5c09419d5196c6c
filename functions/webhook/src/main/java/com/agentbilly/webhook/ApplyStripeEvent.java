package com.agentbilly.webhook;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.Org;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.mirror.GuardedMirrorWrite;
import com.agentbilly.port.EventLedger;
import com.agentbilly.port.KeyVault;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.port.OrgStore;
import com.agentbilly.port.StripeObjectFetcher;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Receives one Stripe webhook delivery for an org (DESIGN §6): verifies its signature with the
 * org's webhook secret, reads the event, skips it if already applied, applies it to the mirror with
 * the guarded write (re-fetching the object from Stripe on a same-second tie) and records it in the
 * ledger — in that order, so a failure before the record leaves nothing that would stop Stripe's
 * retry from applying it.
 *
 * <p>Refusals are {@link ApiProblem}s: {@code not_found} (unknown org, no webhook secret), {@code
 * invalid_signature}, {@code invalid_request}. Failures of storage (AWS SDK and vault exceptions)
 * and {@link StripeObjectFetcher.Unavailable} propagate unchanged: the delivery must be answered
 * 5xx so that Stripe retries it.
 */
public final class ApplyStripeEvent {

  /** Stripe's own default: a signature older than five minutes is refused. */
  public static final long SIGNATURE_TOLERANCE_SECONDS = Webhook.DEFAULT_TOLERANCE;

  /** What became of a delivery. */
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
    CONFLICT_KEPT,
    /** An event type we do not mirror: recorded and acknowledged. */
    NOT_MIRRORED,
    /** Already applied earlier: nothing done. */
    DUPLICATE
  }

  /** The answer to a delivery. */
  public record Receipt(String eventId, String type, Outcome outcome) {

    /** Whether the event had been received before. */
    public boolean duplicate() {
      return outcome == Outcome.DUPLICATE;
    }
  }

  private final OrgStore orgs;
  private final KeyVault vault;
  private final EventLedger ledger;
  private final GuardedMirrorWrite writer;
  private final Clock clock;

  /**
   * @param vault must be able to read the {@code webhook} secret
   * @param stripe re-reads objects with the org's {@code sync} key on a tie
   * @param clock the time signatures are checked against
   */
  public ApplyStripeEvent(
      OrgStore orgs,
      KeyVault vault,
      MirrorStore mirror,
      EventLedger ledger,
      StripeObjectFetcher stripe,
      Clock clock) {
    this.orgs = Objects.requireNonNull(orgs, "orgs");
    this.vault = Objects.requireNonNull(vault, "vault");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.writer = new GuardedMirrorWrite(mirror, stripe);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Handles one delivery.
   *
   * @param payload the request body exactly as received (the signature covers its UTF-8 bytes)
   * @param signatureHeader the {@code Stripe-Signature} header, or null when absent
   * @throws ApiProblem for a delivery that is refused
   */
  public Receipt receive(OrgId orgId, String payload, String signatureHeader) {
    return apply(verify(orgId, payload, signatureHeader));
  }

  /** A delivery whose signature verified with its org's webhook secret: Stripe sent it. */
  public record Verified(Org org, String payload) {}

  /**
   * Checks that a delivery comes from Stripe. A missing, malformed or expired header is refused
   * before anything is read, so a flood of forged deliveries costs no read of the org or its
   * secret; only a well-formed, fresh header leads to them (and the decrypted secret is cached).
   *
   * @throws ApiProblem {@code invalid_signature}, or {@code not_found} for an unknown org or one
   *     without a webhook secret
   */
  public Verified verify(OrgId orgId, String payload, String signatureHeader) {
    SignatureHeader.check(signatureHeader, clock, SIGNATURE_TOLERANCE_SECONDS);
    Org org = orgs.findOrg(orgId).filter(Org::webhookConfigured).orElseThrow(ApiProblem::notFound);
    String secret = vault.get(orgId, SecretPurpose.WEBHOOK).orElseThrow(ApiProblem::notFound);
    verifySignature(payload, signatureHeader, secret);
    return new Verified(org, payload);
  }

  /**
   * Applies a verified delivery.
   *
   * @throws ApiProblem {@code invalid_request} when Stripe signed something that is not a usable
   *     event for this org: the delivery is refused for good (a 4xx stops Stripe's retries)
   */
  public Receipt apply(Verified delivery) {
    Org org = delivery.org();
    OrgId orgId = org.id();
    StripeEvent event = StripeEvent.parse(delivery.payload());
    if (event.livemode() != org.mode().livemode()) {
      throw ApiProblem.invalidRequest(
          "This event is from "
              + (event.livemode() ? "live" : "test")
              + " mode, but the org works in "
              + org.mode().wireName()
              + " mode.");
    }
    if (ledger.contains(orgId, event.id())) {
      return receipt(event, Outcome.DUPLICATE);
    }
    Optional<MirrorDocument> document = MirrorRouting.documentOf(event);
    Outcome outcome = document.map(d -> apply(orgId, d)).orElse(Outcome.NOT_MIRRORED);
    boolean first =
        ledger.record(orgId, event.id(), event.type(), document.isPresent(), event.created());
    return receipt(event, first ? outcome : Outcome.DUPLICATE);
  }

  private void verifySignature(String payload, String header, String secret) {
    try {
      Webhook.Signature.verifyHeader(payload, header, secret, SIGNATURE_TOLERANCE_SECONDS, clock);
    } catch (SignatureVerificationException e) {
      // e.getSigHeader() holds the header: never logged, never answered.
      throw invalidSignature(
          "The Stripe-Signature header does not verify: " + e.getMessage() + ".");
    } catch (NumberFormatException e) {
      // stripe-java parses "t=" with Long.parseLong and lets the exception out.
      throw invalidSignature("The Stripe-Signature header's timestamp is not a number.");
    }
  }

  private Outcome apply(OrgId org, MirrorDocument document) {
    return switch (writer.write(org, document)) {
      case APPLIED -> Outcome.APPLIED;
      case STALE -> Outcome.STALE;
      case SAME -> Outcome.SAME;
      case REFETCHED -> Outcome.REFETCHED;
      case CONFLICT_KEPT -> Outcome.CONFLICT_KEPT;
    };
  }

  /** The webhook handler's outcome line reports it (one line per delivery). */
  private static Receipt receipt(StripeEvent event, Outcome outcome) {
    return new Receipt(event.id(), event.type(), outcome);
  }

  static ApiProblem invalidSignature(String message) {
    return new ApiProblem(ErrorCode.INVALID_SIGNATURE, message);
  }
}
