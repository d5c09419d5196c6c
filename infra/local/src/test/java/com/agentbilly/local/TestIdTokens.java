package com.agentbilly.local;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Cognito-shaped ID tokens signed by a locally generated RSA key (kid {@code dummy}, like moto's),
 * every claim overridable.
 */
final class TestIdTokens {

  static final String ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool";
  static final String CLIENT_ID = "test-client-id";
  static final String SUB = "5b1c8c52-7f0e-4a53-9b7e-1f1d1a0e0a01";
  static final String EMAIL = "owner@demo.test";
  static final String KID = "dummy";

  private static final RSAKey KEY = newKey();
  private static final RSAKey OTHER_KEY = newKey();

  private final RSAKey key;

  /** Tokens of the test pool. */
  TestIdTokens() {
    this(KEY);
  }

  private TestIdTokens(RSAKey key) {
    this.key = key;
  }

  /** Tokens signed by another RSA key that carries the same {@code kid}. */
  static TestIdTokens other() {
    return new TestIdTokens(OTHER_KEY);
  }

  static RSAKey newKey() {
    try {
      return new RSAKeyGenerator(2048).keyID(KID).algorithm(JWSAlgorithm.RS256).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public half, as a pool's JWKS serves it. */
  JWKSource<SecurityContext> jwkSource() {
    return new ImmutableJWKSet<>(jwkSet());
  }

  JWKSet jwkSet() {
    return new JWKSet(key.toPublicJWK());
  }

  /** The claims of a fresh Cognito ID token issued at {@code issuedAt}, valid one hour. */
  static JWTClaimsSet.Builder claims(Instant issuedAt) {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject(SUB)
        .audience(CLIENT_ID)
        .claim("token_use", "id")
        .issueTime(Date.from(issuedAt))
        .claim("auth_time", issuedAt.getEpochSecond())
        .expirationTime(Date.from(issuedAt.plusSeconds(3600)))
        .jwtID("b0a4c1de-7a43-4d7c-8f7e-3f4a5b6c7d8e")
        .claim("cognito:username", EMAIL)
        .claim("email", EMAIL)
        .claim("email_verified", true);
  }

  String token(Instant issuedAt) {
    return token(issuedAt, UnaryOperator.identity());
  }

  String token(Instant issuedAt, UnaryOperator<JWTClaimsSet.Builder> change) {
    return sign(change.apply(claims(issuedAt)).build());
  }

  String sign(JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KID).type(JOSEObjectType.JWT).build(),
              claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Groups claim as Cognito puts it in a token: a JSON array. */
  static List<String> groups() {
    return List.of("admins", "billing");
  }
}
