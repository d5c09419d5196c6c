package com.agentbilly.api.actions;

import com.agentbilly.api.limits.RefundLimitRoutes;
import com.agentbilly.domain.ApiProblem;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.ApiRouter;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.mirror.GuardedMirrorWrite;
import com.agentbilly.port.IdempotencyStore;
import com.agentbilly.port.KeyVault;
import com.agentbilly.port.RefundLimitStore;
import com.agentbilly.port.StripeActions;
import java.time.Clock;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The manager actions of API.md: refunds, subscription changes and cancellations, each run by
 * {@link IdempotentActions} with the key the caller's role allows.
 */
public final class ManagerActionRoutes {

  private static final Pattern SUBSCRIPTION_ID = Pattern.compile("sub_[A-Za-z0-9]{1,250}");

  private final IdempotentActions runner;
  private final Refunds refunds;
  private final SubscriptionActions subscriptions;
  private final RefundLimitRoutes limitRoutes;

  /**
   * @param mirror the guarded mirror write the actions' results go through (and a refund's charge
   *     is read from, when the org's limits need its amount)
   * @param limits the refund limits a manager's refunds meet, also served by this class's routes;
   *     the day's totals are kept by {@code records}
   */
  public ManagerActionRoutes(
      KeyVault vault,
      StripeActions stripe,
      IdempotencyStore records,
      GuardedMirrorWrite mirror,
      RequestAuditor audit,
      Clock clock,
      RefundLimitStore limits) {
    MirrorWriteBack writeBack = new MirrorWriteBack(mirror, clock);
    this.runner = new IdempotentActions(records, new ActionKeys(vault), audit, clock);
    this.refunds = new Refunds(stripe, writeBack, limits, clock);
    this.subscriptions = new SubscriptionActions(stripe, writeBack, clock);
    this.limitRoutes = new RefundLimitRoutes(limits, audit, clock);
  }

  /** Adds the actions' routes and those of the refund limits. */
  public ApiRouter.Builder addTo(ApiRouter.Builder router) {
    limitRoutes.addTo(router);
    return router
        .route("POST", "/orgs/{org}/refunds", this::refund)
        .route("POST", "/orgs/{org}/subscriptions/{id}/cancel", this::cancel)
        .route("PATCH", "/orgs/{org}/subscriptions/{id}", this::update);
  }

  /** {@code POST /orgs/{org}/refunds}; the {@code Idempotency-Key} header is required. */
  public ApiResponse refund(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    RefundCommand command = RefundCommand.parse(request.body());
    return runner.run(
        request,
        command.canonical(),
        true,
        refunds.action(request.requireOrg(), request.role(), command));
  }

  /** {@code POST /orgs/{org}/subscriptions/{id}/cancel}. */
  public ApiResponse cancel(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    String subscription = subscriptionId(request);
    CancelCommand command = CancelCommand.parse(request.body());
    return runner.run(
        request,
        command.canonical(),
        false,
        subscriptions.cancel(request.requireOrg(), subscription, command));
  }

  /** {@code PATCH /orgs/{org}/subscriptions/{id}}. */
  public ApiResponse update(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    String subscription = subscriptionId(request);
    SubscriptionChangeCommand command = SubscriptionChangeCommand.parse(request.body());
    return runner.run(
        request,
        command.canonical(),
        false,
        subscriptions.update(request.requireOrg(), subscription, command));
  }

  private static String subscriptionId(ApiRequest request) {
    String id = request.pathParameter("id");
    if (id == null || !SUBSCRIPTION_ID.matcher(id).matches()) {
      throw ApiProblem.notFound();
    }
    return id;
  }
}
