package com.agentbilly.sync;

import com.agentbilly.config.FunctionContext;
import com.agentbilly.domain.OrgId;
import com.agentbilly.http.Json;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Lambda entry point of the sync: the schedule's EventBridge event syncs every org with a sync key;
 * {@code {"org_id": "..."}} (an asynchronous invoke) syncs that org. Answers a summary such as
 * {@code {"orgs":3,"completed":2,"paused":0,"failed":1}}.
 */
public final class SyncHandler implements RequestStreamHandler {

  /** Kept free at the end of the invocation for the last checkpoint and the answer. */
  public static final Duration FINAL_RESERVE = Duration.ofSeconds(5);

  private final SyncRun run;

  /** Used by Lambda: builds the real wiring once per container. */
  public SyncHandler() {
    this(FunctionContext.bean("sync", SyncBeans.Runner.class).run());
  }

  public SyncHandler(SyncRun run) {
    this.run = run;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode event = Json.MAPPER.readTree(input);
    Supplier<Duration> remaining =
        () -> Duration.ofMillis(context.getRemainingTimeInMillis()).minus(FINAL_RESERVE);
    JsonNode orgId = event == null ? null : event.get("org_id");
    SyncRun.Summary summary =
        orgId != null && orgId.isTextual()
            ? new SyncRun.Summary(0, 0, 0, 0).plus(run.oneOrg(new OrgId(orgId.asText()), remaining))
            : run.allOrgs(remaining);
    ObjectNode answer = Json.MAPPER.createObjectNode();
    answer.put("orgs", summary.orgs());
    answer.put("completed", summary.completed());
    answer.put("paused", summary.paused());
    answer.put("failed", summary.failed());
    output.write(Json.write(answer).getBytes(StandardCharsets.UTF_8));
  }
}
