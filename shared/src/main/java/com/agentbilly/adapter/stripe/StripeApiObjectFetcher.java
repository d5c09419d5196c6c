package com.agentbilly.adapter.stripe;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.http.Json;
import com.agentbilly.port.KeyVault;
import com.agentbilly.port.StripeObjectFetcher;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiResource.RequestMethod;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link StripeObjectFetcher} with stripe-java: {@code GET <type's path>/<id>} with the org's
 * {@code sync} key from the {@link KeyVault}. A 404 ({@code resource_missing}) or an object in its
 * deleted form ({@code "deleted": true}, as Stripe returns a deleted customer) is {@link Gone}; a
 * key Stripe refuses (401, 403) is {@link Unresolvable}; anything else that fails after
 * stripe-java's retries is {@link StripeObjectFetcher.Unavailable}.
 *
 * <p>Failures of the vault ({@code SecretAccessException}) are not caught: they are storage
 * failures of the caller.
 */
public final class StripeApiObjectFetcher implements StripeObjectFetcher {

  private final KeyVault vault;
  private final SecretPurpose purpose;
  private final StripeClients clients;
  private final Clock clock;

  /** Fetches with the org's {@code sync} key (re-fetching on a tie). */
  public StripeApiObjectFetcher(KeyVault vault, StripeClients clients, Clock clock) {
    this(vault, SecretPurpose.SYNC, clients, clock);
  }

  /**
   * Fetches with the org's key of {@code purpose}: {@code viewer} for a member's live read, so the
   * key follows the caller's role (DESIGN §3).
   */
  public StripeApiObjectFetcher(
      KeyVault vault, SecretPurpose purpose, StripeClients clients, Clock clock) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.purpose = Objects.requireNonNull(purpose, "purpose");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Fetched fetch(OrgId org, ObjectType type, String id) {
    Optional<String> key = vault.get(org, purpose);
    if (key.isEmpty()) {
      return new Unresolvable("no " + purpose.wireName() + " key connected");
    }
    Instant startedAt = clock.instant();
    String path = type.objectPath(id);
    String body;
    try {
      body = clients.forKey(key.get()).rawRequest(RequestMethod.GET, path, null).body();
    } catch (AuthenticationException e) {
      // PermissionException (403) is an AuthenticationException too.
      return new Unresolvable(
          "Stripe refused the " + purpose.wireName() + " key (HTTP " + e.getStatusCode() + ")");
    } catch (StripeException e) {
      if (Integer.valueOf(404).equals(e.getStatusCode())
          || "resource_missing".equals(e.getCode())) {
        return new Gone(startedAt);
      }
      throw new Unavailable(
          "GET "
              + type.stripePath()
              + "/… failed: HTTP "
              + e.getStatusCode()
              + ", "
              + e.getClass().getSimpleName());
    }
    return isDeletedForm(body) ? new Gone(startedAt) : new Found(body, startedAt);
  }

  private static boolean isDeletedForm(String body) {
    try {
      JsonNode deleted = Json.read(body).path("deleted");
      return deleted.isBoolean() && deleted.booleanValue();
    } catch (JsonProcessingException e) {
      throw new Unavailable("Stripe answered with a body that is not JSON");
    }
  }
}
