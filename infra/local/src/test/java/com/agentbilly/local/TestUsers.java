package com.agentbilly.local;

import java.security.SecureRandom;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.MessageActionType;

/**
 * Users made for one test in the local user pool, beyond the demo users: each with its own email,
 * verified or not, signed in the way the browser does.
 */
final class TestUsers implements AutoCloseable {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";

  /** A signed-in user: its Cognito {@code sub}, email, and the API as this user. */
  record User(String sub, String email, ApiClient api) {}

  private final LocalStack stack;
  private final SdkHttpClient http = UrlConnectionHttpClient.create();
  private final CognitoIdentityProviderClient cognito =
      CognitoIdentityProviderClient.builder().httpClient(http).build();

  TestUsers(LocalStack stack) {
    this.stack = stack;
  }

  /** A new user with a fresh email, which Cognito marks verified. */
  User verified(String localPart) {
    return create(localPart + "-" + random(8) + "@members.test", true);
  }

  /** A new user whose token says {@code email_verified: false}. */
  User unverified(String localPart) {
    return create(localPart + "-" + random(8) + "@members.test", false);
  }

  private User create(String email, boolean verified) {
    String pool = stack.info().userPoolId();
    cognito.adminCreateUser(
        r ->
            r.userPoolId(pool)
                .username(email)
                .messageAction(MessageActionType.SUPPRESS)
                .userAttributes(
                    AttributeType.builder().name("email").value(email).build(),
                    AttributeType.builder()
                        .name("email_verified")
                        .value(Boolean.toString(verified))
                        .build()));
    String password = "Pw1" + random(12).toUpperCase() + random(12);
    cognito.adminSetUserPassword(
        r -> r.userPoolId(pool).username(email).password(password).permanent(true));
    String sub =
        cognito.adminGetUser(r -> r.userPoolId(pool).username(email)).userAttributes().stream()
            .filter(a -> a.name().equals("sub"))
            .map(AttributeType::value)
            .findFirst()
            .orElseThrow();
    String token;
    try (CognitoSignIn signIn = new CognitoSignIn(stack.info().clientId())) {
      token = signIn.signIn(email, password);
    }
    return new User(sub, email, stack.api().withAuthorization(token));
  }

  private static String random(int length) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      out.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
    }
    return out.toString();
  }

  @Override
  public void close() {
    cognito.close();
    http.close();
  }
}
