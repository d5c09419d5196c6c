package com.agentbilly.local.bench;

import com.agentbilly.config.SnapStartRestore;
import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * One cold start, in a fresh JVM started by {@link ColdStartBenchmark} on a function's {@code sam
 * build} classpath (its classes and {@code lib/*.jar}; this class is the only addition): loads the
 * handler class and calls its no-argument constructor, as the Lambda Java runtime does in the init
 * phase, then hands it one event and prints one {@code BENCH} line with (a) the milliseconds from
 * the parent's launch of this JVM to the constructed handler and (b) those of the first invocation
 * (event deserialisation, the handler, the answer's serialisation, as the runtime does them).
 *
 * <p>Arguments: handler class, event file, and the launch instant in epoch milliseconds. The
 * runtime serialises events with its own Jackson copy; this uses the artifact's Jackson, which is
 * near enough for the order of magnitude measured here.
 */
public final class ColdStartChild {

  private ColdStartChild() {}

  /** See the class comment. */
  public static void main(String[] args) throws Exception {
    long launched = Long.parseLong(args[2]);
    byte[] event = Files.readAllBytes(Path.of(args[1]));
    Object handler = Class.forName(args[0]).getDeclaredConstructor().newInstance();
    long ready = System.currentTimeMillis();
    // With -Dbench.snapshot=true the function's SnapStart hooks run here as around a snapshot
    // (priming, then what a restore refreshes); on Lambda that happens when a version is published.
    double snapshot = -1;
    if (Boolean.getBoolean("bench.snapshot")) {
      long hooks = System.nanoTime();
      SnapStartRestore.simulateSnapshotAndRestore();
      snapshot = (System.nanoTime() - hooks) / 1e6;
    }

    long invoke = System.nanoTime();
    String answer;
    if (handler instanceof RequestStreamHandler stream) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      stream.handleRequest(new ByteArrayInputStream(event), out, new BenchContext());
      answer = out.toString(StandardCharsets.UTF_8);
    } else {
      ObjectMapper mapper =
          new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
      Method method = handleRequest(handler.getClass());
      Object input = mapper.readValue(event, method.getParameterTypes()[0]);
      @SuppressWarnings("unchecked")
      RequestHandler<Object, Object> typed = (RequestHandler<Object, Object>) handler;
      answer = mapper.writeValueAsString(typed.handleRequest(input, new BenchContext()));
    }
    long invoked = System.nanoTime() - invoke;

    // The handler's own logs go to stdout as on Lambda; the result line is told apart by its
    // prefix.
    PrintStream out = System.out;
    out.printf(
        Locale.ROOT,
        "BENCH ready_ms=%d first_ms=%.1f snapshot_ms=%.0f status=%s%n",
        ready - launched,
        invoked / 1e6,
        snapshot,
        status(answer, System.getProperty("bench.answer.names")));
    out.flush();
    System.exit(0);
  }

  private static Method handleRequest(Class<?> type) {
    for (Method m : type.getMethods()) {
      if (m.getName().equals("handleRequest")
          && m.getParameterCount() == 2
          && !m.isBridge()
          && !Modifier.isStatic(m.getModifiers())) {
        return m;
      }
    }
    throw new IllegalArgumentException(type + " has no handleRequest(event, context)");
  }

  /**
   * The answer's {@code statusCode}, or its first 60 characters when it has none; prefixed {@code
   * unnamed:} when {@code names} is given and the answer does not contain it (a JSON-RPC error is a
   * 200 too).
   */
  private static String status(String answer, String names) {
    String status = status(answer);
    return names == null || answer.contains(names) ? status : "unnamed:" + status;
  }

  private static String status(String answer) {
    int at = answer.indexOf("\"statusCode\":");
    if (at >= 0) {
      int start = at + "\"statusCode\":".length();
      int end = start;
      while (end < answer.length() && Character.isDigit(answer.charAt(end))) {
        end++;
      }
      return answer.substring(start, end);
    }
    String flat = answer.replaceAll("\\s+", "");
    return flat.substring(0, Math.min(60, flat.length()));
  }

  /** The little of Lambda's context the functions read. */
  private static final class BenchContext implements Context {
    private final String requestId = UUID.randomUUID().toString();
    private final long deadline = System.currentTimeMillis() + 60_000;

    @Override
    public String getAwsRequestId() {
      return requestId;
    }

    @Override
    public String getLogGroupName() {
      return "/aws/lambda/coldstart-bench";
    }

    @Override
    public String getLogStreamName() {
      return "coldstart-bench";
    }

    @Override
    public String getFunctionName() {
      return "coldstart-bench";
    }

    @Override
    public String getFunctionVersion() {
      return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
      return "arn:aws:lambda:us-east-1:123456789012:function:coldstart-bench";
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
      return (int) Math.max(0, deadline - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
      return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
      return new LambdaLogger() {
        @Override
        public void log(String message) {
          System.out.print(message);
        }

        @Override
        public void log(byte[] message) {
          System.out.write(message, 0, message.length);
        }
      };
    }
  }
}
