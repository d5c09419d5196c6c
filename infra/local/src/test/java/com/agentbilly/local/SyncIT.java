package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.domain.Backoff;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.sync.SyncState;
import com.agentbilly.domain.sync.SyncStatus;
import com.agentbilly.sync.OrgSync;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The sync engine's backfill against localstripe behind the permission layer, with an account large
 * enough for several pages of every large type (350 customers, 250 subscriptions with their
 * invoices and charges): a whole backfill, a run interrupted by its deadline, and a sync process
 * killed mid-page, each compared with what Stripe lists.
 */
@WithLocalStack
class SyncIT extends SyncItSupport {

  private static final int CUSTOMERS = 350;
  private static final int SUBSCRIPTIONS = 250;

  SyncIT(LocalStack stack) {
    super(stack, CUSTOMERS, SUBSCRIPTIONS);
  }

  @Test
  void aBackfillLeavesTheMirrorHoldingExactlyTheObjectsStripeListsPerType() throws Exception {
    OrgId org = newOrgWithSyncKey("Sync IT backfill");
    layer("POST", "/_layer/reset", null);

    OrgSync.Outcome outcome = orgSync(Backoff.standard()).run(org, PLENTY);

    assertThat(outcome).isEqualTo(OrgSync.Outcome.COMPLETED);
    Map<ObjectType, TreeSet<String>> listed = stripeLists();
    assertThat(listed.get(ObjectType.PRODUCT)).hasSize(3);
    assertThat(listed.get(ObjectType.PRICE)).hasSize(6);
    assertThat(listed.get(ObjectType.CUSTOMER)).hasSize(CUSTOMERS);
    assertThat(listed.get(ObjectType.SUBSCRIPTION)).hasSize(SUBSCRIPTIONS);
    // Every subscription was invoiced and paid once when it was created.
    assertThat(listed.get(ObjectType.INVOICE)).hasSize(SUBSCRIPTIONS);
    assertThat(listed.get(ObjectType.CHARGE)).hasSize(SUBSCRIPTIONS);
    assertThat(listed.get(ObjectType.REFUND)).hasSize(3);
    Map<ObjectType, TreeSet<String>> mirrored = mirrorLists(org, false);
    for (ObjectType type : OrgSync.BACKFILL_ORDER) {
      assertThat(mirrored.get(type)).as(type.listName()).isEqualTo(listed.get(type));
    }
    SyncState state = states.load(org);
    assertThat(state.status()).isEqualTo(SyncStatus.IDLE);
    assertThat(state.lastSuccessAt()).isNotNull().isAfterOrEqualTo(state.lastStartedAt());
    assertThat(state.counts()).isEqualTo(sizes(listed));
    JsonNode stats = JSON.readTree(layer("GET", "/_layer/stats", null).body());
    assertThat(stats.get("max_per_second").asInt()).isLessThanOrEqualTo((int) RATE + 1);
  }

  @Test
  void aRunStoppedByItsDeadlineIsCompletedByTheNextRunWithTheSameResult() throws Exception {
    OrgId org = newOrgWithSyncKey("Sync IT deadline");
    AtomicInteger asked = new AtomicInteger();
    Supplier<Duration> threePages =
        () -> asked.incrementAndGet() <= 3 ? Duration.ofMinutes(1) : Duration.ZERO;

    OrgSync.Outcome first = orgSync(Backoff.standard()).run(org, threePages);

    assertThat(first).isEqualTo(OrgSync.Outcome.PAUSED);
    SyncState paused = states.load(org);
    assertThat(paused.status()).isEqualTo(SyncStatus.QUEUED);
    assertThat(paused.currentType()).isEqualTo(ObjectType.CUSTOMER);
    assertThat(paused.lastId()).isNotNull();
    assertThat(mirrorLists(org, true).get(ObjectType.CUSTOMER)).hasSize(100);

    OrgSync.Outcome second = orgSync(Backoff.standard()).run(org, PLENTY);

    assertThat(second).isEqualTo(OrgSync.Outcome.COMPLETED);
    assertThat(mirrorLists(org, true)).isEqualTo(stripeLists());
    assertThat(states.load(org).counts().get(ObjectType.CUSTOMER)).isEqualTo(CUSTOMERS);
  }

  @Test
  void aSyncProcessKilledMidPageIsCompletedByTheNextRunWithTheSameResult() throws Exception {
    OrgId org = newOrgWithSyncKey("Sync IT killed");
    // 3 products and 6 prices, then the first page of 100 customers: kill inside the second.
    int killAfterWrites = 3 + 6 + 100 + 40;
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SyncProcess.class.getName(),
                org.value(),
                String.valueOf(RATE))
            .redirectErrorStream(true)
            .start();
    int written = 0;
    List<String> output = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (written < killAfterWrites && (line = lines.readLine()) != null) {
        if (line.startsWith(SyncProcess.WRITTEN)) {
          written++;
        } else {
          output.add(line);
        }
      }
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(written).as(String.join("\n", output)).isEqualTo(killAfterWrites);

    SyncState killed = states.load(org);
    assertThat(killed.status()).isEqualTo(SyncStatus.RUNNING);
    assertThat(killed.currentType()).isEqualTo(ObjectType.CUSTOMER);
    assertThat(killed.counts().get(ObjectType.CUSTOMER)).isEqualTo(100);
    int customersWritten = mirrorLists(org, true).get(ObjectType.CUSTOMER).size();
    assertThat(customersWritten).as("killed mid-page").isGreaterThan(100).isLessThan(200);

    OrgSync.Outcome next = orgSync(Backoff.standard()).run(org, PLENTY);

    assertThat(next).isEqualTo(OrgSync.Outcome.COMPLETED);
    Map<ObjectType, TreeSet<String>> listed = stripeLists();
    assertThat(mirrorLists(org, true)).isEqualTo(listed);
    SyncState state = states.load(org);
    assertThat(state.status()).isEqualTo(SyncStatus.IDLE);
    assertThat(state.counts()).isEqualTo(sizes(listed));
  }
}
