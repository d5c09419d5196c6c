package com.agentbilly.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that says who may call which route, for every function. A route missing here is
 * refused by every router, so a new route cannot slip through unchecked.
 */
public final class PermissionMatrix {

  private static final Map<Route, Access> ROUTES = build();

  private PermissionMatrix() {}

  private static Map<Route, Access> build() {
    Map<Route, Access> routes = new LinkedHashMap<>();
    // Identity and orgs
    routes.put(Route.of("GET", "/me"), Access.SIGNED_IN);
    routes.put(Route.of("POST", "/orgs"), Access.SIGNED_IN);
    routes.put(Route.of("GET", "/orgs/{org}"), Access.VIEWER);
    routes.put(Route.of("DELETE", "/orgs/{org}"), Access.OWNER);
    // Members and invitations
    routes.put(Route.of("GET", "/orgs/{org}/members"), Access.VIEWER);
    routes.put(Route.of("PUT", "/orgs/{org}/members/{user_id}"), Access.OWNER);
    routes.put(Route.of("DELETE", "/orgs/{org}/members/{user_id}"), Access.SELF_OR_OWNER);
    routes.put(Route.of("POST", "/orgs/{org}/invitations"), Access.OWNER);
    routes.put(Route.of("GET", "/orgs/{org}/invitations"), Access.OWNER);
    routes.put(Route.of("DELETE", "/orgs/{org}/invitations/{invitation_id}"), Access.OWNER);
    routes.put(Route.of("POST", "/invitations/accept"), Access.SIGNED_IN);
    // Keys
    routes.put(Route.of("GET", "/key-requirements"), Access.SIGNED_IN);
    routes.put(Route.of("GET", "/orgs/{org}/keys"), Access.VIEWER);
    routes.put(Route.of("PUT", "/orgs/{org}/keys/{purpose}"), Access.OWNER);
    routes.put(Route.of("DELETE", "/orgs/{org}/keys/{purpose}"), Access.OWNER);
    routes.put(Route.of("PUT", "/orgs/{org}/webhook-secret"), Access.OWNER);
    // Sync
    routes.put(Route.of("POST", "/orgs/{org}/sync"), Access.MANAGER);
    routes.put(Route.of("GET", "/orgs/{org}/sync"), Access.VIEWER);
    // Mirror reads
    for (String type :
        new String[] {"customers", "subscriptions", "invoices", "charges", "refunds", "products"}) {
      routes.put(Route.of("GET", "/orgs/{org}/" + type), Access.VIEWER);
      routes.put(Route.of("GET", "/orgs/{org}/" + type + "/{id}"), Access.VIEWER);
    }
    routes.put(Route.of("GET", "/orgs/{org}/summary"), Access.VIEWER);
    // Actions: operators change subscriptions; money out and cancellations need a manager
    routes.put(Route.of("POST", "/orgs/{org}/refunds"), Access.MANAGER);
    routes.put(Route.of("POST", "/orgs/{org}/subscriptions/{id}/cancel"), Access.MANAGER);
    routes.put(Route.of("PATCH", "/orgs/{org}/subscriptions/{id}"), Access.OPERATOR);
    // Refund limits: managers meet them, owners set them
    routes.put(Route.of("GET", "/orgs/{org}/refund-limits"), Access.MANAGER);
    routes.put(Route.of("PUT", "/orgs/{org}/refund-limits"), Access.OWNER);
    // Audit
    routes.put(Route.of("GET", "/orgs/{org}/audit"), Access.OWNER);
    routes.put(Route.of("GET", "/orgs/{org}/audit/verify"), Access.OWNER);
    // MCP (the mcp function): any signed-in user may speak the protocol; each tool is a route
    // above, checked by its own entry here
    routes.put(Route.of("POST", "/mcp"), Access.SIGNED_IN);
    routes.put(Route.of("GET", "/mcp"), Access.SIGNED_IN);
    return Collections.unmodifiableMap(routes);
  }

  private static final Set<Route> PUBLIC_ROUTES =
      Set.of(Route.of("GET", "/.well-known/oauth-protected-resource"));

  /**
   * The routes served without a token (no authorizer): the OAuth protected-resource metadata (RFC
   * 9728) an MCP client reads to find the authorization server before it has signed in. They carry
   * no data of any org. CORS preflights are not listed; every path has one.
   */
  public static Set<Route> publicRoutes() {
    return PUBLIC_ROUTES;
  }

  /** Who may call {@code route}; empty when the route is not part of the contract. */
  public static Optional<Access> accessFor(Route route) {
    return Optional.ofNullable(ROUTES.get(route));
  }

  /** Every route of the contract with its access rule, in the contract's order. */
  public static Map<Route, Access> routes() {
    return ROUTES;
  }
}
