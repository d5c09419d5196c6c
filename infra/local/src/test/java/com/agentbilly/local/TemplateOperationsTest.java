package com.agentbilly.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.agentbilly.logging.OutcomeLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operations part of {@code template.yaml}: where the logs go and for how long, and that every
 * alarm of issue #12 exists, watches the right metric and notifies the optional topic. Moto runs no
 * CloudWatch, so this is where a dropped alarm or an unbounded log group is caught.
 */
class TemplateOperationsTest {

  private static final String LOG_GROUP = "AWS::Logs::LogGroup";
  private static final String ALARM = "AWS::CloudWatch::Alarm";
  private static final Map<String, Object> NOTIFY_IF_EMAIL =
      Map.of(
          "Fn::If",
          List.of(
              "HasAlarmEmail",
              List.of(Map.of("Ref", "AlarmTopic")),
              Map.of("Ref", "AWS::NoValue")));

  private static SamTemplate template;

  @BeforeAll
  static void readRepositoryTemplate() throws IOException {
    template = SamTemplate.fromRepository();
  }

  // ------------------------------------------------------------------------------ logs

  @Test
  void everyFunctionLogsJsonToItsOwnLogGroupUnderLambdasNameWithRetention() {
    assertThat(template.functions()).hasSize(5);
    for (SamTemplate.Function f : template.functions()) {
      Map<String, Object> props = template.properties(f.logicalId());
      String functionName = subText(props.get("FunctionName"), f.logicalId() + " FunctionName");
      assertThat(functionName)
          .as("%s FunctionName", f.logicalId())
          .startsWith("agent-billy-${Stage}-");
      Map<String, Object> logging = map(props.get("LoggingConfig"));
      assertThat(logging.get("LogFormat")).as("%s LogFormat", f.logicalId()).isEqualTo("JSON");
      String group = ref(logging.get("LogGroup"), f.logicalId() + " LoggingConfig.LogGroup");
      assertThat(type(group)).as("%s's log group %s", f.logicalId(), group).isEqualTo(LOG_GROUP);
      Map<String, Object> groupProps = template.properties(group);
      assertThat(subText(groupProps.get("LogGroupName"), group))
          .as("%s LogGroupName", group)
          .isEqualTo("/aws/lambda/" + functionName);
      assertRetention(group);
    }
  }

  @Test
  void everyLogGroupHasTheRetentionParameterAndGoesWithTheStack() {
    List<String> groups = template.logicalIdsOfType(LOG_GROUP);

    assertThat(groups).hasSize(7);
    for (String group : groups) {
      assertRetention(group);
      Map<String, Object> resource = map(template.resources().get(group));
      assertThat(resource.get("DeletionPolicy")).as("%s DeletionPolicy", group).isEqualTo("Delete");
    }
    assertThat(template.parameterDefault("LogRetentionDays")).contains(30);
    assertThat(subText(template.properties("ApiExecutionLogGroup").get("LogGroupName"), "name"))
        .as("the group API Gateway writes the stage's execution log to")
        .isEqualTo("API-Gateway-Execution-Logs_${Api}/${Stage}");
  }

  @Test
  void theApiStageWritesAJsonAccessLogOfTheRequestIdAndNoBodyToItsLogGroup() throws IOException {
    Map<String, Object> api =
        template.properties(template.onlyLogicalIdOfType("AWS::Serverless::Api"));
    Map<String, Object> access = map(api.get("AccessLogSetting"));

    assertThat(subText(access.get("DestinationArn"), "AccessLogSetting.DestinationArn"))
        .endsWith(":log-group:${ApiAccessLogGroup}");
    assertThat(type("ApiAccessLogGroup")).isEqualTo(LOG_GROUP);
    String format = (String) access.get("Format");
    JsonNode fields = new ObjectMapper().readTree(format);
    assertThat(fields.get("request_id").asText()).isEqualTo("$context.requestId");
    assertThat(fields.get("route").asText()).isEqualTo("$context.resourcePath");
    assertThat(format).doesNotContain("$input").doesNotContain("body").doesNotContain("header");
  }

  // ------------------------------------------------------------------------------ alarms

  @Test
  void everyFunctionHasAnErrorsAndAThrottlesAlarm() {
    for (SamTemplate.Function f : template.functions()) {
      for (String metric : List.of("Errors", "Throttles")) {
        assertThat(
                alarmsOn(
                    "AWS/Lambda", metric, Map.of("FunctionName", Map.of("Ref", f.logicalId()))))
            .as("alarm on AWS/Lambda %s of %s", metric, f.logicalId())
            .hasSize(1);
      }
    }
  }

  @Test
  void webhook5xxAndSyncFailuresAreAlarmedOnTheFunctionsOwnMetrics() {
    assertThat(
            alarmsOn(
                OutcomeLog.NAMESPACE,
                "ServerErrors",
                Map.of("Function", Map.of("Ref", "WebhookFunction"))))
        .as("alarm on the webhook function's ServerErrors")
        .hasSize(1);
    assertThat(
            alarmsOn(
                OutcomeLog.NAMESPACE,
                "OrgSyncs",
                Map.of("Function", Map.of("Ref", "SyncFunction"), "Outcome", "failed")))
        .as("alarm on the sync function's failed OrgSyncs")
        .hasSize(1);
  }

  @Test
  void dynamoDbThrottlesAreAlarmedForEveryOperationTheFunctionsMayCall() {
    Set<String> granted = new TreeSet<>();
    for (SamTemplate.Function f : template.functions()) {
      for (Object policy : list(template.properties(f.logicalId()).get("Policies"))) {
        for (Object statement : list(map(policy).get("Statement"))) {
          Object actions = map(statement).get("Action");
          for (Object action : actions instanceof List<?> l ? l : List.of(actions)) {
            String name = String.valueOf(action);
            if (name.startsWith("dynamodb:") && !name.equals("dynamodb:ConditionCheckItem")) {
              granted.add(name.substring("dynamodb:".length()));
            }
          }
        }
      }
    }
    Set<String> watched = new TreeSet<>();
    for (Map<String, Object> stat : metricStats()) {
      Map<String, Object> metric = map(stat.get("Metric"));
      if ("AWS/DynamoDB".equals(metric.get("Namespace"))
          && "ThrottledRequests".equals(metric.get("MetricName"))) {
        Map<String, Object> dimensions = dimensions(metric.get("Dimensions"));
        assertThat(dimensions).containsEntry("TableName", Map.of("Ref", "Table"));
        watched.add(String.valueOf(dimensions.get("Operation")));
      }
    }

    assertThat(granted).contains("Query", "TransactWriteItems");
    assertThat(watched).as("operations whose ThrottledRequests are alarmed").isEqualTo(granted);
  }

  @Test
  void everyAlarmTreatsMissingDataAsFineAndNotifiesTheTopicOnlyWhenAnEmailIsGiven() {
    List<String> alarms = template.logicalIdsOfType(ALARM);

    assertThat(alarms).hasSizeGreaterThanOrEqualTo(11);
    for (String alarm : alarms) {
      Map<String, Object> props = template.properties(alarm);
      assertThat(props.get("TreatMissingData"))
          .as("%s TreatMissingData", alarm)
          .isEqualTo("notBreaching");
      assertThat(props.get("AlarmActions")).as("%s AlarmActions", alarm).isEqualTo(NOTIFY_IF_EMAIL);
      assertThat(props.get("OKActions")).as("%s OKActions", alarm).isEqualTo(NOTIFY_IF_EMAIL);
      assertThat(subText(props.get("AlarmName"), alarm)).startsWith("agent-billy-${Stage}-");
    }
    assertThat(map(template.resources().get("AlarmTopic")).get("Condition"))
        .isEqualTo("HasAlarmEmail");
    assertThat(template.parameterDefault("AlarmEmail")).contains("");
  }

  // ------------------------------------------------------------------------------ retention

  /**
   * Issue #15 item 4: the table is kept when the stack goes; its memberships name pool users and
   * its audit chain verifies only with the audit key, so the pool and every stack secret are kept
   * too, and the pool refuses a deletion by hand.
   */
  @Test
  void theStackSecretsAndTheUserPoolOutliveTheStackLikeTheTable() {
    List<String> kept = new ArrayList<>(template.logicalIdsOfType("AWS::SecretsManager::Secret"));
    assertThat(kept).as("stack secrets").hasSize(3);
    kept.add(template.onlyLogicalIdOfType("AWS::Cognito::UserPool"));
    kept.add(template.onlyLogicalIdOfType("AWS::DynamoDB::Table"));
    for (String id : kept) {
      Map<String, Object> resource = map(template.resources().get(id));
      assertThat(resource.get("DeletionPolicy")).as("%s DeletionPolicy", id).isEqualTo("Retain");
      assertThat(resource.get("UpdateReplacePolicy"))
          .as("%s UpdateReplacePolicy", id)
          .isEqualTo("Retain");
    }
    assertThat(template.properties(template.onlyLogicalIdOfType("AWS::Cognito::UserPool")))
        .as("UserPool")
        .containsEntry("DeletionProtection", "ACTIVE");
  }

  /** Issue #15 item 4: a failed asynchronous sync run lands in a queue of this stack. */
  @Test
  void theAsynchronouslyInvokedSyncFunctionHasAFailureQueue() {
    Map<String, Object> config = map(template.properties("SyncFunction").get("EventInvokeConfig"));
    Map<String, Object> onFailure = map(map(config.get("DestinationConfig")).get("OnFailure"));
    assertThat(onFailure.get("Type")).as("SyncFunction OnFailure Type").isEqualTo("SQS");
    Object destination = map(onFailure.get("Destination")).get("Fn::GetAtt");
    String queue =
        destination instanceof List<?> parts
            ? String.valueOf(parts.get(0))
            : String.valueOf(destination).split("\\.")[0];
    assertThat(type(queue))
        .as("SyncFunction OnFailure destination %s", queue)
        .isEqualTo("AWS::SQS::Queue");
    assertThat(template.properties(queue))
        .as("%s (encrypted at rest)", queue)
        .containsEntry("SqsManagedSseEnabled", true);
  }

  // ------------------------------------------------------------------------------ helpers

  private static void assertRetention(String group) {
    assertThat(template.properties(group).get("RetentionInDays"))
        .as("%s RetentionInDays", group)
        .isEqualTo(Map.of("Ref", "LogRetentionDays"));
  }

  /** Alarms on one metric (single-metric or inside metric math) with exactly these dimensions. */
  private static List<String> alarmsOn(
      String namespace, String metricName, Map<String, Object> dims) {
    List<String> found = new ArrayList<>();
    for (String alarm : template.logicalIdsOfType(ALARM)) {
      Map<String, Object> props = template.properties(alarm);
      List<Map<String, Object>> metrics = new ArrayList<>();
      if (props.containsKey("MetricName")) {
        metrics.add(props);
      }
      for (Object query : list(props.get("Metrics"))) {
        Object stat = map(query).get("MetricStat");
        if (stat != null) {
          metrics.add(map(map(stat).get("Metric")));
        }
      }
      for (Map<String, Object> metric : metrics) {
        if (namespace.equals(metric.get("Namespace"))
            && metricName.equals(metric.get("MetricName"))
            && dims.equals(dimensions(metric.get("Dimensions")))) {
          found.add(alarm);
        }
      }
    }
    return found;
  }

  private static List<Map<String, Object>> metricStats() {
    List<Map<String, Object>> stats = new ArrayList<>();
    for (String alarm : template.logicalIdsOfType(ALARM)) {
      for (Object query : list(template.properties(alarm).get("Metrics"))) {
        Object stat = map(query).get("MetricStat");
        if (stat != null) {
          stats.add(map(stat));
        }
      }
    }
    return stats;
  }

  private static Map<String, Object> dimensions(Object list) {
    Map<String, Object> dims = new java.util.LinkedHashMap<>();
    for (Object d : list(list)) {
      dims.put(String.valueOf(map(d).get("Name")), map(d).get("Value"));
    }
    return dims;
  }

  private static String type(String logicalId) {
    Object resource = template.resources().get(logicalId);
    return resource == null ? null : String.valueOf(map(resource).get("Type"));
  }

  private static String ref(Object value, String what) {
    assertThat(value).as(what).isInstanceOf(Map.class);
    Object ref = map(value).get("Ref");
    assertThat(ref).as(what + " (a !Ref)").isInstanceOf(String.class);
    return (String) ref;
  }

  private static String subText(Object value, String what) {
    assertThat(value).as(what).isInstanceOf(Map.class);
    Object text = map(value).get("Fn::Sub");
    assertThat(text).as(what + " (a !Sub of a string)").isInstanceOf(String.class);
    return (String) text;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<?> list(Object value) {
    return value instanceof List<?> l ? l : List.of();
  }
}
