package com.agentbilly.audit;

import com.agentbilly.domain.audit.AuditEntry;
import com.agentbilly.domain.audit.AuditEvent;
import com.agentbilly.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * The hashing rule of the audit chain (API.md "Audit"): {@code hash = hex(HMAC-SHA256(audit key,
 * prev_hash + RFC 8785 canonical JSON of the wire entry without "hash"))}.
 *
 * <p>The wire entry is exactly what {@code GET /orgs/{org}/audit} returns, so anyone holding the
 * key can re-check a listed entry from its JSON alone. Its {@code at} is ISO-8601 UTC with exactly
 * three fraction digits ({@code 2025-03-01T12:00:00.000Z}); finer precision is not part of the
 * entry. The first entry of a chain has {@code prev_hash} {@value #GENESIS_PREV_HASH} (the empty
 * string), so it is hashed over its canonical JSON alone.
 *
 * <p>{@code details} may hold strings, integers (within ±(2<sup>53</sup>−1), the range RFC 8785
 * numbers represent exactly), booleans, null, lists and maps with string keys; anything else,
 * floating point in particular, is rejected with {@link IllegalArgumentException}.
 *
 * <p>Lives outside {@code domain} because it writes JSON with Jackson. Thread-safe.
 */
public final class AuditChain {

  /** The {@code prev_hash} of the first entry of every chain. */
  public static final String GENESIS_PREV_HASH = "";

  /** The smallest audit key accepted, in bytes (128 bits). */
  public static final int MIN_KEY_BYTES = 16;

  private static final String HMAC = "HmacSHA256";
  private static final long MAX_EXACT_INTEGER = (1L << 53) - 1;
  private static final BigInteger MAX_EXACT = BigInteger.valueOf(MAX_EXACT_INTEGER);
  private static final BigInteger MIN_EXACT = MAX_EXACT.negate();
  private static final DateTimeFormatter AT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final SecretKeySpec key;

  /**
   * @param key the stack's audit key; copied, never logged
   * @throws IllegalArgumentException when the key is shorter than {@value #MIN_KEY_BYTES} bytes
   */
  public AuditChain(byte[] key) {
    if (key == null || key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the audit key must have at least " + MIN_KEY_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(key.clone(), HMAC);
  }

  /** {@code at} as it appears on the wire and in the hash: UTC, exactly milliseconds. */
  public static String formatAt(Instant at) {
    return AT.format(at);
  }

  /**
   * The wire form of an entry without {@code hash}: the map that is canonicalised and hashed.
   * Snake_case keys in contract order; absent values are kept as null.
   */
  public static Map<String, Object> unsignedWire(
      String id, Instant at, AuditEvent event, String prevHash) {
    Map<String, Object> actor = new LinkedHashMap<>();
    actor.put("user_id", event.actor().userId());
    actor.put("username", event.actor().username());
    actor.put("role", event.actor().role());
    Map<String, Object> wire = new LinkedHashMap<>();
    wire.put("id", id);
    wire.put("at", formatAt(at));
    wire.put("actor", actor);
    wire.put("action", event.action());
    wire.put("target", event.target());
    wire.put("outcome", event.outcome().wireName());
    wire.put("key_purpose", event.keyPurpose());
    wire.put("request_id", event.requestId());
    wire.put("details", event.details());
    wire.put("prev_hash", prevHash);
    return wire;
  }

  /** The full wire form of an entry, as {@code GET /orgs/{org}/audit} lists it. */
  public static Map<String, Object> wire(AuditEntry entry) {
    Map<String, Object> wire =
        unsignedWire(entry.id(), entry.at(), entry.event(), entry.prevHash());
    wire.put("hash", entry.hash());
    return wire;
  }

  /**
   * The RFC 8785 canonical JSON of a wire entry (or any JSON-shaped value).
   *
   * @throws IllegalArgumentException when a value is not a string, an exactly representable
   *     integer, a boolean, null, a list or a map with string keys, or a string holds an unpaired
   *     surrogate
   */
  public static String canonicalJson(Map<String, ?> wire) {
    requireJsonShaped(wire, "entry");
    try {
      return new JsonCanonicalizer(Json.write(wire)).getEncodedString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The entry hash: lower-case hex of HMAC-SHA256 over {@code prevHash + canonicalJson}. */
  public String hash(String prevHash, String canonicalJson) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      byte[] digest = mac.doFinal((prevHash + canonicalJson).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** Whether {@code hash} is the hash of this link, compared in constant time. */
  public boolean matches(String prevHash, String canonicalJson, String hash) {
    return hash != null
        && MessageDigest.isEqual(
            hash(prevHash, canonicalJson).getBytes(StandardCharsets.UTF_8),
            hash.getBytes(StandardCharsets.UTF_8));
  }

  private static void requireJsonShaped(Object value, String path) {
    switch (value) {
      case null -> {}
      case Boolean b -> {}
      case String s -> requireWellFormed(s, path);
      case Integer i -> {}
      case Short s -> {}
      case Byte b -> {}
      case Long l -> {
        if (l > MAX_EXACT_INTEGER || l < -MAX_EXACT_INTEGER) {
          throw notExact(path);
        }
      }
      case BigInteger big -> {
        if (big.compareTo(MAX_EXACT) > 0 || big.compareTo(MIN_EXACT) < 0) {
          throw notExact(path);
        }
      }
      case List<?> list -> {
        for (int i = 0; i < list.size(); i++) {
          requireJsonShaped(list.get(i), path + "[" + i + "]");
        }
      }
      case Map<?, ?> map -> {
        for (Map.Entry<?, ?> field : map.entrySet()) {
          if (!(field.getKey() instanceof String name)) {
            throw new IllegalArgumentException(path + " has a key that is not a string");
          }
          requireWellFormed(name, path);
          requireJsonShaped(field.getValue(), path + "." + name);
        }
      }
      default ->
          throw new IllegalArgumentException(
              path
                  + " is a "
                  + value.getClass().getSimpleName()
                  + "; audit values are strings, integers, booleans, null, lists and maps");
    }
  }

  private static IllegalArgumentException notExact(String path) {
    return new IllegalArgumentException(
        path + " is an integer beyond ±(2^53-1), which canonical JSON cannot represent exactly");
  }

  private static void requireWellFormed(String text, String path) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(path + " holds an unpaired surrogate");
      }
    }
  }
}
