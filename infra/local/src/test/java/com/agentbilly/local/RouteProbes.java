package com.agentbilly.local;

import com.agentbilly.domain.PermissionMatrix;
import com.agentbilly.domain.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request for every route of the contract: what a caller allowed by the permission matrix can
 * send without changing anything the other requests depend on, and the status such a caller gets.
 * The role matrix and the tenant-isolation tests send these; a route in template.yaml without a
 * probe fails them, so a new route cannot go unchecked.
 */
final class RouteProbes {

  /** The org a probe is aimed at, and the ids of its objects and people. */
  record Target(
      String org,
      String ownerId,
      String viewerId,
      Map<String, String> objectIds,
      String invitationId) {

    String objectId(String list) {
      String id = objectIds.get(list);
      if (id == null) {
        throw new IllegalStateException("The target org has no mirrored " + list + ".");
      }
      return id;
    }
  }

  /** A request: its path with every parameter filled in, a JSON body or null, extra headers. */
  record Request(String method, String path, String body, Map<String, String> headers) {

    ApiResponse sendWith(ApiClient client) {
      ApiClient withHeaders = client;
      for (Map.Entry<String, String> header : headers.entrySet()) {
        withHeaders = withHeaders.withHeader(header.getKey(), header.getValue());
      }
      return withHeaders.send(method, path, body);
    }

    @Override
    public String toString() {
      return method + " " + path + (body == null ? "" : " " + body);
    }
  }

  /**
   * How to probe one route: the body (null for none), the status an allowed caller gets, and
   * whether the probe changes the target for good (then each cell gets an org of its own).
   */
  record Probe(String body, Map<String, String> headers, int allowedStatus, boolean destructive) {

    Request at(Route route, Target target) {
      String filledBody =
          body == null ? null : body.replace("{charge}", target.objectId("charges"));
      return new Request(route.method(), fill(route, target), filledBody, headers);
    }
  }

  private static final List<String> MIRROR_LISTS =
      List.of("customers", "subscriptions", "invoices", "charges", "refunds", "products");

  private static final Map<Route, Probe> PROBES = build();

  private RouteProbes() {}

  private static Map<Route, Probe> build() {
    Map<Route, Probe> probes = new LinkedHashMap<>();
    // Identity and orgs
    probes.put(get("/me"), ok());
    probes.put(post("/orgs"), probe("{\"name\": 7, \"mode\": \"test\"}", 400));
    probes.put(get("/orgs/{org}"), ok());
    probes.put(Route.of("DELETE", "/orgs/{org}"), new Probe(null, Map.of(), 204, true));
    // Members and invitations: a viewer's role set to nonsense, the (only) owner leaving
    probes.put(get("/orgs/{org}/members"), ok());
    probes.put(
        Route.of("PUT", "/orgs/{org}/members/{user_id}"), probe("{\"role\": \"emperor\"}", 422));
    probes.put(Route.of("DELETE", "/orgs/{org}/members/{user_id}"), probe(null, 409));
    probes.put(
        post("/orgs/{org}/invitations"),
        probe("{\"email\": \"new@demo.test\", \"role\": \"emperor\"}", 422));
    probes.put(get("/orgs/{org}/invitations"), ok());
    probes.put(
        Route.of("DELETE", "/orgs/{org}/invitations/{invitation_id}"),
        new Probe(null, Map.of(), 204, true));
    probes.put(post("/invitations/accept"), probe("{\"code\": \"no-such-code\"}", 404));
    // Keys: a key that is not one, a purpose that was never connected
    probes.put(get("/key-requirements"), ok());
    probes.put(get("/orgs/{org}/keys"), ok());
    probes.put(Route.of("PUT", "/orgs/{org}/keys/{purpose}"), probe("{\"key\": \"nope\"}", 422));
    // (revoking a key that is not connected is a 404, as for a non-member: the manager's and the
    // viewer's 403 on the same request show the owner passed the role check)
    probes.put(Route.of("DELETE", "/orgs/{org}/keys/{purpose}"), probe(null, 404));
    probes.put(Route.of("PUT", "/orgs/{org}/webhook-secret"), probe("{\"secret\": \"nope\"}", 422));
    // Sync: the probed orgs have no sync key
    probes.put(post("/orgs/{org}/sync"), probe(null, 409));
    probes.put(get("/orgs/{org}/sync"), ok());
    // Mirror reads: every object exists in the target's mirror
    for (String list : MIRROR_LISTS) {
      probes.put(get("/orgs/{org}/" + list), ok());
      probes.put(get("/orgs/{org}/" + list + "/{id}"), ok());
    }
    probes.put(get("/orgs/{org}/summary"), ok());
    // Manager actions: a refund without its Idempotency-Key, subscription actions without a key
    probes.put(post("/orgs/{org}/refunds"), probe("{\"charge\": \"{charge}\"}", 400));
    probes.put(
        post("/orgs/{org}/subscriptions/{id}/cancel"), probe("{\"at_period_end\": true}", 409));
    probes.put(
        Route.of("PATCH", "/orgs/{org}/subscriptions/{id}"), probe("{\"quantity\": 2}", 409));
    // Refund limits: read them, and limits in a currency that is not written as one
    probes.put(get("/orgs/{org}/refund-limits"), ok());
    probes.put(
        Route.of("PUT", "/orgs/{org}/refund-limits"), probe("{\"per_day\": {\"USD\": 100}}", 422));
    // Audit
    probes.put(get("/orgs/{org}/audit"), ok());
    probes.put(get("/orgs/{org}/audit/verify"), ok());
    // MCP: a ping is answered to any signed-in caller (each tool is checked as its own route)
    probes.put(post("/mcp"), probe("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\"}", 200));
    probes.put(get("/mcp"), probe(null, 405));
    if (!probes.keySet().equals(PermissionMatrix.routes().keySet())) {
      throw new IllegalStateException("Every route of the permission matrix needs one probe.");
    }
    return probes;
  }

  /** The probe of {@code route}, if the contract has that route. */
  static Optional<Probe> of(Route route) {
    return Optional.ofNullable(PROBES.get(route));
  }

  static List<String> mirrorLists() {
    return MIRROR_LISTS;
  }

  /**
   * The path with its parameters filled from {@code target}: {@code {id}} is an object of the list
   * the path names, {@code {user_id}} the target's owner (probing a removal) or viewer (probing a
   * role change), {@code {purpose}} the viewer key. Bodies name the target's charge as {@code
   * {charge}}.
   */
  private static String fill(Route route, Target target) {
    String template = route.path();
    String path = template.replace("{org}", target.org());
    if (path.contains("{id}")) {
      String list = template.split("/")[3];
      path = path.replace("{id}", target.objectId(list));
    }
    if (path.contains("{user_id}")) {
      path = path.replace("{user_id}", targetUser(route, target));
    }
    String invitation = target.invitationId() == null ? "inv_none" : target.invitationId();
    return path.replace("{purpose}", "viewer").replace("{invitation_id}", invitation);
  }

  /**
   * The member a {@code {user_id}} route is probed on: the viewer for a role change, the owner for
   * a removal (the owner removing themselves is the last-owner refusal, which changes nothing).
   */
  static String targetUser(Route route, Target target) {
    if (!route.path().contains("{user_id}")) {
      return null;
    }
    return route.method().equals("PUT") ? target.viewerId() : target.ownerId();
  }

  private static Route get(String path) {
    return Route.of("GET", path);
  }

  private static Route post(String path) {
    return Route.of("POST", path);
  }

  private static Probe ok() {
    return new Probe(null, Map.of(), 200, false);
  }

  private static Probe probe(String body, int allowedStatus) {
    return new Probe(body, Map.of(), allowedStatus, false);
  }
}
