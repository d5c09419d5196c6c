package com.agentbilly.api.mirror;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.Json;
import com.agentbilly.port.KeyVault;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.port.StripeObjectFetcher.Fetched;
import com.agentbilly.port.StripeObjectFetcher.Found;
import com.agentbilly.port.StripeObjectFetcher.Gone;
import com.agentbilly.port.StripeObjectFetcher.Unresolvable;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;

/**
 * {@code ?fresh=true}: reads one object live from Stripe with the org's {@code viewer} key — the
 * key every member's read uses, whatever their role — and writes it to the mirror through the
 * guarded write, with the moment the request started as its snapshot. The caller then serves the
 * mirror's state, which is Stripe's answer unless a newer event landed meanwhile.
 */
public final class LiveReads {

  private final KeyVault vault;
  private final StripeObjectFetcher viewerFetcher;
  private final MirrorStore store;

  /**
   * @param viewerFetcher a fetcher that uses the org's {@code viewer} key
   */
  public LiveReads(KeyVault vault, StripeObjectFetcher viewerFetcher, MirrorStore store) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.viewerFetcher = Objects.requireNonNull(viewerFetcher, "viewerFetcher");
    this.store = Objects.requireNonNull(store, "store");
  }

  /**
   * Brings the mirror's copy of the object up to date with Stripe.
   *
   * @throws ApiProblem {@code key_not_connected} without a viewer key, {@code not_found} when
   *     Stripe has no such object and it was never mirrored, {@code stripe_permission_denied} when
   *     Stripe refuses the viewer key, {@code stripe_unavailable} when Stripe cannot be reached
   */
  public void refresh(OrgId org, ObjectType type, String id) {
    if (id == null || id.isBlank() || id.length() > MirrorReads.MAX_ID_LENGTH) {
      throw ApiProblem.notFound();
    }
    if (vault.get(org, SecretPurpose.VIEWER).isEmpty()) {
      throw new ApiProblem(
          ErrorCode.KEY_NOT_CONNECTED,
          "A live read needs the org's viewer key; an owner can connect one with PUT"
              + " /orgs/{org}/keys/viewer.",
          Map.of("purpose", SecretPurpose.VIEWER.wireName()));
    }
    Fetched fetched;
    try {
      fetched = viewerFetcher.fetch(org, type, id);
    } catch (StripeObjectFetcher.Unavailable e) {
      throw new ApiProblem(
          ErrorCode.STRIPE_UNAVAILABLE, "Stripe could not be reached. Try again in a minute.");
    }
    switch (fetched) {
      case Found found ->
          store.write(org, new MirrorDocument(type, id, found.json(), found.startedAt(), false));
      case Gone gone -> {
        if (store.get(org, type, id).isEmpty()) {
          throw ApiProblem.notFound();
        }
        ObjectNode stub = Json.MAPPER.createObjectNode();
        stub.put("id", id).put("object", type.objectName()).put("deleted", true);
        store.write(org, new MirrorDocument(type, id, stub.toString(), gone.startedAt(), true));
      }
      case Unresolvable refused ->
          throw new ApiProblem(
              ErrorCode.STRIPE_PERMISSION_DENIED,
              "Stripe refused the org's viewer key for this read. Check the key's permissions in"
                  + " the Stripe Dashboard.");
    }
  }
}
