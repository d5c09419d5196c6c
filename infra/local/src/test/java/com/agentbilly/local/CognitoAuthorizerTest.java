package com.agentbilly.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CognitoAuthorizerTest {

  private static final Instant ISSUED = Instant.parse("2026-11-29T12:00:00Z");
  private static final Clock FIVE_MINUTES_LATER =
      Clock.fixed(ISSUED.plusSeconds(300), ZoneOffset.UTC);

  private final TestIdTokens tokens = new TestIdTokens();
  private final CognitoAuthorizer authorizer = authorizerAt(FIVE_MINUTES_LATER);

  private CognitoAuthorizer authorizerAt(Clock clock) {
    return new CognitoAuthorizer(
        TestIdTokens.ISSUER, TestIdTokens.CLIENT_ID, tokens.jwkSource(), clock, Duration.ZERO);
  }

  @Test
  void acceptsTheRawIdTokenAndPassesClaimsAsApiGatewayStrings() {
    String token = tokens.token(ISSUED, c -> c.claim("cognito:groups", TestIdTokens.groups()));

    CognitoAuthorizer.Result result = authorizer.authorize(token);

    assertThat(result)
        .isEqualTo(
            new CognitoAuthorizer.Authorized(
                Map.ofEntries(
                    Map.entry("iss", TestIdTokens.ISSUER),
                    Map.entry("sub", TestIdTokens.SUB),
                    Map.entry("aud", TestIdTokens.CLIENT_ID),
                    Map.entry("token_use", "id"),
                    Map.entry("iat", "Sun Nov 29 12:00:00 UTC 2026"),
                    Map.entry("exp", "Sun Nov 29 13:00:00 UTC 2026"),
                    Map.entry("auth_time", String.valueOf(ISSUED.getEpochSecond())),
                    Map.entry("jti", "b0a4c1de-7a43-4d7c-8f7e-3f4a5b6c7d8e"),
                    Map.entry("cognito:username", TestIdTokens.EMAIL),
                    Map.entry("cognito:groups", "admins,billing"),
                    Map.entry("email", TestIdTokens.EMAIL),
                    Map.entry("email_verified", "true"))));
  }

  @Test
  void acceptsABearerToken() {
    String token = tokens.token(ISSUED);

    assertThat(authorizer.authorize("Bearer " + token))
        .isInstanceOf(CognitoAuthorizer.Authorized.class);
    assertThat(authorizer.authorize("bearer   " + token))
        .isInstanceOf(CognitoAuthorizer.Authorized.class);
  }

  @Test
  void refusesAMissingHeader() {
    assertThat(authorizer.authorize(null))
        .isEqualTo(new CognitoAuthorizer.Unauthorized("no Authorization header"));
    assertThat(authorizer.authorize("  "))
        .isEqualTo(new CognitoAuthorizer.Unauthorized("no Authorization header"));
  }

  @Test
  void refusesSomethingThatIsNotAJwt() {
    assertThat(authorizer.authorize("garbage"))
        .isEqualTo(new CognitoAuthorizer.Unauthorized("not a JWT"));
  }

  @Test
  void refusesAnExpiredToken() {
    String token = tokens.token(ISSUED);

    assertThat(authorizerAt(Clock.fixed(ISSUED.plusSeconds(3600), ZoneOffset.UTC)).authorize(token))
        .isEqualTo(new CognitoAuthorizer.Unauthorized("expired"));
    assertThat(authorizerAt(Clock.fixed(ISSUED.plusSeconds(3599), ZoneOffset.UTC)).authorize(token))
        .isInstanceOf(CognitoAuthorizer.Authorized.class);
  }

  @Test
  void toleratesTheConfiguredClockSkewOnly() {
    String token = tokens.token(ISSUED);
    CognitoAuthorizer lenient =
        new CognitoAuthorizer(
            TestIdTokens.ISSUER,
            TestIdTokens.CLIENT_ID,
            tokens.jwkSource(),
            Clock.fixed(ISSUED.plusSeconds(3600 + 29), ZoneOffset.UTC),
            Duration.ofSeconds(30));

    assertThat(lenient.authorize(token)).isInstanceOf(CognitoAuthorizer.Authorized.class);
  }

  @Test
  void refusesATokenThatIsNotValidYet() {
    String token = tokens.token(ISSUED, c -> c.notBeforeTime(Date.from(ISSUED.plusSeconds(600))));

    assertThat(authorizer.authorize(token))
        .isEqualTo(new CognitoAuthorizer.Unauthorized("not valid yet"));
  }

  @Test
  void refusesATokenIssuedInTheFuture() {
    String token =
        tokens.token(
            ISSUED,
            c ->
                c.issueTime(Date.from(FIVE_MINUTES_LATER.instant().plusSeconds(60)))
                    .expirationTime(Date.from(ISSUED.plusSeconds(7200))));

    assertThat(authorizer.authorize(token))
        .isEqualTo(new CognitoAuthorizer.Unauthorized("issued in the future"));
  }

  @Test
  void refusesAnotherIssuer() {
    String token =
        tokens.token(
            ISSUED, c -> c.issuer("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"));

    assertThat(authorizer.authorize(token))
        .isEqualTo(new CognitoAuthorizer.Unauthorized("unexpected issuer"));
  }

  @Test
  void refusesAnotherAppClient() {
    String token = tokens.token(ISSUED, c -> c.audience("another-client"));

    assertThat(authorizer.authorize(token))
        .isEqualTo(new CognitoAuthorizer.Unauthorized("unexpected audience"));
  }

  @Test
  void refusesAnAccessToken() {
    String token = tokens.token(ISSUED, c -> c.claim("token_use", "access"));

    assertThat(authorizer.authorize(token))
        .isEqualTo(new CognitoAuthorizer.Unauthorized("not an ID token (token_use=access)"));
  }

  @Test
  void refusesATokenWithoutExpiry() {
    String token = tokens.token(ISSUED, c -> c.expirationTime(null));

    assertThat(authorizer.authorize(token))
        .isEqualTo(new CognitoAuthorizer.Unauthorized("no expiry"));
  }

  @Test
  void refusesATamperedPayloadWithTheOriginalSignature() {
    String[] parts = tokens.token(ISSUED).split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), UTF_8);
    String forged = payload.replace(TestIdTokens.SUB, "00000000-0000-0000-0000-000000000000");
    String tampered =
        parts[0]
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes(UTF_8))
            + "."
            + parts[2];

    assertThat(forged).isNotEqualTo(payload);
    assertThat(authorizer.authorize(tampered)).isInstanceOf(CognitoAuthorizer.Unauthorized.class);
  }

  @Test
  void refusesATokenSignedByAnotherKeyWithTheSameKid() {
    String token = TestIdTokens.other().token(ISSUED);

    assertThat(authorizer.authorize(token)).isInstanceOf(CognitoAuthorizer.Unauthorized.class);
  }

  @Test
  void refusesAnUnsignedToken() {
    String token = new PlainJWT(TestIdTokens.claims(ISSUED).build()).serialize();

    assertThat(authorizer.authorize(token)).isInstanceOf(CognitoAuthorizer.Unauthorized.class);
  }

  @Test
  void refusesAnHmacTokenSignedWithThePublicKeyBytes() throws JOSEException {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(TestIdTokens.KID).build(),
            TestIdTokens.claims(ISSUED).build());
    jwt.sign(new MACSigner(tokens.jwkSet().toString().repeat(2).getBytes(UTF_8)));

    assertThat(authorizer.authorize(jwt.serialize()))
        .isInstanceOf(CognitoAuthorizer.Unauthorized.class);
  }

  @Test
  void neverPutsTheTokenInTheReason() {
    String expired = tokens.token(ISSUED.minusSeconds(7200));
    String foreign = TestIdTokens.other().token(ISSUED);

    for (String token : new String[] {expired, foreign, expired + "x", "Bearer " + foreign}) {
      CognitoAuthorizer.Result result = authorizer.authorize(token);
      assertThat(result).isInstanceOf(CognitoAuthorizer.Unauthorized.class);
      String reason = ((CognitoAuthorizer.Unauthorized) result).reason();
      assertThat(reason)
          .doesNotContain(token.substring(token.lastIndexOf('.') + 1, token.length() - 2));
      assertThat(reason).doesNotContain(token.split("\\.")[1].substring(0, 20));
    }
  }

  @Test
  void fetchesTheKeysFromAJwksUrl() throws IOException {
    HttpServer jwks =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] body = tokens.jwkSet().toString().getBytes(UTF_8);
    jwks.createContext(
        "/us-east-1_TestPool/.well-known/jwks.json",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    jwks.start();
    try {
      URI jwksUri =
          URI.create(
              "http://127.0.0.1:"
                  + jwks.getAddress().getPort()
                  + "/us-east-1_TestPool/.well-known/jwks.json");
      CognitoAuthorizer remote =
          CognitoAuthorizer.remote(
              TestIdTokens.ISSUER, jwksUri, TestIdTokens.CLIENT_ID, FIVE_MINUTES_LATER);

      assertThat(remote.authorize(tokens.token(ISSUED)))
          .isInstanceOf(CognitoAuthorizer.Authorized.class);
      assertThat(remote.authorize(TestIdTokens.other().token(ISSUED)))
          .isInstanceOf(CognitoAuthorizer.Unauthorized.class);
    } finally {
      jwks.stop(0);
    }
  }

  @Test
  void claimsOfAnAuthorizedTokenAreAlwaysStrings() {
    JWTClaimsSet claims =
        TestIdTokens.claims(ISSUED)
            .claim("custom:count", 3)
            .claim("custom:flag", false)
            .claim("custom:nested", Map.of("a", 1))
            .build();

    CognitoAuthorizer.Result result = authorizer.authorize(tokens.sign(claims));

    assertThat(((CognitoAuthorizer.Authorized) result).claims())
        .containsEntry("custom:count", "3")
        .containsEntry("custom:flag", "false")
        .containsEntry("custom:nested", "{\"a\":1}");
  }
}
