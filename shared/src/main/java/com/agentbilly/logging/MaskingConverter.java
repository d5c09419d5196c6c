package com.agentbilly.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.CompositeConverter;

/**
 * {@code %mask(…)} in a logback pattern: what the inner pattern renders, through {@link
 * SecretMask}. The tests' readable line layouts use it, so their output holds no key either and a
 * scan of everything a test run logged can demand zero (production's {@link JsonLineEncoder} masks
 * by itself).
 */
public final class MaskingConverter extends CompositeConverter<ILoggingEvent> {

  @Override
  protected String transform(ILoggingEvent event, String in) {
    return SecretMask.mask(in);
  }
}
