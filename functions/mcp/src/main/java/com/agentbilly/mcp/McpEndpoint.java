package com.agentbilly.mcp;

/**
 * What the MCP function is built from: its tools and the OAuth authorization server (the Cognito
 * user pool's issuer, {@code https://cognito-idp.<region>.amazonaws.com/<pool>}) its metadata
 * names.
 */
public record McpEndpoint(McpTools tools, String authorizationServer) {}
