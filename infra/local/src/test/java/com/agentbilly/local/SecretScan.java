package com.agentbilly.local;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;

/**
 * Looks for a string everywhere the stack stores data: every attribute of every item of the table
 * (a full Scan: fine for tests) and every version of every Secrets Manager secret, raw — the
 * secret's name, description and tags, its {@code SecretString} and the bytes of its {@code
 * SecretBinary}. A hit names where it was found, so a failing assertion says where the leak is.
 */
public final class SecretScan {

  private final DynamoDbClient dynamo;
  private final SecretsManagerClient secrets;
  private final String table;

  public SecretScan(DynamoDbClient dynamo, SecretsManagerClient secrets, String table) {
    this.dynamo = dynamo;
    this.secrets = secrets;
    this.table = table;
  }

  /** Where {@code needle} occurs: {@code table <pk>/<sk>.<attribute>} or {@code secret <name>…}. */
  public List<String> find(String needle) {
    if (needle.isEmpty()) {
      throw new IllegalArgumentException("the empty string is everywhere");
    }
    List<String> hits = new ArrayList<>();
    hits.addAll(findInTable(needle));
    hits.addAll(findInSecrets(needle));
    return hits;
  }

  /** Every item of the table, all pages. */
  public List<Map<String, AttributeValue>> items() {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    dynamo
        .scanPaginator(scan -> scan.tableName(table).consistentRead(true))
        .items()
        .forEach(items::add);
    return items;
  }

  /** Every secret's name. */
  public List<String> secretNames() {
    return secrets().stream().map(SecretListEntry::name).toList();
  }

  private List<String> findInTable(String needle) {
    List<String> hits = new ArrayList<>();
    for (Map<String, AttributeValue> item : items()) {
      String where = "table " + text(item.get("pk")) + "/" + text(item.get("sk"));
      item.forEach(
          (name, value) -> {
            if (name.contains(needle) || contains(value, needle)) {
              hits.add(where + "." + name);
            }
          });
    }
    return hits;
  }

  private List<String> findInSecrets(String needle) {
    List<String> hits = new ArrayList<>();
    for (SecretListEntry secret : secrets()) {
      String where = "secret " + secret.name();
      if (contains(secret.name(), needle) || contains(secret.description(), needle)) {
        hits.add(where);
      }
      secret.tags().stream()
          .filter(tag -> contains(tag.key(), needle) || contains(tag.value(), needle))
          .forEach(tag -> hits.add(where + " tag " + tag.key()));
      for (SecretVersionsListEntry version : versions(secret.arn())) {
        GetSecretValueResponse value =
            secrets.getSecretValue(r -> r.secretId(secret.arn()).versionId(version.versionId()));
        if (contains(value.secretString(), needle) || contains(value.secretBinary(), needle)) {
          hits.add(where + " version " + version.versionId());
        }
      }
    }
    return hits;
  }

  private List<SecretListEntry> secrets() {
    List<SecretListEntry> all = new ArrayList<>();
    secrets
        .listSecretsPaginator(r -> r.includePlannedDeletion(true))
        .forEach(page -> all.addAll(page.secretList()));
    return all;
  }

  private List<SecretVersionsListEntry> versions(String secretId) {
    List<SecretVersionsListEntry> all = new ArrayList<>();
    secrets
        .listSecretVersionIdsPaginator(r -> r.secretId(secretId).includeDeprecated(true))
        .forEach(page -> all.addAll(page.versions()));
    return all;
  }

  private static boolean contains(AttributeValue value, String needle) {
    if (value == null) {
      return false;
    }
    if (contains(value.s(), needle) || contains(value.n(), needle) || contains(value.b(), needle)) {
      return true;
    }
    if (value.hasSs() && value.ss().stream().anyMatch(s -> contains(s, needle))) {
      return true;
    }
    if (value.hasNs() && value.ns().stream().anyMatch(n -> contains(n, needle))) {
      return true;
    }
    if (value.hasBs() && value.bs().stream().anyMatch(b -> contains(b, needle))) {
      return true;
    }
    if (value.hasL() && value.l().stream().anyMatch(v -> contains(v, needle))) {
      return true;
    }
    return value.hasM()
        && value.m().entrySet().stream()
            .anyMatch(e -> e.getKey().contains(needle) || contains(e.getValue(), needle));
  }

  private static boolean contains(String haystack, String needle) {
    return haystack != null && haystack.contains(needle);
  }

  private static boolean contains(SdkBytes haystack, String needle) {
    return haystack != null
        && indexOf(haystack.asByteArray(), needle.getBytes(StandardCharsets.UTF_8)) >= 0;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String text(AttributeValue value) {
    return value == null ? "?" : value.s();
  }
}
