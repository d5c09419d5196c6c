package com.agentbilly.config;

import com.agentbilly.adapter.dynamodb.DynamoDbAuditLog;
import com.agentbilly.adapter.dynamodb.DynamoDbEventLedger;
import com.agentbilly.adapter.dynamodb.DynamoDbKeyMetadataStore;
import com.agentbilly.adapter.dynamodb.DynamoDbMirrorStore;
import com.agentbilly.adapter.dynamodb.DynamoDbOrgStore;
import com.agentbilly.adapter.dynamodb.DynamoDbRequestQuota;
import com.agentbilly.adapter.dynamodb.DynamoDbSyncStateStore;
import com.agentbilly.http.RequestAuditor;
import com.agentbilly.port.AuditLog;
import com.agentbilly.port.EventLedger;
import com.agentbilly.port.KeyMetadataStore;
import com.agentbilly.port.MirrorStore;
import com.agentbilly.port.OrgStore;
import com.agentbilly.port.RequestQuota;
import com.agentbilly.port.SyncStateStore;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The beans every function shares: configuration, time, randomness, the table. */
@Factory
public class CoreBeans {

  @Singleton
  Settings settings() {
    return Settings.fromEnvironment();
  }

  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Singleton
  SecureRandom secureRandom() {
    return new SecureRandom();
  }

  @Singleton
  DynamoDbClient dynamoDb() {
    return AwsClients.dynamoDb();
  }

  /** The KMS and Secrets Manager clients are not beans: they are built on first use. */
  @Singleton
  StackSecrets stackSecrets(Settings settings) {
    return new StackSecrets(AwsClients::secretsManager, settings);
  }

  /** Held by the context so the CRaC registration lives as long as the container. */
  @Singleton
  SnapStartRestore snapStartRestore(
      StackSecrets secrets, DynamoDbClient dynamo, Settings settings) {
    return SnapStartRestore.primingAndReloading(
        () -> Priming.warm(dynamo, settings.tableName()), secrets);
  }

  @Singleton
  RequestQuota requestQuota(DynamoDbClient dynamo, Settings settings, Clock clock) {
    long quota = settings.userRequestQuota();
    return quota == 0
        ? RequestQuota.UNLIMITED
        : new DynamoDbRequestQuota(
            dynamo, settings.tableName(), clock, quota, Settings.USER_QUOTA_WINDOW);
  }

  @Singleton
  OrgStore orgStore(DynamoDbClient dynamo, Settings settings) {
    return new DynamoDbOrgStore(dynamo, settings.tableName());
  }

  @Singleton
  SyncStateStore syncStateStore(DynamoDbClient dynamo, Settings settings) {
    return new DynamoDbSyncStateStore(dynamo, settings.tableName());
  }

  @Singleton
  KeyMetadataStore keyMetadataStore(DynamoDbClient dynamo, Settings settings) {
    return new DynamoDbKeyMetadataStore(dynamo, settings.tableName());
  }

  @Singleton
  AuditLog auditLog(DynamoDbClient dynamo, Settings settings, StackSecrets secrets, Clock clock) {
    return new DynamoDbAuditLog(dynamo, settings.tableName(), secrets::auditKey, clock);
  }

  /**
   * The mirror; the cursor key is read on the first list, so the webhook function never reads it.
   */
  @Singleton
  MirrorStore mirrorStore(
      DynamoDbClient dynamo, Settings settings, StackSecrets secrets, Clock clock) {
    return new DynamoDbMirrorStore(dynamo, settings.tableName(), secrets::cursorKey, clock);
  }

  @Singleton
  EventLedger eventLedger(DynamoDbClient dynamo, Settings settings) {
    return new DynamoDbEventLedger(dynamo, settings.tableName());
  }

  @Singleton
  RequestAuditor requestAuditor(AuditLog log) {
    return new RequestAuditor(log);
  }
}
