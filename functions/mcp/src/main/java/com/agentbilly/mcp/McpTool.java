package com.agentbilly.mcp;

import com.agentbilly.domain.Route;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One tool: a route of the API under another name. Its arguments go where the route takes them:
 * into the path (the org, an object id), the query (list filters), the JSON body (an action's
 * fields) or the {@code Idempotency-Key} header.
 *
 * @param path argument name → path parameter name
 * @param query argument names passed as query parameters of the same name
 * @param body argument names passed as fields of the JSON body of the same name (a write route
 *     always gets a body, {@code {}} when none is given)
 * @param idempotencyKey the argument passed as the {@code Idempotency-Key} header, or null
 */
record McpTool(
    String name,
    String title,
    String description,
    InputSchema input,
    Hints hints,
    Route route,
    Map<String, String> path,
    java.util.Set<String> query,
    java.util.Set<String> body,
    String idempotencyKey) {

  /** The annotations MCP clients show or act on (they are hints, never a security boundary). */
  record Hints(boolean readOnly, boolean destructive, boolean idempotent) {

    static final Hints READ = new Hints(true, false, true);
  }

  /** The tool's entry in {@code tools/list}. */
  Map<String, Object> toJson() {
    Map<String, Object> annotations = new LinkedHashMap<>();
    annotations.put("title", title);
    annotations.put("readOnlyHint", hints.readOnly());
    annotations.put("destructiveHint", hints.destructive());
    annotations.put("idempotentHint", hints.idempotent());
    annotations.put("openWorldHint", false);
    Map<String, Object> tool = new LinkedHashMap<>();
    tool.put("name", name);
    tool.put("title", title);
    tool.put("description", description);
    tool.put("inputSchema", input.toJson());
    tool.put("annotations", annotations);
    return tool;
  }
}
