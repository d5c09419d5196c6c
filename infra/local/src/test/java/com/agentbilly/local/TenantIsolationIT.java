package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.Role;
import com.agentbilly.domain.Route;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A member of org A sees nothing of org B: every route of org B answers A's owner {@code 404
 * not_found}, whether the path names B's objects and people or A's, and afterwards B is exactly as
 * it was. A's own routes, given B's ids, reach nothing of B either.
 */
@WithLocalStack
class TenantIsolationIT {

  private final LocalStack stack;
  private final ProbeOrgs probeOrgs;

  TenantIsolationIT(LocalStack stack) {
    this.stack = stack;
    this.probeOrgs = new ProbeOrgs(stack);
  }

  @Test
  void aMemberOfOneOrgGets404OnEveryRouteOfAnotherWithEitherOrgsIds() {
    RouteProbes.Target orgA =
        probeOrgs.create(LocalStack.OWNER, Map.of(LocalStack.VIEWER, Role.VIEWER), "ta_");
    RouteProbes.Target orgB =
        probeOrgs.create(LocalStack.MANAGER, Map.of(LocalStack.VIEWER, Role.VIEWER), "tb_");
    ApiClient memberOfA = stack.api().as(LocalStack.OWNER);
    ApiClient ownerOfB = stack.api().as(LocalStack.MANAGER);
    String before = snapshot(ownerOfB, orgB);

    RouteProbes.Target bWithItsOwnIds = orgB;
    RouteProbes.Target bWithIdsOfA =
        new RouteProbes.Target(
            orgB.org(), orgA.ownerId(), orgA.viewerId(), orgA.objectIds(), orgA.invitationId());
    List<String> leaks = new ArrayList<>();
    int requests = 0;
    for (Route route : routesUnderAnOrg()) {
      RouteProbes.Probe probe = RouteProbes.of(route).orElseThrow();
      for (RouteProbes.Target target : List.of(bWithItsOwnIds, bWithIdsOfA)) {
        RouteProbes.Request request = probe.at(route, target);
        ApiResponse response = request.sendWith(memberOfA);
        requests++;
        if (response.status() != 404
            || !response.json().at("/error/code").asText().equals("not_found")) {
          leaks.add(request + " -> " + response.status() + " " + response.body());
        }
      }
    }

    assertThat(leaks).as("answers other than 404 not_found").isEmpty();
    assertThat(requests).isGreaterThanOrEqualTo(2 * 20);
    assertThat(snapshot(ownerOfB, orgB)).as("org B after the attempts").isEqualTo(before);
  }

  @Test
  void anOrgsOwnReadRoutesDoNotReachAnotherOrgsObjects() {
    RouteProbes.Target orgA = probeOrgs.create(LocalStack.OWNER, Map.of(), "ra_");
    RouteProbes.Target orgB = probeOrgs.create(LocalStack.MANAGER, Map.of(), "rb_");
    ApiClient memberOfA = stack.api().as(LocalStack.OWNER);
    for (String list : RouteProbes.mirrorLists()) {
      ApiResponse own =
          memberOfA.get("/orgs/" + orgA.org() + "/" + list + "/" + orgA.objectId(list));
      assertThat(own.status()).as(own.body()).isEqualTo(200);
      ApiResponse foreign =
          memberOfA.get("/orgs/" + orgA.org() + "/" + list + "/" + orgB.objectId(list));
      assertThat(foreign.status()).as("%s of B through A: %s", list, foreign.body()).isEqualTo(404);
      ApiResponse listed = memberOfA.get("/orgs/" + orgA.org() + "/" + list);
      assertThat(listed.body()).doesNotContain(orgB.objectId(list));
    }
  }

  @Test
  void anOrgsOwnRoutesGivenAnotherOrgsIdsReachNothingOfIt() {
    // The owner of A, on A's own routes (where A's owner may do anything), names B's objects,
    // people and invitation: each of those routes answers 404, and B is exactly as it was.
    RouteProbes.Target orgA =
        probeOrgs.create(LocalStack.OWNER, Map.of(LocalStack.VIEWER, Role.VIEWER), "ia_");
    RouteProbes.Target orgB =
        probeOrgs.create(LocalStack.MANAGER, Map.of(LocalStack.VIEWER, Role.VIEWER), "ib_");
    ApiClient ownerOfA = stack.api().as(LocalStack.OWNER);
    ApiClient ownerOfB = stack.api().as(LocalStack.MANAGER);
    String before = snapshot(ownerOfB, orgB);
    RouteProbes.Target aWithIdsOfB =
        new RouteProbes.Target(
            orgA.org(), orgB.ownerId(), orgB.viewerId(), orgB.objectIds(), orgB.invitationId());

    List<String> reached = new ArrayList<>();
    List<String> tried = new ArrayList<>();
    for (Route route : routesUnderAnOrg()) {
      RouteProbes.Probe probe = RouteProbes.of(route).orElseThrow();
      RouteProbes.Request own = probe.at(route, orgA);
      RouteProbes.Request foreign = probe.at(route, aWithIdsOfB);
      if (own.toString().equals(foreign.toString())) {
        continue; // the route names no id but the org's
      }
      if (STRIPE_ACTIONS.contains(route)) {
        // A refund or subscription change names a Stripe object, and goes to Stripe with A's own
        // key: A's Stripe account has no object of B's account. Every org of the local stack
        // shares one Stripe account, so that lock cannot be shown here (RefundIT and
        // SubscriptionActionsIT show the key's refusals).
        continue;
      }
      tried.add(foreign.toString());
      ApiResponse response = foreign.sendWith(ownerOfA);
      if (response.status() != 404
          || !response.json().at("/error/code").asText().equals("not_found")) {
        reached.add(foreign + " -> " + response.status() + " " + response.body());
      }
    }

    assertThat(reached).as("answers other than 404 not_found").isEmpty();
    // Every mirrored object by id, a member and an invitation.
    assertThat(tried).hasSize(RouteProbes.mirrorLists().size() + 2);
    assertThat(snapshot(ownerOfB, orgB)).as("org B after the attempts").isEqualTo(before);
  }

  private static final java.util.Set<Route> STRIPE_ACTIONS =
      java.util.Set.of(
          Route.of("POST", "/orgs/{org}/refunds"),
          Route.of("POST", "/orgs/{org}/subscriptions/{id}/cancel"),
          Route.of("PATCH", "/orgs/{org}/subscriptions/{id}"));

  /** What org B's owner sees of it: the org, its members, keys, audit trail and every list. */
  private static String snapshot(ApiClient owner, RouteProbes.Target org) {
    StringBuilder seen = new StringBuilder();
    List<String> paths = new ArrayList<>(List.of("", "/members", "/keys", "/sync", "/audit"));
    RouteProbes.mirrorLists().forEach(list -> paths.add("/" + list));
    for (String path : paths) {
      ApiResponse response =
          owner.get("/orgs/" + org.org() + path + (path.equals("/audit") ? "?limit=100" : ""));
      assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(200);
      JsonNode body = response.json();
      seen.append(path).append(' ').append(body).append('\n');
    }
    return seen.toString();
  }

  private List<Route> routesUnderAnOrg() {
    List<Route> routes = new ArrayList<>();
    for (SamTemplate.Function function : stack.template().functions()) {
      for (SamTemplate.ApiRoute route : function.apiRoutes()) {
        Route parsed = Route.of(route.method(), route.path());
        if (parsed.isUnderOrg() && !route.isPreflight()) {
          routes.add(parsed);
        }
      }
    }
    return routes;
  }
}
