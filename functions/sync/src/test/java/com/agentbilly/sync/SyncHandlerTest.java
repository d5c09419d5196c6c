package com.agentbilly.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.testing.InMemoryEventLedger;
import com.agentbilly.testing.InMemoryMirrorStore;
import com.agentbilly.testing.InMemorySyncLease;
import com.agentbilly.testing.InMemorySyncStateStore;
import com.amazonaws.services.lambda.runtime.Context;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncHandlerTest {

  static final OrgId FIRST = new OrgId("org_eeeeeeeeeeeeeeeeeeeeeeeeee");
  static final OrgId SECOND = new OrgId("org_ffffffffffffffffffffffffff");
  static final String SCHEDULED_EVENT =
      """
      {"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event",
       "source":"aws.events","account":"123456789012","time":"2026-11-29T12:00:00Z",
       "region":"us-east-1","resources":["arn:aws:events:us-east-1:123456789012:rule/sync"],
       "detail":{}}
      """;

  private final InMemoryMirrorStore mirror = new InMemoryMirrorStore();
  private final InMemorySyncStateStore states = new InMemorySyncStateStore();

  private SyncHandler handler() {
    ConnectedOrgs connected =
        new ConnectedOrgs(List.of(FIRST, SECOND), org -> OrgSyncTest.SYNC_KEY);
    Clock clock = Clock.fixed(OrgSyncTest.NOW, ZoneOffset.UTC);
    OrgSync sync =
        new OrgSync(
            states,
            connected.vault,
            mirror,
            (org, type, id) -> new StripeObjectFetcher.Unresolvable("-"),
            new InMemoryEventLedger(),
            key -> OrgSyncTest.seeded(new FakeStripeAccount()),
            clock,
            Duration.ofSeconds(10));
    return new SyncHandler(new SyncRun(sync, connected.keys, new InMemorySyncLease(), clock));
  }

  private static String invoke(SyncHandler handler, String event, int remainingMillis)
      throws IOException {
    Context context =
        (Context)
            Proxy.newProxyInstance(
                Context.class.getClassLoader(),
                new Class<?>[] {Context.class},
                (proxy, method, args) ->
                    method.getName().equals("getRemainingTimeInMillis") ? remainingMillis : null);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), output, context);
    return output.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theScheduledEventSyncsEveryOrgWithASyncKey() throws IOException {
    String answer = invoke(handler(), SCHEDULED_EVENT, 600_000);

    assertThat(answer).isEqualTo("{\"orgs\":2,\"completed\":2,\"paused\":0,\"failed\":0}");
    assertThat(mirror.size(FIRST, ObjectType.CUSTOMER)).isEqualTo(230);
    assertThat(mirror.size(SECOND, ObjectType.CUSTOMER)).isEqualTo(230);
  }

  @Test
  void anOrgIdPayloadSyncsThatOrgOnly() throws IOException {
    String answer = invoke(handler(), "{\"org_id\":\"" + SECOND.value() + "\"}", 600_000);

    assertThat(answer).isEqualTo("{\"orgs\":1,\"completed\":1,\"paused\":0,\"failed\":0}");
    assertThat(mirror.size(FIRST, ObjectType.CUSTOMER)).isZero();
    assertThat(mirror.size(SECOND, ObjectType.CUSTOMER)).isEqualTo(230);
  }

  @Test
  void withTooLittleTimeLeftTheOrgsArePausedBeforeAnyRequest() throws IOException {
    String answer = invoke(handler(), SCHEDULED_EVENT, 12_000);

    assertThat(answer).isEqualTo("{\"orgs\":2,\"completed\":0,\"paused\":2,\"failed\":0}");
    assertThat(mirror.size(FIRST, ObjectType.PRODUCT)).isZero();
  }
}
