package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.Access;
import com.agentbilly.domain.PermissionMatrix;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every route of every function in template.yaml × {owner, manager, viewer, non-member, no token},
 * through the dev gateway with real tokens. The expected status of each cell comes from the
 * permission matrix (refused cells) and the route's probe (allowed cells); a hand-written table of
 * the critical cells checks the matrix itself, so the two cannot silently agree on a mistake.
 */
@WithLocalStack
class RoleMatrixIT {

  enum Caller {
    OWNER(LocalStack.OWNER, Role.OWNER),
    MANAGER(LocalStack.MANAGER, Role.MANAGER),
    OPERATOR(LocalStack.OPERATOR, Role.OPERATOR),
    VIEWER(LocalStack.VIEWER, Role.VIEWER),
    NON_MEMBER(LocalStack.OUTSIDER, null),
    NO_TOKEN(null, null);

    final String username;
    final Role role;

    Caller(String username, Role role) {
      this.username = username;
      this.role = role;
    }
  }

  private static final Map<String, Role> MEMBERS =
      Map.of(
          LocalStack.MANAGER,
          Role.MANAGER,
          LocalStack.OPERATOR,
          Role.OPERATOR,
          LocalStack.VIEWER,
          Role.VIEWER);

  private final LocalStack stack;
  private final ProbeOrgs probeOrgs;

  RoleMatrixIT(LocalStack stack) {
    this.stack = stack;
    this.probeOrgs = new ProbeOrgs(stack);
  }

  @Test
  void everyRoutedPathIsInThePermissionMatrixAndHasAProbe() {
    List<Route> routed = routedRoutes().keySet().stream().toList();
    assertThat(routed)
        .as("routes of the api and the onboarding function")
        .contains(Route.of("GET", "/me"), Route.of("PUT", "/orgs/{org}/keys/{purpose}"));
    for (Route route : routed) {
      assertThat(PermissionMatrix.accessFor(route)).as("matrix entry of %s", route).isPresent();
      assertThat(RouteProbes.of(route)).as("probe of %s", route).isPresent();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyRouteForEveryCaller() {
    RouteProbes.Target shared = probeOrgs.create(LocalStack.OWNER, MEMBERS, "mx_");
    List<DynamicTest> cells = new ArrayList<>();
    routedRoutes()
        .forEach(
            (route, function) -> {
              RouteProbes.Probe probe = RouteProbes.of(route).orElseThrow();
              for (Caller caller : Caller.values()) {
                cells.add(
                    DynamicTest.dynamicTest(
                        function + " " + route.method() + " " + route.path() + " as " + caller,
                        () -> {
                          RouteProbes.Target target =
                              probe.destructive()
                                  ? probeOrgs.create(LocalStack.OWNER, MEMBERS, "mxd_")
                                  : shared;
                          assertCell(route, caller, probe.at(route, target), target);
                        }));
              }
            });
    return cells.stream();
  }

  /** Cells whose answer is written down here by hand, not derived from the matrix. */
  @ParameterizedTest(name = "{1} {2} as {0} -> {3}")
  @CsvSource({
    "VIEWER,     GET,    /orgs/{org}/customers,            200",
    "VIEWER,     GET,    /orgs/{org}/charges/{id},         200",
    "VIEWER,     POST,   /orgs/{org}/sync,                 403",
    "MANAGER,    POST,   /orgs/{org}/sync,                 409",
    "MANAGER,    PUT,    /orgs/{org}/keys/{purpose},       403",
    "VIEWER,     PUT,    /orgs/{org}/keys/{purpose},       403",
    "OWNER,      PUT,    /orgs/{org}/keys/{purpose},       422",
    "MANAGER,    DELETE, /orgs/{org}/keys/{purpose},       403",
    "MANAGER,    PUT,    /orgs/{org}/webhook-secret,       403",
    "MANAGER,    DELETE, /orgs/{org},                      403",
    "VIEWER,     DELETE, /orgs/{org},                      403",
    "MANAGER,    GET,    /orgs/{org}/audit,                403",
    "VIEWER,     GET,    /orgs/{org}/audit/verify,         403",
    "OWNER,      GET,    /orgs/{org}/audit,                200",
    "VIEWER,     GET,    /orgs/{org}/keys,                 200",
    "NON_MEMBER, GET,    /orgs/{org},                      404",
    "NON_MEMBER, GET,    /orgs/{org}/customers/{id},       404",
    "NON_MEMBER, POST,   /orgs/{org}/sync,                 404",
    "NON_MEMBER, GET,    /me,                              200",
    "NO_TOKEN,   GET,    /me,                              401",
    "NO_TOKEN,   GET,    /orgs/{org}/customers,            401",
    "NO_TOKEN,   GET,    /key-requirements,                401",
    "VIEWER,     GET,    /orgs/{org}/summary,              200",
    "VIEWER,     POST,   /orgs/{org}/refunds,              403",
    "MANAGER,    POST,   /orgs/{org}/refunds,              400",
    "VIEWER,     POST,   /orgs/{org}/subscriptions/{id}/cancel, 403",
    "VIEWER,     PATCH,  /orgs/{org}/subscriptions/{id},   403",
    "MANAGER,    PATCH,  /orgs/{org}/subscriptions/{id},   409",
    "OPERATOR,   PATCH,  /orgs/{org}/subscriptions/{id},   409",
    "OPERATOR,   POST,   /orgs/{org}/refunds,              403",
    "OPERATOR,   POST,   /orgs/{org}/subscriptions/{id}/cancel, 403",
    "OPERATOR,   POST,   /orgs/{org}/sync,                 403",
    "OPERATOR,   GET,    /orgs/{org}/charges/{id},         200",
    "OPERATOR,   PUT,    /orgs/{org}/keys/{purpose},       403",
    "OPERATOR,   GET,    /orgs/{org}/audit,                403",
    "NON_MEMBER, POST,   /orgs/{org}/refunds,              404",
    "MANAGER,    POST,   /orgs/{org}/invitations,          403",
    "VIEWER,     GET,    /orgs/{org}/invitations,          403",
    "OWNER,      GET,    /orgs/{org}/invitations,          200",
    "MANAGER,    PUT,    /orgs/{org}/members/{user_id},    403",
    "VIEWER,     DELETE, /orgs/{org}/members/{user_id},    403",
    "OWNER,      DELETE, /orgs/{org}/members/{user_id},    409",
    "MANAGER,    DELETE, /orgs/{org}/invitations/{invitation_id}, 403",
    "OWNER,      DELETE, /orgs/{org}/invitations/{invitation_id}, 204",
    "NON_MEMBER, POST,   /invitations/accept,              404",
    "NON_MEMBER, POST,   /mcp,                             200",
    "NO_TOKEN,   POST,   /mcp,                             401",
    "VIEWER,     GET,    /mcp,                             405",
  })
  void criticalCells(Caller caller, String method, String path, int expected) {
    Route route = Route.of(method, path);
    assertThat(routedRoutes()).as("routed: %s", route).containsKey(route);
    RouteProbes.Probe probe = RouteProbes.of(route).orElseThrow();
    RouteProbes.Target target =
        probeOrgs.create(LocalStack.OWNER, MEMBERS, probe.destructive() ? "crd_" : "crit_");
    ApiResponse response = send(caller, probe.at(route, target));
    assertThat(response.status())
        .as("%s as %s: %s", route, caller, response.body())
        .isEqualTo(expected);
  }

  private void assertCell(
      Route route, Caller caller, RouteProbes.Request request, RouteProbes.Target target) {
    int expected = expectedStatus(route, caller, target);
    ApiResponse response = send(caller, request);
    assertThat(response.status())
        .as("%s as %s: %s", request, caller, response.body())
        .isEqualTo(expected);
    switch (expected) {
      case 401 -> assertThat(response.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
      case 403 -> assertThat(response.json().at("/error/code").asText()).isEqualTo("forbidden");
      case 404 -> assertThat(response.json().at("/error/code").asText()).isEqualTo("not_found");
      default -> {}
    }
  }

  private int expectedStatus(Route route, Caller caller, RouteProbes.Target target) {
    if (caller == Caller.NO_TOKEN) {
      return 401;
    }
    Access access = PermissionMatrix.accessFor(route).orElseThrow();
    int allowed = RouteProbes.of(route).orElseThrow().allowedStatus();
    if (!route.isUnderOrg()) {
      return allowed;
    }
    Access.Decision decision =
        access.decide(
            Optional.ofNullable(caller.role),
            probeOrgs.sub(caller.username),
            RouteProbes.targetUser(route, target));
    return switch (decision.outcome()) {
      case ALLOWED -> allowed;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
    };
  }

  private ApiResponse send(Caller caller, RouteProbes.Request request) {
    ApiClient client = caller == Caller.NO_TOKEN ? stack.api() : stack.api().as(caller.username);
    return request.sendWith(client);
  }

  /** Every API route of every function in template.yaml, with the function serving it. */
  private Map<Route, String> routedRoutes() {
    Map<Route, String> routes = new LinkedHashMap<>();
    for (SamTemplate.Function function : stack.template().functions()) {
      for (SamTemplate.ApiRoute route : function.apiRoutes()) {
        Route parsed = Route.of(route.method(), route.path());
        if (!route.isPreflight() && !PermissionMatrix.publicRoutes().contains(parsed)) {
          routes.put(parsed, function.logicalId());
        }
      }
    }
    return routes;
  }
}
