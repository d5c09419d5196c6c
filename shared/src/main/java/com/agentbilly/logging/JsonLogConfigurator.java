package com.agentbilly.logging;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;

/**
 * The functions' logging, configured in code: one {@link JsonLineEncoder} line per event on stdout,
 * {@code INFO} and above, Micronaut and the AWS SDK from {@code WARN}.
 *
 * <p>Logback finds it through {@code META-INF/services} before its own configurators, so a cold
 * start does not pay for parsing a {@code logback.xml} (Joran's model, its actions and their
 * reflection: about a quarter of a second with Lambda's C1-only JIT). It steps aside for a
 * configuration file — {@code -Dlogback.configurationFile}, or {@code logback-test.xml} or {@code
 * logback.xml} on the class path, as tests and benchmarks give — and logback then reads that file
 * as usual.
 */
public final class JsonLogConfigurator extends ContextAwareBase implements Configurator {

  private static final String[] QUIET = {"io.micronaut", "software.amazon"};

  private final ClassLoader resources;
  private final UnaryOperator<String> properties;

  /** As logback's service loader builds it: this class's loader and the system properties. */
  public JsonLogConfigurator() {
    this(JsonLogConfigurator.class.getClassLoader(), System::getProperty);
  }

  JsonLogConfigurator(ClassLoader resources, UnaryOperator<String> properties) {
    this.resources = resources;
    this.properties = properties;
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (configurationFileGiven()) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
    stdout.setContext(context);
    stdout.setName("JSON");
    stdout.setEncoder(encoder);
    stdout.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stdout);
    for (String name : QUIET) {
      context.getLogger(name).setLevel(Level.WARN);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private boolean configurationFileGiven() {
    return properties.apply(ClassicConstants.CONFIG_FILE_PROPERTY) != null
        || resources.getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null
        || resources.getResource(ClassicConstants.AUTOCONFIG_FILE) != null;
  }
}
