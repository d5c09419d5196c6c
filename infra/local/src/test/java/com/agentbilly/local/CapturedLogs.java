package com.agentbilly.local;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import com.agentbilly.logging.JsonLineEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Captures everything logged in this JVM during each test — by the test and by the functions the
 * dev gateway runs in-process — as text: the formatted message, every key/value pair, and the
 * throwable with its causes, messages and stack frames — and the exact JSON line production writes
 * for it ({@link JsonLineEncoder}: the outcome lines with their metric documents included). Our own
 * loggers ({@code com.agentbilly}) are opened to every level while capturing, so a secret logged at
 * debug is caught too.
 *
 * <pre>{@code
 * @RegisterExtension final CapturedLogs logs = new CapturedLogs();
 * ...
 * assertThat(logs.text()).doesNotContain(key);
 * }</pre>
 */
public final class CapturedLogs implements BeforeEachCallback, AfterEachCallback {

  private static final String OUR_LOGGERS = "com.agentbilly";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final List<String> jsonLines = new CopyOnWriteArrayList<>();
  private final Capture appender = new Capture();
  private final JsonLineEncoder encoder = new JsonLineEncoder();
  private Level ourLevelBefore;

  @Override
  public void beforeEach(ExtensionContext context) {
    clear();
    Logger ours = logger(OUR_LOGGERS);
    ourLevelBefore = ours.getLevel();
    ours.setLevel(Level.TRACE);
    encoder.setContext(ours.getLoggerContext());
    encoder.start();
    appender.setContext(ours.getLoggerContext());
    appender.setName("captured-logs");
    appender.start();
    logger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    logger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    appender.stop();
    encoder.stop();
    logger(OUR_LOGGERS).setLevel(ourLevelBefore);
  }

  /**
   * Every event captured so far in this test, one element per event: the rendering above, then the
   * production JSON line.
   */
  public List<String> events() {
    return List.copyOf(lines);
  }

  /** Every event captured so far in this test, joined by newlines. */
  public String text() {
    return String.join("\n", lines);
  }

  /** The production JSON lines whose {@code message} is {@code message}, parsed. */
  public List<JsonNode> jsonLinesWithMessage(String message) {
    List<JsonNode> found = new ArrayList<>();
    for (String line : jsonLines) {
      try {
        JsonNode parsed = JSON.readTree(line);
        if (message.equals(parsed.path("message").asText())) {
          found.add(parsed);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("not a JSON line: " + line, e);
      }
    }
    return found;
  }

  /** Forgets what was captured so far. */
  public void clear() {
    lines.clear();
    jsonLines.clear();
  }

  private static Logger logger(String name) {
    return (Logger) LoggerFactory.getLogger(name);
  }

  /** One event as text: level, logger, message, key/value pairs, MDC, throwable chain. */
  static String render(ILoggingEvent event) {
    StringBuilder out = new StringBuilder();
    out.append(event.getLevel())
        .append(' ')
        .append(event.getLoggerName())
        .append(" - ")
        .append(event.getFormattedMessage());
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair pair : pairs) {
        out.append(' ').append(pair.key).append('=').append(pair.value);
      }
    }
    event.getMDCPropertyMap().forEach((k, v) -> out.append(' ').append(k).append('=').append(v));
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      out.append("\n").append(t.getClassName()).append(": ").append(t.getMessage());
      for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
        out.append("\n\t").append(frame.getSTEAsString());
      }
      for (IThrowableProxy suppressed : t.getSuppressed()) {
        out.append("\nSuppressed: ")
            .append(suppressed.getClassName())
            .append(": ")
            .append(suppressed.getMessage());
      }
    }
    return out.toString();
  }

  private final class Capture extends AppenderBase<ILoggingEvent> {
    @Override
    protected void append(ILoggingEvent event) {
      String json = new String(encoder.encode(event), StandardCharsets.UTF_8);
      jsonLines.add(json);
      lines.add(render(event) + "\n" + json);
    }
  }
}
