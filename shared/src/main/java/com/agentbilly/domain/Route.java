package com.agentbilly.domain;

import java.util.Locale;
import java.util.Objects;

/**
 * One route of the HTTP contract: a method and an API Gateway resource path such as {@code
 * /orgs/{org}/keys/{purpose}}.
 */
public record Route(String method, String path) {

  public Route {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    method = method.toUpperCase(Locale.ROOT);
  }

  public static Route of(String method, String path) {
    return new Route(method, path);
  }

  /** True when the route acts on one org, named by the {@code {org}} path parameter. */
  public boolean isUnderOrg() {
    return path.startsWith("/orgs/{org}");
  }

  @Override
  public String toString() {
    return method + " " + path;
  }
}
