package com.agentbilly.domain.mirror;

import com.agentbilly.domain.ApiProblem;
import com.agentbilly.domain.ErrorCode;
import com.agentbilly.domain.OrgId;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque list cursors: a resume position sealed with an HMAC-SHA256 tag that also covers the list's
 * binding (org, type, canonical filters, {@code include_deleted}; not the limit). A cursor is only
 * accepted by the list it was issued for; anything else is {@code invalid_cursor}.
 *
 * <p>Wire form: base64url (no padding) of {@code version byte, position fields, tag}. The binding
 * itself is not in the cursor; it only enters the tag, so a cursor replayed against another org,
 * list or filter set fails the tag check just like a tampered one.
 */
public final class PageCursors {

  private static final byte VERSION = 1;
  private static final int TAG_BYTES = 32;
  private static final int MAX_CURSOR_CHARS = 2048;
  private static final int MAX_FIELDS = 255;
  private static final int MAX_FIELD_BYTES = 0xffff;
  private static final String ALGORITHM = "HmacSHA256";

  private final Supplier<byte[]> key;

  /** Cursors sealed with {@code key} (read when a cursor is first made or opened). */
  public PageCursors(Supplier<byte[]> key) {
    this.key = Objects.requireNonNull(key, "key");
  }

  /**
   * The canonical binding of a list query: org, type, filters (sorted; {@code email} lower-cased,
   * as the store compares it) and {@code include_deleted}. The limit is not part of it, so a client
   * may change the page size while walking a list.
   */
  public static String binding(OrgId org, ListQuery query) {
    StringBuilder out = new StringBuilder();
    appendField(out, "v1");
    appendField(out, org.value());
    appendField(out, query.type().objectName());
    appendField(out, query.includeDeleted() ? "deleted:1" : "deleted:0");
    canonicalFilters(query.filters())
        .forEach(
            (name, value) -> {
              appendField(out, name);
              appendField(out, value);
            });
    return out.toString();
  }

  /**
   * The binding of a list that is not a mirrored type and has no filters, such as an org's audit
   * log ({@code list} = {@code "audit"}). It never equals a {@link #binding(OrgId, ListQuery)}, so
   * a cursor of one list is never accepted by the other.
   */
  public static String binding(OrgId org, String list) {
    StringBuilder out = new StringBuilder();
    appendField(out, "v1");
    appendField(out, org.value());
    appendField(out, "list:" + list);
    return out.toString();
  }

  /**
   * The filters as the store compares them: sorted by name, {@code email} lower-cased, others as
   * given.
   */
  public static Map<String, String> canonicalFilters(Map<String, String> filters) {
    Map<String, String> canonical = new TreeMap<>();
    filters.forEach(
        (name, value) ->
            canonical.put(name, "email".equals(name) ? value.toLowerCase(Locale.ROOT) : value));
    return canonical;
  }

  /** A cursor that resumes the list bound by {@code binding} after {@code position}. */
  public String seal(String binding, List<String> position) {
    if (position.size() > MAX_FIELDS) {
      throw new IllegalArgumentException("too many position fields: " + position.size());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(VERSION);
    body.write(position.size());
    for (String field : position) {
      byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > MAX_FIELD_BYTES) {
        throw new IllegalArgumentException("position field too long: " + bytes.length);
      }
      body.write(bytes.length >>> 8);
      body.write(bytes.length & 0xff);
      body.writeBytes(bytes);
    }
    byte[] unsigned = body.toByteArray();
    byte[] sealed =
        ByteBuffer.allocate(unsigned.length + TAG_BYTES)
            .put(unsigned)
            .put(tag(binding, unsigned))
            .array();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);
  }

  /**
   * The position in {@code cursor}, which must have been sealed for {@code binding} with {@code
   * expectedFields} position fields.
   *
   * @throws ApiProblem {@code invalid_cursor} for a cursor that is malformed, tampered with or
   *     issued for another org, list or filter set
   */
  public List<String> open(String binding, String cursor, int expectedFields) {
    if (cursor == null || cursor.isEmpty() || cursor.length() > MAX_CURSOR_CHARS) {
      throw invalid();
    }
    byte[] sealed;
    try {
      sealed = Base64.getUrlDecoder().decode(cursor);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (sealed.length < 2 + TAG_BYTES) {
      throw invalid();
    }
    int bodyLength = sealed.length - TAG_BYTES;
    ByteBuffer in = ByteBuffer.wrap(sealed);
    byte[] unsigned = new byte[bodyLength];
    byte[] tag = new byte[TAG_BYTES];
    in.get(unsigned).get(tag);
    if (!MessageDigest.isEqual(tag, tag(binding, unsigned))) {
      throw invalid();
    }
    ByteBuffer body = ByteBuffer.wrap(unsigned);
    if (body.get() != VERSION || (body.get() & 0xff) != expectedFields) {
      throw invalid();
    }
    List<String> position = new ArrayList<>(expectedFields);
    for (int i = 0; i < expectedFields; i++) {
      if (body.remaining() < 2) {
        throw invalid();
      }
      int length = body.getShort() & 0xffff;
      if (body.remaining() < length) {
        throw invalid();
      }
      byte[] field = new byte[length];
      body.get(field);
      position.add(new String(field, StandardCharsets.UTF_8));
    }
    if (body.hasRemaining()) {
      throw invalid();
    }
    return List.copyOf(position);
  }

  private byte[] tag(String binding, byte[] unsigned) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key.get(), ALGORITHM));
      byte[] bindingBytes = binding.getBytes(StandardCharsets.UTF_8);
      mac.update(ByteBuffer.allocate(4).putInt(bindingBytes.length).array());
      mac.update(bindingBytes);
      mac.update(unsigned);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  private static void appendField(StringBuilder out, String field) {
    out.append(field.length()).append(':').append(field).append(';');
  }

  private static ApiProblem invalid() {
    return new ApiProblem(
        ErrorCode.INVALID_CURSOR,
        "The cursor is not valid for this list. Start again from the first page.");
  }
}
