package com.agentbilly.local;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The Lambda {@link Context} of one local invocation: its request id, the function's name, and the
 * time left before the function's timeout (from {@code template.yaml}) runs out.
 */
public final class LocalLambdaContext implements Context {

  static final String ACCOUNT_ID = "123456789012";

  private final String awsRequestId;
  private final String functionName;
  private final String region;
  private final int memoryLimitMb;
  private final Instant deadline;
  private final Clock clock;
  private final LambdaLogger logger;

  public LocalLambdaContext(
      String awsRequestId,
      String functionName,
      String region,
      Duration timeout,
      int memoryLimitMb,
      Clock clock) {
    this.awsRequestId = awsRequestId;
    this.functionName = functionName;
    this.region = region;
    this.memoryLimitMb = memoryLimitMb;
    this.clock = clock;
    this.deadline = clock.instant().plus(timeout);
    this.logger = new StderrLogger(System.err);
  }

  /** The context of an invocation of {@code function} starting now. */
  public static LocalLambdaContext startingNow(
      String awsRequestId, SamTemplate.Function function, String region, Clock clock) {
    return new LocalLambdaContext(
        awsRequestId,
        function.logicalId(),
        region,
        function.timeout(),
        function.memorySizeMb(),
        clock);
  }

  @Override
  public String getAwsRequestId() {
    return awsRequestId;
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + functionName;
  }

  @Override
  public String getLogStreamName() {
    return "local/[$LATEST]" + awsRequestId;
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:" + region + ":" + ACCOUNT_ID + ":function:" + functionName;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    long left = Duration.between(clock.instant(), deadline).toMillis();
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, left));
  }

  @Override
  public int getMemoryLimitInMB() {
    return memoryLimitMb;
  }

  @Override
  public LambdaLogger getLogger() {
    return logger;
  }

  private record StderrLogger(PrintStream out) implements LambdaLogger {
    @Override
    public void log(String message) {
      out.println(message);
    }

    @Override
    public void log(byte[] message) {
      out.println(new String(message, StandardCharsets.UTF_8));
    }
  }
}
