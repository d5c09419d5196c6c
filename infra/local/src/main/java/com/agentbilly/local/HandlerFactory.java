package com.agentbilly.local;

import java.lang.reflect.InvocationTargetException;

/** Creates a function's handler instance: what Lambda does once per execution environment. */
@FunctionalInterface
public interface HandlerFactory {

  Object create(SamTemplate.Function function) throws Exception;

  /**
   * Lambda's way: load the template's {@code Handler} class and call its public no-argument
   * constructor (which reads its configuration from the environment).
   */
  static HandlerFactory byClassName() {
    return function -> {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      Class<?> type = Class.forName(function.handlerClass(), true, loader);
      try {
        return type.getConstructor().newInstance();
      } catch (InvocationTargetException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    };
  }
}
