package com.agentbilly.local;

import java.util.Map;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;

/**
 * Signs a user in the way the browser does: Cognito {@code InitiateAuth} with {@code
 * USER_PASSWORD_AUTH} and the app client id (no client secret), against {@code AWS_ENDPOINT_URL}.
 */
public final class CognitoSignIn implements AutoCloseable {

  private final String clientId;
  private final SdkHttpClient http;
  private final CognitoIdentityProviderClient cognito;

  public CognitoSignIn(String clientId) {
    this.clientId = clientId;
    this.http = UrlConnectionHttpClient.create();
    this.cognito = CognitoIdentityProviderClient.builder().httpClient(http).build();
  }

  /**
   * The user's ID token (what the API's authorizer wants in {@code Authorization}).
   *
   * @throws software.amazon.awssdk.services.cognitoidentityprovider.model.NotAuthorizedException
   *     for a wrong password
   */
  public String signIn(String username, String password) {
    return cognito
        .initiateAuth(
            r ->
                r.clientId(clientId)
                    .authFlow(AuthFlowType.USER_PASSWORD_AUTH)
                    .authParameters(Map.of("USERNAME", username, "PASSWORD", password)))
        .authenticationResult()
        .idToken();
  }

  @Override
  public void close() {
    cognito.close();
    http.close();
  }
}
