package com.agentbilly.domain;

import java.util.Objects;

/**
 * The signed-in user making a request, as the Cognito authorizer vouched for them.
 *
 * @param userId the Cognito {@code sub}
 * @param username the Cognito username
 * @param email the email claim, or null when the token carries none
 * @param emailVerified whether Cognito says the email is verified
 */
public record Caller(String userId, String username, String email, boolean emailVerified) {

  public Caller {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(username, "username");
  }
}
