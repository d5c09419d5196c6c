package com.agentbilly.local;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * API Gateway's Cognito user-pool authorizer, emulated: verifies a Cognito ID token (RS256
 * signature against the pool's JWKS, issuer, audience = app client id, {@code token_use=id}, expiry
 * against the {@link Clock}) and yields the claims the way API Gateway hands them to a function in
 * {@code requestContext.authorizer.claims}: every value a string (objects as JSON), {@code exp} and
 * {@code iat} as dates like {@code Tue Apr 04 18:39:39 UTC 2023}, arrays as one comma-separated
 * string.
 *
 * <p>Issuer and JWKS location are separate because moto signs tokens with the real AWS issuer while
 * serving the keys locally. The token itself is never logged or put in a reason.
 */
public final class CognitoAuthorizer {

  private static final String BEARER = "bearer ";
  private static final DateTimeFormatter API_GATEWAY_DATE =
      DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss 'UTC' yyyy", Locale.US)
          .withZone(ZoneOffset.UTC);

  private final DefaultJWTProcessor<SecurityContext> processor;

  /**
   * @param issuer the expected {@code iss}, {@code
   *     https://cognito-idp.<region>.amazonaws.com/<pool>}
   * @param audience the app client id, expected in {@code aud}
   * @param keys the pool's signing keys
   * @param clock the time against which {@code exp}, {@code nbf} and {@code iat} are checked
   * @param maxClockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}
   */
  public CognitoAuthorizer(
      String issuer,
      String audience,
      JWKSource<SecurityContext> keys,
      Clock clock,
      Duration maxClockSkew) {
    processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
    processor.setJWTClaimsSetVerifier(new IdTokenVerifier(issuer, audience, clock, maxClockSkew));
  }

  /** An authorizer with no clock skew, fetching (and caching) the keys from a JWKS URL. */
  public static CognitoAuthorizer remote(String issuer, URI jwksUri, String audience, Clock clock) {
    try {
      JWKSource<SecurityContext> keys =
          JWKSourceBuilder.<SecurityContext>create(jwksUri.toURL()).retrying(true).build();
      return new CognitoAuthorizer(issuer, audience, keys, clock, Duration.ZERO);
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("Not a JWKS URL: " + jwksUri, e);
    }
  }

  /** The authorizer of the local user pool described by {@code info}. */
  public static CognitoAuthorizer forStack(LocalStackInfo info, Clock clock) {
    return remote(info.issuer(), info.jwksUri(), info.clientId(), clock);
  }

  /**
   * Checks the value of the {@code Authorization} header: the raw ID token, or {@code Bearer
   * <token>}.
   */
  public Result authorize(String authorizationHeader) {
    if (authorizationHeader == null || authorizationHeader.isBlank()) {
      return new Unauthorized("no Authorization header");
    }
    String token = authorizationHeader.strip();
    if (token.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      token = token.substring(BEARER.length()).strip();
    }
    try {
      return new Authorized(toApiGatewayClaims(processor.process(token, null)));
    } catch (ParseException e) {
      return new Unauthorized("not a JWT");
    } catch (BadJOSEException e) {
      return new Unauthorized(e.getMessage());
    } catch (JOSEException e) {
      return new Unauthorized("signature check failed: " + e.getMessage());
    }
  }

  private static Map<String, String> toApiGatewayClaims(JWTClaimsSet claims) {
    Map<String, String> result = new LinkedHashMap<>();
    claims.getClaims().forEach((name, value) -> result.put(name, claimString(value)));
    return Map.copyOf(result);
  }

  private static String claimString(Object value) {
    return switch (value) {
      case null -> "";
      case Date date -> API_GATEWAY_DATE.format(date.toInstant());
      case Collection<?> items ->
          items.stream().map(CognitoAuthorizer::claimString).collect(Collectors.joining(","));
      case Map<?, ?> object -> JSONObjectUtils.toJSONString(stringKeys(object));
      default -> value.toString();
    };
  }

  private static Map<String, Object> stringKeys(Map<?, ?> object) {
    Map<String, Object> result = new LinkedHashMap<>();
    object.forEach((k, v) -> result.put(String.valueOf(k), v));
    return result;
  }

  /** What the authorizer decided. */
  public sealed interface Result permits Authorized, Unauthorized {}

  /** A valid ID token, with its claims as API Gateway passes them. */
  public record Authorized(Map<String, String> claims) implements Result {}

  /** Anything wrong with the token; {@code reason} is for logs and never contains the token. */
  public record Unauthorized(String reason) implements Result {}

  private static final class IdTokenVerifier implements JWTClaimsSetVerifier<SecurityContext> {
    private final String issuer;
    private final String audience;
    private final Clock clock;
    private final Duration maxClockSkew;

    IdTokenVerifier(String issuer, String audience, Clock clock, Duration maxClockSkew) {
      this.issuer = issuer;
      this.audience = audience;
      this.clock = clock;
      this.maxClockSkew = maxClockSkew;
    }

    @Override
    public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
      if (!issuer.equals(claims.getIssuer())) {
        throw new BadJWTException("unexpected issuer");
      }
      List<String> aud = claims.getAudience();
      if (aud == null || !aud.contains(audience)) {
        throw new BadJWTException("unexpected audience");
      }
      Object tokenUse = claims.getClaim("token_use");
      if (!"id".equals(tokenUse)) {
        throw new BadJWTException("not an ID token (token_use=" + tokenUse + ")");
      }
      Instant now = clock.instant();
      Date exp = claims.getExpirationTime();
      if (exp == null) {
        throw new BadJWTException("no expiry");
      }
      if (!now.isBefore(exp.toInstant().plus(maxClockSkew))) {
        throw new BadJWTException("expired");
      }
      Date nbf = claims.getNotBeforeTime();
      if (nbf != null && now.isBefore(nbf.toInstant().minus(maxClockSkew))) {
        throw new BadJWTException("not valid yet");
      }
      // Cognito never issues a token dated after now; one that claims so was not minted by it.
      Date iat = claims.getIssueTime();
      if (iat != null && now.isBefore(iat.toInstant().minus(maxClockSkew))) {
        throw new BadJWTException("issued in the future");
      }
    }
  }
}
