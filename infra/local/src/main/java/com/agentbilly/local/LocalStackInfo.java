package com.agentbilly.local;

import java.net.URI;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * What {@link Bootstrap} made of the local AWS: where it is, the user pool and app client, the
 * table, the KMS alias, the stack secrets and the demo users with their passwords.
 *
 * @param endpoint the AWS endpoint (moto), as in {@code AWS_ENDPOINT_URL}
 * @param users the demo users, owner first; {@code role} is what the demo org gives each (null for
 *     the outsider)
 */
public record LocalStackInfo(
    URI endpoint,
    String region,
    String stage,
    String table,
    String kmsKeyAlias,
    String kmsKeyArn,
    List<String> stackSecretIds,
    String userPoolId,
    String clientId,
    List<DemoUser> users) {

  public LocalStackInfo {
    stackSecretIds = List.copyOf(stackSecretIds);
    users = List.copyOf(users);
  }

  /** The {@code iss} of the pool's tokens (the real AWS form, which moto also uses). */
  public String issuer() {
    return "https://cognito-idp." + region + ".amazonaws.com/" + userPoolId;
  }

  /** Where the pool's signing keys are served: locally, by moto. */
  public URI jwksUri() {
    String base = endpoint.toString().replaceAll("/+$", "");
    return URI.create(base + "/" + userPoolId + "/.well-known/jwks.json");
  }

  /** The demo user with this username (its email). */
  public DemoUser user(String username) {
    return users.stream()
        .filter(u -> u.username().equals(username))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("No demo user " + username));
  }

  /** A demo user: username = verified email, a generated password, Cognito's {@code sub}. */
  public record DemoUser(String username, String password, String sub, String role) {

    public Optional<String> roleInDemoOrg() {
      return Optional.ofNullable(role);
    }

    @Override
    public String toString() {
      return "DemoUser[username=" + username + ", sub=" + sub + ", role=" + role + "]";
    }
  }
}
