package com.agentbilly.http;

/** One route's work, called only after the caller passed the permission matrix. */
@FunctionalInterface
public interface RouteHandler {
  ApiResponse handle(ApiRequest request);
}
