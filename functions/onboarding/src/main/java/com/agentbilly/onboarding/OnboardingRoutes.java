package com.agentbilly.onboarding;

import com.agentbilly.config.Settings;
import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.SecretPurpose;
import com.agentbilly.domain.keys.KeyRequirements;
import com.agentbilly.domain.keys.StripePermission;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.JsonObjectBody;
import com.agentbilly.http.KeyMetadataView;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.logging.OutcomeLog;
import com.agentbilly.port.OrgStore;
import com.agentbilly.port.RequestQuota;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The onboarding function's routes: keys, the webhook secret, org deletion. */
public final class OnboardingRoutes {

  private final KeyOnboarding keys;
  private final OrgDeletion deletion;
  private final String webhookBaseUrl;

  /**
   * @param webhookBaseUrl the webhook function URL, or null where none is known
   */
  public OnboardingRoutes(KeyOnboarding keys, OrgDeletion deletion, String webhookBaseUrl) {
    this.keys = keys;
    this.deletion = deletion;
    this.webhookBaseUrl = webhookBaseUrl;
  }

  /** Every route of the onboarding function; template.yaml's events for it list the same. */
  public static ApiRouter router(
      OrgStore orgs, OnboardingRoutes routes, Settings settings, RequestAuditor audit) {
    return router(orgs, routes, settings, audit, RequestQuota.UNLIMITED);
  }

  /** The same, with each caller's {@code quota} of requests taken first. */
  public static ApiRouter router(
      OrgStore orgs,
      OnboardingRoutes routes,
      Settings settings,
      RequestAuditor audit,
      RequestQuota quota) {
    return ApiRouter.builder(orgs)
        .outcomes(OutcomeLog.requests("onboarding"))
        .quota(quota)
        .allowedOrigins(settings.allowedOrigins())
        .onAccessDenied(audit.accessDenied())
        .route("GET", "/key-requirements", routes::keyRequirements)
        .route("GET", "/orgs/{org}/keys", routes::list)
        .route("PUT", "/orgs/{org}/keys/{purpose}", routes::connect)
        .route("DELETE", "/orgs/{org}/keys/{purpose}", routes::revoke)
        .route("PUT", "/orgs/{org}/webhook-secret", routes::setWebhookSecret)
        .route("DELETE", "/orgs/{org}", routes::deleteOrg)
        .build();
  }

  public ApiResponse keyRequirements(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    return ApiResponse.ok(requirementsTable());
  }

  /** {@code GET /key-requirements}'s body; also what the README's table is generated from. */
  public static Map<String, Object> requirementsTable() {
    Map<String, Object> table = new LinkedHashMap<>();
    for (SecretPurpose purpose : SecretPurpose.STRIPE_KEYS) {
      KeyRequirements requirements = KeyRequirements.of(purpose);
      table.put(
          purpose.wireName(),
          new RequirementsView(
              permissions(requirements.read()),
              permissions(requirements.write()),
              permissions(requirements.forbiddenWrite())));
    }
    return table;
  }

  public ApiResponse connect(ApiRequest request) {
    SecretPurpose purpose = purpose(request);
    String key = required(request.jsonBody(Set.of("key")), "key");
    return ApiResponse.ok(KeyMetadataView.of(keys.connect(request, purpose, key)));
  }

  public ApiResponse list(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    return ApiResponse.ok(
        Map.of("data", keys.list(request.requireOrg()).stream().map(KeyMetadataView::of).toList()));
  }

  public ApiResponse revoke(ApiRequest request) {
    keys.revoke(request, purpose(request));
    return ApiResponse.noContent();
  }

  public ApiResponse setWebhookSecret(ApiRequest request) {
    keys.setWebhookSecret(request, required(request.jsonBody(Set.of("secret")), "secret"));
    String url =
        webhookBaseUrl == null
            ? null
            : stripSlash(webhookBaseUrl) + "/orgs/" + request.requireOrg().value();
    return ApiResponse.ok(new WebhookView(true, url));
  }

  public ApiResponse deleteOrg(ApiRequest request) {
    deletion.delete(request.requireOrg(), request.caller().userId());
    return ApiResponse.noContent();
  }

  private static SecretPurpose purpose(ApiRequest request) {
    return SecretPurpose.keyPurpose(request.pathParameter("purpose"))
        .orElseThrow(ApiProblem::notFound);
  }

  /**
   * A string field the request must carry: absent or null is {@code 422 validation_failed} naming
   * it (an empty string is present, and is judged by what it should be).
   */
  private static String required(JsonObjectBody body, String field) {
    String value = body.string(field);
    if (value == null) {
      throw ApiProblem.validationFailed(Map.of(field, "is required"));
    }
    return value;
  }

  private static List<PermissionView> permissions(List<StripePermission> permissions) {
    return permissions.stream().map(p -> new PermissionView(p.slug(), p.dashboardLabel())).toList();
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  record PermissionView(String slug, String label) {}

  record RequirementsView(
      List<PermissionView> read, List<PermissionView> write, List<PermissionView> forbiddenWrite) {}

  record WebhookView(boolean configured, String url) {}
}
