package com.agentbilly.api.orgs;

import com.agentbilly.domain.Org;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.sync.SyncState;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.JsonObjectBody;
import com.agentbilly.http.KeyMetadataView;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.port.SyncStateStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code GET /me}, {@code POST /orgs}, {@code GET /orgs/{org}}. */
public final class OrgRoutes {

  private final OrgService service;
  private final KeyMetadataStore keys;
  private final SyncStateStore syncStates;
  private final String webhookBaseUrl;

  /**
   * @param webhookBaseUrl the webhook function URL, or null where none is known
   */
  public OrgRoutes(
      OrgService service, KeyMetadataStore keys, SyncStateStore syncStates, String webhookBaseUrl) {
    this.service = service;
    this.keys = keys;
    this.syncStates = syncStates;
    this.webhookBaseUrl = webhookBaseUrl;
  }

  public ApiResponse me(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    List<MembershipView> memberships =
        service.membershipsOf(request.caller()).stream()
            .map(m -> new MembershipView(m.orgId().value(), m.orgName(), m.role().wireName()))
            .toList();
    return ApiResponse.ok(
        new MeView(
            new UserView(request.caller().userId(), request.caller().username()), memberships));
  }

  public ApiResponse create(ApiRequest request) {
    JsonObjectBody body = request.jsonBody(Set.of("name", "mode"));
    Org org =
        service.create(
            CreateOrgCommand.of(body.string("name"), body.string("mode")),
            request.caller(),
            request.requestId());
    return ApiResponse.created(
        new CreatedOrgView(org.id().value(), org.name(), org.mode().wireName(), "owner"));
  }

  public ApiResponse describe(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    Org org = service.get(request.requireOrg());
    Map<String, Object> connected = new LinkedHashMap<>();
    SecretPurpose.STRIPE_KEYS.forEach(purpose -> connected.put(purpose.wireName(), null));
    keys.list(org.id()).forEach(k -> connected.put(k.purpose().wireName(), KeyMetadataView.of(k)));
    String webhookUrl =
        webhookBaseUrl == null ? null : join(webhookBaseUrl, "/orgs/" + org.id().value());
    return ApiResponse.ok(
        new OrgView(
            org.id().value(),
            org.name(),
            org.mode().wireName(),
            org.stripeAccount(),
            connected,
            new WebhookView(org.webhookConfigured(), webhookUrl),
            SyncView.of(syncStates.load(org.id()))));
  }

  /** {@code GET /orgs/{org}/sync}: the same view {@code GET /orgs/{org}} embeds. */
  public ApiResponse syncStatus(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    return ApiResponse.ok(SyncView.of(syncStates.load(request.requireOrg())));
  }

  private static String join(String base, String path) {
    return base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path;
  }

  record UserView(String id, String username) {}

  record MembershipView(String orgId, String orgName, String role) {}

  record MeView(UserView user, List<MembershipView> memberships) {}

  record CreatedOrgView(String orgId, String name, String mode, String role) {}

  record WebhookView(boolean configured, String url) {}

  record SyncView(
      String status,
      String lastStartedAt,
      String lastSuccessAt,
      ErrorView lastError,
      Map<String, Long> counts) {

    /** The contract's counts are these five types, each 0 until synced. */
    private static final List<ObjectType> COUNTED =
        List.of(
            ObjectType.CUSTOMER,
            ObjectType.SUBSCRIPTION,
            ObjectType.INVOICE,
            ObjectType.CHARGE,
            ObjectType.PRODUCT);

    static SyncView of(SyncState state) {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (ObjectType type : COUNTED) {
        counts.put(type.listName(), state.counts().getOrDefault(type, 0L));
      }
      return new SyncView(
          state.status().wireName(),
          state.lastStartedAt() == null ? null : state.lastStartedAt().toString(),
          state.lastSuccessAt() == null ? null : state.lastSuccessAt().toString(),
          state.lastError() == null
              ? null
              : new ErrorView(state.lastError().code(), state.lastError().message()),
          counts);
    }
  }

  record ErrorView(String code, String message) {}

  record OrgView(
      String orgId,
      String name,
      String mode,
      String stripeAccount,
      Map<String, Object> keys,
      WebhookView webhook,
      SyncView sync) {}
}
