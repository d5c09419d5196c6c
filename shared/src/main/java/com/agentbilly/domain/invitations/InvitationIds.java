package com.agentbilly.domain.invitations;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Invitation ids: {@code inv_} and 26 base32 characters (128 random bits). Not a secret. */
public final class InvitationIds {

  private static final Pattern SHAPE = RandomIds.shape("inv_", 26);

  private InvitationIds() {}

  public static String generate(SecureRandom random) {
    return "inv_" + RandomIds.base32(random, 16);
  }

  public static boolean isWellFormed(String id) {
    return id != null && SHAPE.matcher(id).matches();
  }
}
