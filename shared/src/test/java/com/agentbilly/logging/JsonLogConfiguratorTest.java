package com.agentbilly.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLogConfiguratorTest {

  /** A class path with no logging configuration file, as in a function's artifact. */
  private static final ClassLoader NO_FILES = new URLClassLoader(new URL[0], null);

  private final LoggerContext context = new LoggerContext();

  @Test
  void withNoConfigurationFileLogsJsonLinesToStdoutFromInfo() {
    ExecutionStatus status = new JsonLogConfigurator(NO_FILES, name -> null).configure(context);

    assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    List<Appender<ILoggingEvent>> appenders = appenders(root);
    assertThat(appenders).hasSize(1);
    ConsoleAppender<ILoggingEvent> stdout = (ConsoleAppender<ILoggingEvent>) appenders.get(0);
    assertThat(stdout.isStarted()).isTrue();
    assertThat(stdout.getTarget()).isEqualTo("System.out");
    assertThat(stdout.getEncoder()).isInstanceOf(JsonLineEncoder.class);
    assertThat(stdout.getEncoder().isStarted()).isTrue();
  }

  @Test
  void quietsMicronautAndTheSdkBelowWarn() {
    new JsonLogConfigurator(NO_FILES, name -> null).configure(context);

    assertThat(context.getLogger("io.micronaut.context.DefaultBeanContext").isInfoEnabled())
        .isFalse();
    assertThat(context.getLogger("software.amazon.awssdk.request").isWarnEnabled()).isTrue();
    assertThat(context.getLogger("software.amazon.awssdk.request").isInfoEnabled()).isFalse();
    assertThat(context.getLogger("com.agentbilly.api.ApiHandler").isInfoEnabled()).isTrue();
    assertThat(context.getLogger("com.agentbilly.api.ApiHandler").isDebugEnabled()).isFalse();
  }

  @Test
  void stepsAsideForAConfigurationFileOnTheClassPath(@TempDir Path dir) throws Exception {
    for (String file : List.of("logback.xml", "logback-test.xml")) {
      Path root = Files.createDirectories(dir.resolve(file + ".d"));
      Files.writeString(root.resolve(file), "<configuration/>");
      try (URLClassLoader withFile = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
        LoggerContext fresh = new LoggerContext();

        assertThat(new JsonLogConfigurator(withFile, name -> null).configure(fresh))
            .as(file)
            .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(appenders(fresh.getLogger(Logger.ROOT_LOGGER_NAME))).as(file).isEmpty();
      }
    }
  }

  @Test
  void stepsAsideForTheConfigurationFileProperty() {
    Map<String, String> properties = Map.of("logback.configurationFile", "/tmp/bench.xml");

    ExecutionStatus status = new JsonLogConfigurator(NO_FILES, properties::get).configure(context);

    assertThat(status).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(appenders(context.getLogger(Logger.ROOT_LOGGER_NAME))).isEmpty();
  }

  @Test
  void logbackFindsItAsAService() {
    assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
        .contains(JsonLogConfigurator.class);
  }

  @Test
  void theTestsOwnLogbackTestXmlMakesTheDefaultInstanceStepAside() {
    assertThat(new JsonLogConfigurator().configure(context))
        .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
  }

  private static List<Appender<ILoggingEvent>> appenders(Logger logger) {
    List<Appender<ILoggingEvent>> all = new ArrayList<>();
    logger.iteratorForAppenders().forEachRemaining(all::add);
    return all;
  }
}
