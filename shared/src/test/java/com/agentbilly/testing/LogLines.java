package com.agentbilly.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.agentbilly.logging.JsonLineEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Captures every event logged during a test as the exact line production writes to stdout ({@link
 * JsonLineEncoder}), whatever the test's own logback configuration prints.
 *
 * <pre>{@code
 * @RegisterExtension final LogLines logs = new LogLines();
 * ...
 * assertThat(logs.withMessage("request")).singleElement() ...
 * }</pre>
 */
public final class LogLines implements BeforeEachCallback, AfterEachCallback {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Capture appender = new Capture();
  private final JsonLineEncoder encoder = new JsonLineEncoder();

  @Override
  public void beforeEach(ExtensionContext context) {
    lines.clear();
    Logger root = root();
    encoder.setContext(root.getLoggerContext());
    encoder.start();
    appender.setContext(root.getLoggerContext());
    appender.setName("log-lines");
    appender.start();
    root.addAppender(appender);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    root().detachAppender(appender);
    appender.stop();
    encoder.stop();
  }

  /** Every line so far, as written (JSON text, newline included). */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** Every line so far, joined. */
  public String text() {
    return String.join("", lines);
  }

  /** The lines whose {@code message} is {@code message}, parsed. */
  public List<JsonNode> withMessage(String message) {
    return lines.stream()
        .map(LogLines::parse)
        .filter(line -> message.equals(line.path("message").asText()))
        .toList();
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private final class Capture extends AppenderBase<ILoggingEvent> {
    @Override
    protected void append(ILoggingEvent event) {
      lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8));
    }
  }
}
