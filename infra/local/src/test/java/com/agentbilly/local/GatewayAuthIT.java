package com.agentbilly.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API's Cognito authorizer with real moto tokens: every bad token is a 401 from the gateway and
 * never reaches the function. Uses {@code GET /me}.
 */
@WithLocalStack
class GatewayAuthIT {

  private static final String UNAUTHORIZED = "{\"message\":\"Unauthorized\"}";
  private static final String API_FUNCTION = "ApiFunction";

  private final LocalStack stack;

  GatewayAuthIT(LocalStack stack) {
    this.stack = stack;
  }

  @Test
  void aValidIdTokenReachesTheApiFunctionAsTheUser() {
    int before = stack.invocations(API_FUNCTION);
    LocalStackInfo.DemoUser owner = stack.info().user(LocalStack.OWNER);

    ApiResponse raw = stack.api().as(LocalStack.OWNER).get("/me");
    ApiResponse bearer =
        stack.api().withAuthorization("Bearer " + stack.idToken(LocalStack.OWNER)).get("/me");

    assertThat(raw.status()).as(raw.body()).isEqualTo(200);
    assertThat(raw.json().at("/user/id").asText()).isEqualTo(owner.sub());
    assertThat(bearer.status()).as(bearer.body()).isEqualTo(200);
    assertThat(stack.invocations(API_FUNCTION)).isEqualTo(before + 2);
  }

  @Test
  void noTokenIsUnauthorized() {
    assertRefusedBeforeTheFunction(stack.api());
  }

  @Test
  void garbageIsUnauthorized() {
    assertRefusedBeforeTheFunction(stack.api().withAuthorization("not-a-token"));
    assertRefusedBeforeTheFunction(stack.api().withAuthorization("Bearer a.b.c"));
  }

  @Test
  void anExpiredRealTokenIsUnauthorized() throws IOException {
    String token = stack.idToken(LocalStack.VIEWER);
    Clock twoHoursLater = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
    CognitoAuthorizer now = CognitoAuthorizer.forStack(stack.info(), Clock.systemUTC());
    CognitoAuthorizer later = CognitoAuthorizer.forStack(stack.info(), twoHoursLater);

    try (DevGateway gatewayTwoHoursLater =
        DevGateway.builder(stack.template(), later).build().start()) {
      ApiResponse response =
          new ApiClient(gatewayTwoHoursLater.apiUri(), stack::idToken)
              .withAuthorization(token)
              .get("/me");

      assertThat(response.status()).isEqualTo(401);
      assertThat(response.body()).isEqualTo(UNAUTHORIZED);
      assertThat(gatewayTwoHoursLater.invocations(API_FUNCTION)).isZero();
    }
    assertThat(now.authorize(token)).isInstanceOf(CognitoAuthorizer.Authorized.class);
    assertThat(later.authorize(token)).isEqualTo(new CognitoAuthorizer.Unauthorized("expired"));
  }

  @Test
  void aTamperedPayloadWithTheOriginalSignatureIsUnauthorized() {
    String[] parts = stack.idToken(LocalStack.VIEWER).split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), UTF_8);
    String ownerSub = stack.info().user(LocalStack.OWNER).sub();
    String viewerSub = stack.info().user(LocalStack.VIEWER).sub();
    String forged = payload.replace(viewerSub, ownerSub);
    String tampered =
        parts[0]
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes(UTF_8))
            + "."
            + parts[2];

    assertThat(forged).contains(ownerSub).doesNotContain(viewerSub);
    assertRefusedBeforeTheFunction(stack.api().withAuthorization(tampered));
  }

  @Test
  void theSameClaimsSignedByAnotherKeyWithTheSameKidAreUnauthorized()
      throws ParseException, JOSEException {
    SignedJWT real = SignedJWT.parse(stack.idToken(LocalStack.OWNER));
    RSAKey impostor = new RSAKeyGenerator(2048).keyID(real.getHeader().getKeyID()).generate();
    SignedJWT forged =
        new SignedJWT(new JWSHeader.Builder(real.getHeader()).build(), real.getJWTClaimsSet());
    forged.sign(new RSASSASigner(impostor));

    assertThat(forged.getHeader().getKeyID()).isEqualTo("dummy");
    assertThat(forged.getJWTClaimsSet()).isEqualTo(real.getJWTClaimsSet());
    assertRefusedBeforeTheFunction(stack.api().withAuthorization(forged.serialize()));
  }

  @Test
  void anUnknownRouteIsMissingAuthenticationTokenEvenWithAToken() {
    int before = stack.invocations(API_FUNCTION);

    ApiResponse anonymous = stack.api().get("/no/such/route");
    ApiResponse signedIn = stack.api().as(LocalStack.OWNER).get("/no/such/route");

    for (ApiResponse response : new ApiResponse[] {anonymous, signedIn}) {
      assertThat(response.status()).isEqualTo(403);
      assertThat(response.body()).isEqualTo("{\"message\":\"Missing Authentication Token\"}");
    }
    assertThat(stack.invocations(API_FUNCTION)).isEqualTo(before);
  }

  @Test
  void corsPreflightWorksWithoutATokenForEachOfSeveralOrigins() {
    List<String> origins = allowedOrigins();
    assertThat(origins).as("ALLOWED_ORIGINS names several origins").hasSizeGreaterThan(1);

    for (String origin : origins) {
      for (String path : List.of("/me", "/orgs/org_x/keys/sync", "/orgs/org_x/refunds")) {
        int before = stack.invocations(API_FUNCTION);
        ApiResponse response =
            stack
                .api()
                .withHeader("Origin", origin)
                .withHeader("Access-Control-Request-Method", "PUT")
                .withHeader("Access-Control-Request-Headers", "authorization,idempotency-key")
                .options(path);

        assertThat(response.status()).as(path).isEqualTo(204);
        // Exactly the caller's origin: a list (what SAM's Cors sent) fails every preflight.
        assertThat(response.header("Access-Control-Allow-Origin")).contains(origin);
        assertThat(response.header("Access-Control-Allow-Headers"))
            .contains("Authorization,Content-Type,Idempotency-Key,MCP-Protocol-Version");
        assertThat(response.header("Access-Control-Allow-Methods"))
            .contains("GET,POST,PUT,PATCH,DELETE,OPTIONS");
        // Answered by the api function, reached without a token.
        assertThat(stack.invocations(API_FUNCTION)).isEqualTo(before + 1);
      }
    }
    ApiResponse other = stack.api().withHeader("Origin", "https://evil.example").options("/me");
    assertThat(other.header("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void aRefusalStillCarriesEachAllowedOrigin() {
    for (String origin : allowedOrigins()) {
      ApiResponse response = stack.api().withHeader("Origin", origin).get("/me");

      assertThat(response.status()).isEqualTo(401);
      assertThat(response.header("Access-Control-Allow-Origin")).contains(origin);
    }
  }

  @Test
  void aSignedInAnswerNamesTheCallersOriginOnlyWhenAllowed() {
    for (String origin : allowedOrigins()) {
      ApiResponse response =
          stack.api().as(LocalStack.OWNER).withHeader("Origin", origin).get("/me");
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("Access-Control-Allow-Origin")).contains(origin);
    }
    ApiResponse evil =
        stack.api().as(LocalStack.OWNER).withHeader("Origin", "https://evil.example").get("/me");
    assertThat(evil.status()).isEqualTo(200);
    assertThat(evil.header("Access-Control-Allow-Origin")).isEmpty();
  }

  private void assertRefusedBeforeTheFunction(ApiClient client) {
    int before = stack.invocations(API_FUNCTION);

    ApiResponse response = client.get("/me");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.body()).isEqualTo(UNAUTHORIZED);
    assertThat(response.header("Content-Type")).contains("application/json");
    assertThat(stack.invocations(API_FUNCTION)).isEqualTo(before);
  }

  private static List<String> allowedOrigins() {
    String origins = System.getenv("ALLOWED_ORIGINS");
    assertThat(origins).as("ALLOWED_ORIGINS (set by make test)").isNotBlank();
    return Arrays.stream(origins.split(",")).map(String::strip).toList();
  }
}
