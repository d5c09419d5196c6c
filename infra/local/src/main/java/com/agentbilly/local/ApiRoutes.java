package com.agentbilly.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The REST API's resources and methods, from every {@code Api} event in the template, matched the
 * way API Gateway matches them: by path template ({@code /orgs/{org}/keys/{purpose}}, greedy {@code
 * {proxy+}}), where a literal segment wins over a parameter and a parameter over a greedy one, and
 * an exact method wins over {@code ANY}.
 */
final class ApiRoutes {

  private final List<Route> routes;

  ApiRoutes(List<SamTemplate.Function> functions) {
    List<Route> all = new ArrayList<>();
    for (SamTemplate.Function function : functions) {
      for (SamTemplate.ApiRoute route : function.apiRoutes()) {
        all.add(
            new Route(
                function.logicalId(),
                route.method(),
                route.path(),
                segments(route.path()),
                route.authorized()));
      }
    }
    this.routes = List.copyOf(all);
  }

  List<Route> all() {
    return routes;
  }

  /** The route for a method and a (raw, undecoded) request path, with its path parameters. */
  Optional<Match> match(String method, String path) {
    List<String> request = segments(path);
    return routes.stream()
        .filter(r -> r.method().equals(method) || r.method().equals("ANY"))
        .flatMap(r -> r.bind(request).map(params -> new Match(r, params)).stream())
        .max(
            Comparator.<Match, List<Integer>>comparing(
                    m -> m.route().specificity(), ApiRoutes::compare)
                .thenComparing(m -> m.route().method().equals("ANY") ? 0 : 1));
  }

  private static int compare(List<Integer> a, List<Integer> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = Integer.compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  static List<String> segments(String path) {
    return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
  }

  /** One method on one resource, served by a function. */
  record Route(
      String functionLogicalId,
      String method,
      String pathTemplate,
      List<String> template,
      boolean authorized) {

    /** Binds the request's segments to this template: the path parameters, if it matches. */
    Optional<Map<String, String>> bind(List<String> request) {
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 0; i < template.size(); i++) {
        String part = template.get(i);
        if (isGreedy(part)) {
          if (i != template.size() - 1 || request.size() <= i) {
            return Optional.empty();
          }
          params.put(name(part), String.join("/", request.subList(i, request.size())));
          return Optional.of(params);
        }
        if (i >= request.size()) {
          return Optional.empty();
        }
        if (isParameter(part)) {
          params.put(name(part), request.get(i));
        } else if (!part.equals(request.get(i))) {
          return Optional.empty();
        }
      }
      return request.size() == template.size() ? Optional.of(params) : Optional.empty();
    }

    /** Per segment: 2 literal, 1 parameter, 0 greedy. */
    List<Integer> specificity() {
      return template.stream().map(p -> isGreedy(p) ? 0 : isParameter(p) ? 1 : 2).toList();
    }

    private static boolean isParameter(String part) {
      return part.startsWith("{") && part.endsWith("}");
    }

    private static boolean isGreedy(String part) {
      return part.startsWith("{") && part.endsWith("+}");
    }

    private static String name(String part) {
      return part.substring(1, part.length() - (isGreedy(part) ? 2 : 1));
    }
  }

  /** A matched route and its path parameters. */
  record Match(Route route, Map<String, String> pathParameters) {}
}
