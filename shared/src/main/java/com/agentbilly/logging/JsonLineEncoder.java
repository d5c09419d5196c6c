package com.agentbilly.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * Logback encoder: one flat JSON object per event and line — {@code timestamp}, {@code level},
 * {@code logger}, {@code message}, then every key/value pair of the event at the top level (a
 * number stays a number, a map becomes an object), then {@code exception} when there is one.
 *
 * <p>Flat, unlike logback's own {@code JsonEncoder} (which nests pairs in a {@code kvpList} array),
 * so CloudWatch Logs Insights reads each pair as a field and a line carrying {@code _aws} is an
 * Embedded Metric Format document ({@link OutcomeLog}). Lambda forwards a line that is already JSON
 * as it is, also with the function's log format set to JSON.
 *
 * <p>Every string it writes — message, values, the exception with its causes — goes through {@link
 * SecretMask}, so a key or token that reaches a log call by accident (say, in a library's exception
 * message) is written as {@value SecretMask#REDACTED}.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

  private static final JsonFactory JSON = new JsonFactory();
  private static final Set<String> STANDARD = Set.of("timestamp", "level", "logger", "message");
  private static final byte[] NOTHING = new byte[0];

  @Override
  public byte[] headerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] footerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      json.writeStringField("level", event.getLevel().toString());
      json.writeStringField("logger", event.getLoggerName());
      json.writeStringField("message", SecretMask.mask(event.getFormattedMessage()));
      List<KeyValuePair> pairs = event.getKeyValuePairs();
      if (pairs != null) {
        for (KeyValuePair pair : pairs) {
          if (pair.key != null && !STANDARD.contains(pair.key)) {
            json.writeFieldName(pair.key);
            writeValue(json, pair.value);
          }
        }
      }
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        json.writeStringField("exception", SecretMask.mask(ThrowableProxyUtil.asString(thrown)));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  private static void writeValue(JsonGenerator json, Object value) throws IOException {
    switch (value) {
      case null -> json.writeNull();
      case String s -> json.writeString(SecretMask.mask(s));
      case Integer i -> json.writeNumber(i);
      case Long l -> json.writeNumber(l);
      case Double d -> json.writeNumber(d);
      case Boolean b -> json.writeBoolean(b);
      case Number n -> json.writeNumber(n.toString());
      case Map<?, ?> map -> {
        json.writeStartObject();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          json.writeFieldName(String.valueOf(entry.getKey()));
          writeValue(json, entry.getValue());
        }
        json.writeEndObject();
      }
      case Collection<?> values -> {
        json.writeStartArray();
        for (Object element : values) {
          writeValue(json, element);
        }
        json.writeEndArray();
      }
      default -> json.writeString(SecretMask.mask(String.valueOf(value)));
    }
  }
}
