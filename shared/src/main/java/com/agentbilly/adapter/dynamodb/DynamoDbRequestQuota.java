package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.n;
import static com.agentbilly.adapter.dynamodb.Items.s;

import com.agentbilly.port.RequestQuota;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * A fixed-window request counter per user in the table: one conditional {@code UpdateItem} per
 * request on {@code USER#<sub>#QUOTA} / {@code <window start>}, which adds one only while the
 * window's count is under the limit — so the quota holds across every warm container at once.
 * Counters expire by TTL a minute after their window.
 *
 * <p>When the counter cannot be written (DynamoDB throttling or unreachable) the request is let
 * through and a warning logged: the stage's own throttle still stands, and a quota must not become
 * a second way for a DynamoDB hiccup to fail every request.
 */
public final class DynamoDbRequestQuota implements RequestQuota {

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbRequestQuota.class);
  private static final Duration KEEP = Duration.ofMinutes(1);

  private final DynamoDbClient dynamo;
  private final String table;
  private final Clock clock;
  private final long limit;
  private final long windowSeconds;

  /**
   * @param limit requests one user may make per window
   * @param window the window's length, whole seconds
   */
  public DynamoDbRequestQuota(
      DynamoDbClient dynamo, String table, Clock clock, long limit, Duration window) {
    this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
    this.table = Objects.requireNonNull(table, "table");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (limit < 1 || window.toSeconds() < 1) {
      throw new IllegalArgumentException("a quota needs a positive limit and window");
    }
    this.limit = limit;
    this.windowSeconds = window.toSeconds();
  }

  @Override
  public OptionalLong take(String userId) {
    long now = clock.instant().getEpochSecond();
    long windowStart = now - Math.floorMod(now, windowSeconds);
    try {
      dynamo.updateItem(
          update ->
              update
                  .tableName(table)
                  .key(
                      Map.of(
                          TableKeys.PK,
                          s(TableKeys.userQuotaPk(userId)),
                          TableKeys.SK,
                          s(Long.toString(windowStart))))
                  .updateExpression("ADD #n :one SET expires_at = :expires")
                  .conditionExpression("attribute_not_exists(#n) OR #n < :limit")
                  .expressionAttributeNames(Map.of("#n", "requests"))
                  .expressionAttributeValues(
                      Map.of(
                          ":one", n(1),
                          ":limit", n(limit),
                          ":expires", n(windowStart + windowSeconds + KEEP.toSeconds()))));
      return OptionalLong.empty();
    } catch (ConditionalCheckFailedException full) {
      return OptionalLong.of(Math.max(1, windowStart + windowSeconds - now));
    } catch (SdkException e) {
      LOG.atWarn()
          .addKeyValue("error", e.getClass().getSimpleName())
          .log("request quota not counted; the request goes ahead");
      return OptionalLong.empty();
    }
  }
}
