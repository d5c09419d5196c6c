package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.s;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.mirror.ObjectType;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The list indexes of mirrored objects. All three share the sort key {@code <created, 12
 * digits>#<id>}, so a descending Query is newest first:
 *
 * <ul>
 *   <li>{@code gsi1}: every object of a type, {@code ORG#<org>#<type>};
 *   <li>{@code gsi2}: {@code ORG#<org>#<type>#<field>#<value>} for {@code status} (subscriptions,
 *       invoices, charges), {@code email} (customers, lower-cased), {@code active} (products,
 *       prices);
 *   <li>{@code gsi3}: {@code ORG#<org>#<type>#<field>#<value>} for {@code customer} (subscriptions,
 *       invoices, charges), {@code charge} (refunds), {@code product} (prices).
 * </ul>
 *
 * A list uses the most selective index its filters allow (gsi3, then gsi2, then gsi1); the other
 * filters become a FilterExpression. An object without the field has no key in that index.
 */
final class MirrorIndex {

  /** Index names with their key attributes, as the table in template.yaml defines them. */
  static final Map<String, Map.Entry<String, String>> INDEXES =
      Map.of(
          TableKeys.GSI1, Map.entry(TableKeys.GSI1_PK, TableKeys.GSI1_SK),
          TableKeys.GSI2, Map.entry(TableKeys.GSI2_PK, TableKeys.GSI2_SK),
          TableKeys.GSI3, Map.entry(TableKeys.GSI3_PK, TableKeys.GSI3_SK));

  private MirrorIndex() {}

  /** The filter of {@code type} that {@code gsi2} is keyed on, if any. */
  static Optional<String> gsi2Field(ObjectType type) {
    return switch (type) {
      case SUBSCRIPTION, INVOICE, CHARGE -> Optional.of("status");
      case CUSTOMER -> Optional.of("email");
      case PRODUCT, PRICE -> Optional.of("active");
      case REFUND -> Optional.empty();
    };
  }

  /** The filter of {@code type} that {@code gsi3} is keyed on, if any. */
  static Optional<String> gsi3Field(ObjectType type) {
    return switch (type) {
      case SUBSCRIPTION, INVOICE, CHARGE -> Optional.of("customer");
      case REFUND -> Optional.of("charge");
      case PRICE -> Optional.of("product");
      case CUSTOMER, PRODUCT -> Optional.empty();
    };
  }

  /** The index key attributes of an object. */
  static Map<String, AttributeValue> keys(
      OrgId org, ObjectType type, String id, StripeObjectFields fields) {
    String sortKey = fields.sortKey(id);
    Map<String, AttributeValue> keys = new HashMap<>();
    keys.put(TableKeys.GSI1_PK, s(typePartition(org, type)));
    keys.put(TableKeys.GSI1_SK, s(sortKey));
    gsi2Field(type)
        .map(fields::filterValue)
        .ifPresent(
            value -> {
              keys.put(TableKeys.GSI2_PK, s(fieldPartition(org, type, gsi2Field(type), value)));
              keys.put(TableKeys.GSI2_SK, s(sortKey));
            });
    gsi3Field(type)
        .map(fields::filterValue)
        .ifPresent(
            value -> {
              keys.put(TableKeys.GSI3_PK, s(fieldPartition(org, type, gsi3Field(type), value)));
              keys.put(TableKeys.GSI3_SK, s(sortKey));
            });
    return keys;
  }

  /** How to list {@code type} with these filters: one index partition and the filters it leaves. */
  static Plan plan(OrgId org, ObjectType type, Map<String, String> canonicalFilters) {
    Map<String, String> residual = new TreeMap<>(canonicalFilters);
    for (String index : new String[] {TableKeys.GSI3, TableKeys.GSI2}) {
      Optional<String> field = index.equals(TableKeys.GSI3) ? gsi3Field(type) : gsi2Field(type);
      if (field.isPresent() && residual.containsKey(field.get())) {
        String value = residual.remove(field.get());
        return new Plan(index, fieldPartition(org, type, field, value), residual);
      }
    }
    return new Plan(TableKeys.GSI1, typePartition(org, type), residual);
  }

  /**
   * One list's Query target.
   *
   * @param residualFilters the filters the index key does not cover
   */
  record Plan(String index, String partition, Map<String, String> residualFilters) {

    String partitionKeyAttribute() {
      return INDEXES.get(index).getKey();
    }

    String sortKeyAttribute() {
      return INDEXES.get(index).getValue();
    }

    /** The ExclusiveStartKey that resumes right after the item with these keys. */
    Map<String, AttributeValue> startKey(Map<String, AttributeValue> tableKey, String sortKey) {
      Map<String, AttributeValue> start = new HashMap<>(tableKey);
      start.put(partitionKeyAttribute(), s(partition));
      start.put(sortKeyAttribute(), s(sortKey));
      return start;
    }
  }

  private static String typePartition(OrgId org, ObjectType type) {
    return TableKeys.mirrorPk(org, type);
  }

  private static String fieldPartition(
      OrgId org, ObjectType type, Optional<String> field, String value) {
    return typePartition(org, type) + "#" + field.orElseThrow() + "#" + value;
  }
}
