package com.agentbilly.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tools the protocol layer offers: their descriptions, their inputs, and calling one. */
interface ToolBox {

  /** The {@code tools} of {@code tools/list}. */
  List<Map<String, Object>> list();

  /** The input schema of the tool {@code name}; empty when there is no such tool. */
  Optional<InputSchema> inputOf(String name);

  /**
   * Calls a tool whose arguments fit its {@link #inputOf input schema}.
   *
   * @param claims the Cognito claims the API Gateway authorizer vouched for
   * @return the {@code tools/call} result ({@code content}, {@code isError}, …)
   */
  Map<String, Object> call(
      String name, JsonNode arguments, Map<String, String> claims, String requestId);
}
