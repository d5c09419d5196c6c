package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.Access;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.PermissionMatrix;
import com.agentbilly.domain.Route;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code openapi.yaml} describes the whole contract: every route of the permission matrix and
 * nothing else, every route that template.yaml routes, and what is not routed yet marked {@code
 * x-agent-billy-status: planned}.
 */
class OpenApiTest {

  private static final String FILE_NAME = "openapi.yaml";
  private static final String PLANNED = "planned";
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final Map<Access, String> ROLES =
      Map.of(
          Access.SIGNED_IN, "any signed-in user",
          Access.VIEWER, "viewer",
          Access.OPERATOR, "operator",
          Access.MANAGER, "manager",
          Access.OWNER, "owner",
          Access.SELF_OR_OWNER, "owner; any member for their own user_id");

  private static Map<String, Object> document;
  private static Map<Route, Map<String, Object>> operations;
  private static Set<Route> routedByTemplate;

  @BeforeAll
  static void readTheDescriptionAndTheTemplate() throws IOException {
    SamTemplate template = SamTemplate.fromRepository();
    Path file = template.file().getParent().resolve(FILE_NAME);
    try (Reader reader = Files.newBufferedReader(file)) {
      document = map(new Yaml(new SafeConstructor(new LoaderOptions())).load(reader));
    }
    operations = new LinkedHashMap<>();
    map(document.get("paths"))
        .forEach(
            (path, item) ->
                map(item)
                    .forEach(
                        (method, operation) -> {
                          if (METHODS.contains(method)) {
                            operations.put(Route.of(method, path), map(operation));
                          }
                        }));
    routedByTemplate = new LinkedHashSet<>();
    template
        .functions()
        .forEach(
            f ->
                f.apiRoutes().stream()
                    .filter(r -> !r.isPreflight())
                    .forEach(r -> routedByTemplate.add(Route.of(r.method(), r.path()))));
  }

  @Test
  void isOpenApiThreeWithTheCognitoIdTokenRequiredEverywhere() {
    assertThat(document.get("openapi")).isEqualTo("3.1.0");
    assertThat(document.get("security")).isEqualTo(List.of(Map.of("CognitoIdToken", List.of())));
    assertThat(
            map(map(map(document.get("components")).get("securitySchemes")).get("CognitoIdToken")))
        .containsEntry("type", "apiKey")
        .containsEntry("in", "header")
        .containsEntry("name", "Authorization");
  }

  @Test
  void everyRouteOfTheTemplateIsDocumented() {
    assertThat(operations.keySet()).containsAll(routedByTemplate);
  }

  @Test
  void everyDocumentedRouteIsRoutedByTheTemplateOrMarkedPlanned() {
    List<Route> neither = new ArrayList<>();
    operations.forEach(
        (route, operation) -> {
          if (!routedByTemplate.contains(route)
              && !PLANNED.equals(operation.get("x-agent-billy-status"))) {
            neither.add(route);
          }
        });
    assertThat(neither).isEmpty();
  }

  @Test
  void theOnlyStatusMarkerIsPlanned() {
    assertThat(
            operations.values().stream()
                .filter(o -> o.containsKey("x-agent-billy-status"))
                .map(o -> o.get("x-agent-billy-status")))
        .allMatch(PLANNED::equals);
  }

  @Test
  void documentedRoutesAreExactlyThoseOfThePermissionMatrixAndThePublicOnes() {
    Set<Route> contract = new LinkedHashSet<>(PermissionMatrix.routes().keySet());
    contract.addAll(PermissionMatrix.publicRoutes());
    assertThat(operations.keySet()).containsExactlyInAnyOrderElementsOf(contract);
  }

  @Test
  void thePublicRoutesAloneNeedNoToken() {
    operations.forEach(
        (route, operation) ->
            assertThat(operation.get("security"))
                .as(route.toString())
                .isEqualTo(PermissionMatrix.publicRoutes().contains(route) ? List.of() : null));
  }

  @Test
  void everyOperationStatesTheRoleThePermissionMatrixRequires() {
    Map<Route, Object> documented = new LinkedHashMap<>();
    Map<Route, Object> required = new LinkedHashMap<>();
    PermissionMatrix.routes()
        .forEach(
            (route, access) -> {
              required.put(route, ROLES.get(access));
              documented.put(
                  route, operations.getOrDefault(route, Map.of()).get("x-agent-billy-role"));
            });
    assertThat(documented).isEqualTo(required);
  }

  @Test
  void everyOperationAnswersTheGatewaysUnauthorizedAndOurInternalError() {
    operations.forEach(
        (route, operation) -> {
          assertThat(map(operation.get("responses")))
              .as(route.toString())
              .containsEntry("500", Map.of("$ref", "#/components/responses/Internal"));
          if (!PermissionMatrix.publicRoutes().contains(route)) {
            assertThat(map(operation.get("responses")))
                .as(route.toString())
                .containsEntry("401", Map.of("$ref", "#/components/responses/Unauthorized"));
          }
        });
  }

  @Test
  void everyRouteUnderAnOrgAnswersNotFoundForNonMembers() {
    operations.forEach(
        (route, operation) -> {
          if (route.isUnderOrg()) {
            assertThat(map(operation.get("responses"))).as(route.toString()).containsKey("404");
          }
        });
  }

  @Test
  void routesAboveViewerAnswerForbidden() {
    Map<Route, Boolean> documented = new LinkedHashMap<>();
    Map<Route, Boolean> required = new LinkedHashMap<>();
    PermissionMatrix.routes()
        .forEach(
            (route, access) -> {
              required.put(route, access != Access.SIGNED_IN && access != Access.VIEWER);
              documented.put(
                  route,
                  map(operations
                          .getOrDefault(route, Map.of("responses", Map.of()))
                          .get("responses"))
                      .containsKey("403"));
            });
    assertThat(documented).isEqualTo(required);
  }

  @Test
  void theErrorShapeKnowsEveryCodeOfTheApiButTheWebhooksOwn() {
    Map<String, Object> error =
        map(
            map(map(map(map(document.get("components")).get("schemas")).get("Error"))
                    .get("properties"))
                .get("error"));
    Object codes = map(map(error.get("properties")).get("code")).get("enum");

    assertThat(codes)
        .asInstanceOf(InstanceOfAssertFactories.LIST)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(ErrorCode.values())
                .filter(code -> code != ErrorCode.INVALID_SIGNATURE)
                .map(code -> code.name().toLowerCase(Locale.ROOT))
                .toList());
  }

  @Test
  void everyReferenceResolves() {
    List<String> unresolved = new ArrayList<>();
    collectReferences(document).stream()
        .filter(reference -> resolve(reference) == null)
        .forEach(unresolved::add);
    assertThat(unresolved).isEmpty();
  }

  private static List<String> collectReferences(Object node) {
    List<String> references = new ArrayList<>();
    if (node instanceof Map<?, ?> fields) {
      fields.forEach(
          (name, value) -> {
            if ("$ref".equals(name) && value instanceof String reference) {
              references.add(reference);
            } else {
              references.addAll(collectReferences(value));
            }
          });
    } else if (node instanceof List<?> items) {
      items.forEach(item -> references.addAll(collectReferences(item)));
    }
    return references;
  }

  private static Object resolve(String reference) {
    if (!reference.startsWith("#/")) {
      return null;
    }
    Object node = document;
    for (String part : reference.substring(2).split("/")) {
      if (!(node instanceof Map<?, ?> fields)) {
        return null;
      }
      node = fields.get(part);
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node) {
    assertThat(node).isInstanceOf(Map.class);
    return (Map<String, Object>) node;
  }
}
