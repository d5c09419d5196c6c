package com.agentbilly.adapter.dynamodb;

import static com.agentbilly.adapter.dynamodb.Items.s;

import com.agentbilly.domain.OrgId;
import com.agentbilly.domain.summary.BucketKey;
import com.agentbilly.domain.summary.Buckets;
import com.agentbilly.domain.summary.Figures;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * How the summary's aggregates are stored: one partition per org, {@code ORG#<org>#SUMMARY}, with
 * an item {@code TOTAL#<currency>} per currency (running totals) and an item {@code
 * DAY#<yyyy-mm-dd>#<currency>} per UTC day and currency (the 30-day figures). As {@code T} sorts
 * after {@code D}, one Query with {@code sk >= DAY#<first day>} reads the window and the totals.
 * Figures are numbers changed only with {@code ADD}, so concurrent changes add up.
 */
final class SummaryItems {

  static final String PARTITION_SUFFIX = "#SUMMARY";
  static final String TOTAL_PREFIX = "TOTAL#";
  static final String DAY_PREFIX = "DAY#";

  static final String MRR = "mrr";
  static final String ACTIVE = "active_subscriptions";
  static final String PAST_DUE = "past_due_subscriptions";
  static final String TRIALING = "trialing_subscriptions";
  static final String REVENUE = "revenue";
  static final String REFUNDED = "refunded";
  static final String FAILED_CHARGES = "failed_charges";

  private SummaryItems() {}

  static String partition(OrgId org) {
    return TableKeys.orgPk(org) + PARTITION_SUFFIX;
  }

  static String sortKey(BucketKey key) {
    return key.isTotals()
        ? TOTAL_PREFIX + key.currency()
        : DAY_PREFIX + key.day() + "#" + key.currency();
  }

  /** The lowest sort key of the daily buckets dated {@code firstDay} or later. */
  static String firstDayKey(LocalDate firstDay) {
    return DAY_PREFIX + firstDay;
  }

  /** One {@code ADD} update per changed bucket, for the transaction of a mirror write. */
  static List<TransactWriteItem> updates(String table, OrgId org, Buckets change) {
    List<TransactWriteItem> updates = new ArrayList<>();
    for (Map.Entry<BucketKey, Figures> bucket : change.asMap().entrySet()) {
      Map<String, String> names = new HashMap<>();
      Map<String, AttributeValue> values = new HashMap<>();
      List<String> adds = new ArrayList<>();
      figures(bucket.getValue())
          .forEach(
              (attribute, amount) -> {
                if (amount != 0) {
                  String n = String.valueOf(adds.size());
                  names.put("#f" + n, attribute);
                  values.put(":f" + n, AttributeValue.fromN(Long.toString(amount)));
                  adds.add("#f" + n + " :f" + n);
                }
              });
      updates.add(
          TransactWriteItem.builder()
              .update(
                  update ->
                      update
                          .tableName(table)
                          .key(
                              Map.of(
                                  TableKeys.PK,
                                  s(partition(org)),
                                  TableKeys.SK,
                                  s(sortKey(bucket.getKey()))))
                          .updateExpression("ADD " + String.join(", ", adds))
                          .expressionAttributeNames(names)
                          .expressionAttributeValues(values))
              .build());
    }
    return updates;
  }

  /** The bucket an item of the summary partition holds. */
  static Buckets parse(Map<String, AttributeValue> item) {
    String sk = item.get(TableKeys.SK).s();
    BucketKey key;
    if (sk.startsWith(TOTAL_PREFIX)) {
      key = BucketKey.totals(sk.substring(TOTAL_PREFIX.length()));
    } else {
      String[] parts = sk.substring(DAY_PREFIX.length()).split("#", 2);
      key = BucketKey.day(LocalDate.parse(parts[0]), parts[1]);
    }
    return Buckets.of(
        key,
        new Figures(
            number(item, MRR),
            number(item, ACTIVE),
            number(item, PAST_DUE),
            number(item, TRIALING),
            number(item, REVENUE),
            number(item, REFUNDED),
            number(item, FAILED_CHARGES)));
  }

  private static Map<String, Long> figures(Figures figures) {
    Map<String, Long> byAttribute = new LinkedHashMap<>();
    byAttribute.put(MRR, figures.mrr());
    byAttribute.put(ACTIVE, figures.activeSubscriptions());
    byAttribute.put(PAST_DUE, figures.pastDueSubscriptions());
    byAttribute.put(TRIALING, figures.trialingSubscriptions());
    byAttribute.put(REVENUE, figures.revenue());
    byAttribute.put(REFUNDED, figures.refunded());
    byAttribute.put(FAILED_CHARGES, figures.failedCharges());
    return byAttribute;
  }

  private static long number(Map<String, AttributeValue> item, String attribute) {
    AttributeValue value = item.get(attribute);
    return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
  }
}
