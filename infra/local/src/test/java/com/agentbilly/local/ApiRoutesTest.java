package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiRoutesTest {

  private final ApiRoutes routes =
      new ApiRoutes(
          SamTemplate.parse(
                  """
                  Resources:
                    ApiFunction:
                      Type: AWS::Serverless::Function
                      Properties:
                        CodeUri: functions/api
                        Handler: com.example.Api::handleRequest
                        Events:
                          GetOrg: {Type: Api, Properties: {Path: "/orgs/{org}", Method: get}}
                          GetSummary: {Type: Api, Properties: {Path: "/orgs/{org}/summary", Method: GET}}
                          GetObject: {Type: Api, Properties: {Path: "/orgs/{org}/{type}/{id}", Method: GET}}
                          GetCustomer: {Type: Api, Properties: {Path: "/orgs/{org}/customers/{id}", Method: GET}}
                          Anything: {Type: Api, Properties: {Path: "/files/{proxy+}", Method: ANY}}
                          GetFileMeta: {Type: Api, Properties: {Path: "/files/{name}", Method: GET}}
                          DeleteFileMeta: {Type: Api, Properties: {Path: "/files/{name}", Method: ANY}}
                    OnboardingFunction:
                      Type: AWS::Serverless::Function
                      Properties:
                        CodeUri: functions/onboarding
                        Handler: com.example.Onboarding::handleRequest
                        Events:
                          PutKey: {Type: Api, Properties: {Path: "/orgs/{org}/keys/{purpose}", Method: PUT}}
                  """)
              .functions());

  @Test
  void bindsPathParametersByName() {
    ApiRoutes.Match match = routes.match("PUT", "/orgs/org_1/keys/sync").orElseThrow();

    assertThat(match.route().functionLogicalId()).isEqualTo("OnboardingFunction");
    assertThat(match.route().pathTemplate()).isEqualTo("/orgs/{org}/keys/{purpose}");
    assertThat(match.pathParameters()).isEqualTo(Map.of("org", "org_1", "purpose", "sync"));
  }

  @Test
  void aLiteralSegmentWinsOverAParameter() {
    assertThat(
            routes.match("GET", "/orgs/org_1/customers/cus_1").orElseThrow().route().pathTemplate())
        .isEqualTo("/orgs/{org}/customers/{id}");
    assertThat(routes.match("GET", "/orgs/org_1/invoices/in_1").orElseThrow().pathParameters())
        .isEqualTo(Map.of("org", "org_1", "type", "invoices", "id", "in_1"));
  }

  @Test
  void aParameterWinsOverAGreedyParameterAndAnExactMethodOverAny() {
    ApiRoutes.Match get = routes.match("GET", "/files/report.csv").orElseThrow();
    ApiRoutes.Match delete = routes.match("DELETE", "/files/report.csv").orElseThrow();
    ApiRoutes.Match deep = routes.match("POST", "/files/a/b/c").orElseThrow();

    assertThat(get.route().pathTemplate()).isEqualTo("/files/{name}");
    assertThat(get.route().method()).isEqualTo("GET");
    assertThat(delete.route().pathTemplate()).isEqualTo("/files/{name}");
    assertThat(delete.route().method()).isEqualTo("ANY");
    assertThat(deep.route().pathTemplate()).isEqualTo("/files/{proxy+}");
    assertThat(deep.pathParameters()).isEqualTo(Map.of("proxy", "a/b/c"));
  }

  @Test
  void matchesMethodsCaseInsensitivelyAsDeclared() {
    assertThat(routes.match("GET", "/orgs/org_1").map(m -> m.route().method())).contains("GET");
  }

  @Test
  void ignoresATrailingSlashButNotExtraSegments() {
    assertThat(routes.match("GET", "/orgs/org_1/")).isPresent();
    assertThat(routes.match("GET", "/orgs/org_1/keys/sync/extra")).isEqualTo(Optional.empty());
    assertThat(routes.match("GET", "/orgs")).isEqualTo(Optional.empty());
  }

  @Test
  void aKnownPathWithAnUndeclaredMethodHasNoRoute() {
    assertThat(routes.match("DELETE", "/orgs/org_1/keys/sync")).isEqualTo(Optional.empty());
  }
}
