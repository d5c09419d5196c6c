package com.agentbilly.local;

import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.config.Settings;
import com.agentbilly.domain.Backoff;
import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ListPage;
import com.agentbilly.domain.mirror.ListQuery;
import com.agentbilly.domain.mirror.MirrorDocument;
import com.agentbilly.domain.mirror.MirrorItem;
import com.agentbilly.domain.mirror.ObjectType;
import com.agentbilly.domain.mirror.WriteOutcome;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.sync.OrgSync;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * One org's sync in a process of its own, for a test that kills it mid-page: {@code SyncProcess
 * <org_id> <requests per second>}, configured by the local stack's environment. Prints {@value
 * #WRITTEN} and the object id after every mirror write (flushed), so the test knows where it is.
 */
public final class SyncProcess {

  /** The line prefix of a mirror write done. */
  public static final String WRITTEN = "mirror-write ";

  private SyncProcess() {}

  public static void main(String[] args) {
    OrgId org = new OrgId(args[0]);
    double rate = Double.parseDouble(args[1]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Settings settings = Settings.fromEnvironment();
    try (DynamoDbClient dynamo =
            DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        KmsClient kms = KmsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        SecretsManagerClient secrets =
            SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
      MirrorStore mirror =
          announcing(
              new DynamoDbMirrorStore(
                  dynamo, settings.tableName(), new byte[32], Clock.systemUTC()),
              out);
      OrgSync.Outcome outcome =
          SyncEngine.orgSync(dynamo, kms, secrets, mirror, rate, Backoff.standard())
              .run(org, () -> Duration.ofMinutes(5));
      out.println("outcome " + outcome);
    }
  }

  private static MirrorStore announcing(MirrorStore mirror, PrintStream out) {
    return new MirrorStore() {
      @Override
      public WriteOutcome write(OrgId org, MirrorDocument document) {
        WriteOutcome outcome = mirror.write(org, document);
        out.println(WRITTEN + document.id());
        return outcome;
      }

      @Override
      public Optional<MirrorItem> get(OrgId org, ObjectType type, String id) {
        return mirror.get(org, type, id);
      }

      @Override
      public ListPage list(OrgId org, ListQuery query) {
        return mirror.list(org, query);
      }
    };
  }
}
