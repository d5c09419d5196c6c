package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.config.AwsClients;
import com.agentbilly.config.Settings;
import com.agentbilly.config.StackSecrets;
import com.agentbilly.domain.Membership;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.Role;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.mirror.WriteOutcome;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Orgs for the route probes: created through the API by an owner, with members added to the table
 * the way an accepted invitation would, an open invitation, and one mirrored object of every list
 * (ids carry a tag, so orgs made with different tags never share one).
 */
final class ProbeOrgs {

  private final LocalStack stack;
  private final DynamoDbOrgStore orgs;
  private final DynamoDbMirrorStore mirror;

  ProbeOrgs(LocalStack stack) {
    this.stack = stack;
    Settings settings = Settings.fromEnvironment();
    this.orgs = new DynamoDbOrgStore(AwsClients.dynamoDb(), settings.tableName());
    StackSecrets secrets = new StackSecrets(AwsClients::secretsManager, settings);
    this.mirror =
        new DynamoDbMirrorStore(
            AwsClients.dynamoDb(), settings.tableName(), secrets::cursorKey, Clock.systemUTC());
  }

  /**
   * A new org owned by {@code owner}, with {@code members} in the given roles, one open invitation,
   * and one object of each mirrored list, ids tagged with {@code prefix}.
   */
  RouteProbes.Target create(String owner, Map<String, Role> members, String prefix) {
    ApiResponse created =
        stack.api().as(owner).post("/orgs", Map.of("name", "Probe " + prefix, "mode", "test"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String org = created.json().get("org_id").asText();
    String viewerId = null;
    for (Map.Entry<String, Role> member : members.entrySet()) {
      String sub = sub(member.getKey());
      orgs.putMembership(
          new Membership(
              new OrgId(org),
              "Probe " + prefix,
              sub,
              member.getKey(),
              member.getValue(),
              Instant.now()));
      if (member.getValue() == Role.VIEWER) {
        viewerId = sub;
      }
    }
    ApiResponse invited =
        stack
            .api()
            .as(owner)
            .post(
                "/orgs/" + org + "/invitations",
                Map.of("email", "invitee@demo.test", "role", "viewer"));
    assertThat(invited.status()).as(invited.body()).isEqualTo(201);
    return new RouteProbes.Target(
        org,
        sub(owner),
        viewerId,
        mirrorOneOfEach(org, prefix),
        invited.json().get("invitation_id").asText());
  }

  String sub(String username) {
    return stack.info().user(username).sub();
  }

  /** Ids shaped as Stripe's ({@code cus_…}, {@code sub_…}), told apart by the org's tag. */
  private Map<String, String> mirrorOneOfEach(String org, String prefix) {
    String tag = prefix.replace("_", "") + "1";
    String customer = "cus_" + tag;
    String charge = "ch_" + tag;
    String product = "prod_" + tag;
    Map<String, String> objects = new LinkedHashMap<>();
    objects.put(
        customer,
        "{\"id\":\"%s\",\"object\":\"customer\",\"created\":1764000000,\"email\":\"%s@demo.test\"}"
            .formatted(customer, tag));
    objects.put(
        "sub_" + tag,
        ("{\"id\":\"sub_%s\",\"object\":\"subscription\",\"created\":1764000001,"
                + "\"customer\":\"%s\",\"status\":\"active\",\"currency\":\"usd\","
                + "\"items\":{\"object\":\"list\",\"data\":[]}}")
            .formatted(tag, customer));
    objects.put(
        "in_" + tag,
        ("{\"id\":\"in_%s\",\"object\":\"invoice\",\"created\":1764000002,\"customer\":\"%s\","
                + "\"status\":\"paid\",\"currency\":\"usd\",\"amount_due\":1000}")
            .formatted(tag, customer));
    objects.put(
        charge,
        ("{\"id\":\"%s\",\"object\":\"charge\",\"created\":1764000003,\"customer\":\"%s\","
                + "\"status\":\"succeeded\",\"currency\":\"usd\",\"amount\":1000,"
                + "\"amount_refunded\":0,\"refunded\":false}")
            .formatted(charge, customer));
    objects.put(
        "re_" + tag,
        ("{\"id\":\"re_%s\",\"object\":\"refund\",\"created\":1764000004,\"charge\":\"%s\","
                + "\"status\":\"succeeded\",\"currency\":\"usd\",\"amount\":100}")
            .formatted(tag, charge));
    objects.put(
        product,
        "{\"id\":\"%s\",\"object\":\"product\",\"created\":1764000005,\"active\":true,\"name\":\"P\"}"
            .formatted(product));
    Map<String, String> idsByList = new LinkedHashMap<>();
    for (Map.Entry<String, String> object : objects.entrySet()) {
      ObjectType type = typeOf(object.getValue());
      WriteOutcome outcome =
          mirror.write(
              new OrgId(org),
              new MirrorDocument(type, object.getKey(), object.getValue(), Instant.now(), false));
      assertThat(outcome).isEqualTo(WriteOutcome.APPLIED);
      idsByList.put(type.listName(), object.getKey());
    }
    return idsByList;
  }

  private static ObjectType typeOf(String json) {
    Matcher object = Pattern.compile("\"object\":\"([a-z_]+)\"").matcher(json);
    if (!object.find()) {
      throw new IllegalArgumentException("no object name in " + json);
    }
    return ObjectType.fromObjectName(object.group(1)).orElseThrow();
  }
}
