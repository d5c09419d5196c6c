package com.agentbilly.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One function of the template, run in-process like Lambda runs it: a handler instance serves one
 * invocation at a time and is kept warm for the next; concurrent invocations get more instances
 * (Lambda's scale-out), each created once with the handler's public no-argument constructor.
 */
final class LocalFunction {

  private final SamTemplate.Function definition;
  private final HandlerFactory factory;
  private final ObjectMapper json;
  private final Deque<Object> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger invocations = new AtomicInteger();
  private final AtomicInteger instances = new AtomicInteger();

  LocalFunction(SamTemplate.Function definition, HandlerFactory factory, ObjectMapper json) {
    this.definition = definition;
    this.factory = factory;
    this.json = json;
  }

  SamTemplate.Function definition() {
    return definition;
  }

  int invocations() {
    return invocations.get();
  }

  int instances() {
    return instances.get();
  }

  /**
   * Invokes with an event object: a {@code RequestHandler} gets it as Lambda passes it after
   * deserializing; a {@code RequestStreamHandler} gets it as the JSON Lambda would hand it, and its
   * answer is read back into {@code outputType}.
   */
  <I, O> O handle(I event, Class<O> outputType, Context context)
      throws FunctionInvocationException {
    invocations.incrementAndGet();
    Object handler = acquire();
    try {
      if (handler instanceof RequestStreamHandler streamHandler) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        streamHandler.handleRequest(
            new ByteArrayInputStream(json.writeValueAsBytes(event)), out, context);
        return out.size() == 0 ? null : json.readValue(out.toByteArray(), outputType);
      }
      if (!(handler instanceof RequestHandler<?, ?>)) {
        throw new FunctionInvocationException(
            definition.handlerClass() + " is neither a RequestHandler nor a RequestStreamHandler",
            new ClassCastException());
      }
      Object output = call(handler, event, context);
      return output == null ? null : outputType.cast(output);
    } catch (FunctionInvocationException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new FunctionInvocationException(e.getClass().getName() + ": " + e.getMessage(), e);
    } finally {
      idle.push(handler);
    }
  }

  /**
   * Invokes with a raw JSON payload: a {@code RequestStreamHandler} reads it as it is; a {@code
   * RequestHandler} gets it deserialized into its input type and its output serialized.
   */
  byte[] handleRaw(byte[] payload, Context context) throws FunctionInvocationException {
    invocations.incrementAndGet();
    Object handler = acquire();
    try {
      if (handler instanceof RequestStreamHandler streamHandler) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        streamHandler.handleRequest(new ByteArrayInputStream(payload), out, context);
        return out.toByteArray();
      }
      if (handler instanceof RequestHandler<?, ?>) {
        JavaType[] types =
            json.getTypeFactory()
                .findTypeParameters(json.constructType(handler.getClass()), RequestHandler.class);
        Object input = json.readValue(payload, types[0]);
        return json.writeValueAsBytes(call(handler, input, context));
      }
      throw new FunctionInvocationException(
          definition.handlerClass() + " is neither a RequestHandler nor a RequestStreamHandler",
          new ClassCastException());
    } catch (FunctionInvocationException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new FunctionInvocationException(e.getClass().getName() + ": " + e.getMessage(), e);
    } finally {
      idle.push(handler);
    }
  }

  @SuppressWarnings("unchecked")
  private static Object call(Object handler, Object input, Context context) {
    return ((RequestHandler<Object, Object>) handler).handleRequest(input, context);
  }

  private Object acquire() throws FunctionInvocationException {
    Object handler = idle.poll();
    if (handler != null) {
      return handler;
    }
    try {
      Object created = factory.create(definition);
      instances.incrementAndGet();
      return created;
    } catch (Exception e) {
      throw new FunctionInvocationException(
          "Could not initialise " + definition.handlerClass() + ": " + e.getMessage(), e);
    }
  }
}
