package com.agentbilly.sync;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point of the sync: the schedule's event, or {@code {"org_id"}} from an asynchronous
 * invoke. No org has a sync key before key onboarding (issue #3), and the sync engine itself
 * arrives with issue #5; until then a run finds nothing to do and says so.
 */
public final class SyncHandler implements RequestStreamHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SyncHandler.class);

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    input.readAllBytes();
    LOG.atInfo().addKeyValue("orgs", 0).log("sync run: no org has a sync key");
    output.write("{\"orgs\":0}".getBytes(StandardCharsets.UTF_8));
  }
}
