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
 * it was. A's own read routes do not reach B's objects either.
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
