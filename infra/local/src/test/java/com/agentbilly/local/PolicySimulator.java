package com.agentbilly.local;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates IAM policy statements taken from {@code template.yaml} the way IAM does for the subset
 * this stack uses: explicit deny wins, then any allow, else an implicit deny; {@code Action} and
 * {@code Resource} globs ({@code *}, {@code ?}); the condition operators {@code StringEquals},
 * {@code StringLike}, {@code ArnLike}, {@code Null} and the {@code ForAllValues:} / {@code
 * ForAnyValue:} set qualifiers. Any other operator or element fails the evaluation, so a statement
 * this simulator cannot read can never pass unnoticed.
 *
 * <p>Moto enforces no IAM and no key policy, and no policy evaluator is served here; this is the
 * stand-in. Intrinsic functions are resolved against one fixed account, region, stage and stack.
 */
final class PolicySimulator {

  static final String PARTITION = "aws";
  static final String REGION = "eu-west-1";
  static final String ACCOUNT = "111122223333";
  static final String STAGE = "dev";
  static final String STACK = "agent-billy-dev";
  static final String TABLE_ARN =
      "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/agent-billy-dev-Table-1AB2C3";
  static final String KEY_ARN =
      "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/0b1c2d3e-0000-4000-8000-000000000001";
  static final String ACCOUNT_ROOT = "arn:aws:iam::" + ACCOUNT + ":root";

  /** What a request asks for: an action on a resource, with the request's condition keys. */
  record Request(String action, String resource, Map<String, List<String>> context) {}

  enum Decision {
    ALLOWED,
    IMPLICITLY_DENIED,
    EXPLICITLY_DENIED
  }

  private final List<Map<String, Object>> statements;

  /** {@code statements} as read from the template, intrinsic functions still unresolved. */
  PolicySimulator(List<Map<String, Object>> statements) {
    this.statements = statements.stream().map(s -> asMap(resolve(s))).toList();
  }

  /**
   * The ARN of a secret named {@code agent-billy/<stage>/<name>}, with Secrets Manager's suffix.
   */
  static String secretArn(String name) {
    return "arn:aws:secretsmanager:"
        + REGION
        + ":"
        + ACCOUNT
        + ":secret:agent-billy/"
        + STAGE
        + "/"
        + name
        + "-Ab12Cd";
  }

  Decision evaluate(Request request) {
    boolean allowed = false;
    for (Map<String, Object> statement : statements) {
      if (!applies(statement, request)) {
        continue;
      }
      String effect = String.valueOf(statement.get("Effect"));
      switch (effect) {
        case "Deny" -> {
          return Decision.EXPLICITLY_DENIED;
        }
        case "Allow" -> allowed = true;
        default -> throw new IllegalArgumentException("Effect " + effect);
      }
    }
    return allowed ? Decision.ALLOWED : Decision.IMPLICITLY_DENIED;
  }

  boolean allows(Request request) {
    return evaluate(request) == Decision.ALLOWED;
  }

  /** Whether a key-policy statement applies to {@code principal} (an ARN) for {@code request}. */
  boolean grantsTo(String principal, Request request) {
    for (Map<String, Object> statement : statements) {
      if (!"Allow".equals(statement.get("Effect")) || !applies(statement, request)) {
        continue;
      }
      Object named = asMap(statement.get("Principal")).get("AWS");
      for (String p : strings(named)) {
        // A key policy naming the account root delegates to IAM: any principal of the account
        // whose own policies allow it (and whose request meets the statement's conditions).
        if (p.equals(principal) || (p.equals(ACCOUNT_ROOT) && principal.contains(ACCOUNT))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean applies(Map<String, Object> statement, Request request) {
    for (String element : statement.keySet()) {
      if (!List.of("Sid", "Effect", "Action", "Resource", "Condition", "Principal")
          .contains(element)) {
        throw new IllegalArgumentException("unsupported statement element " + element);
      }
    }
    boolean action =
        strings(statement.get("Action")).stream()
            .anyMatch(
                a -> glob(a.toLowerCase(Locale.ROOT), request.action().toLowerCase(Locale.ROOT)));
    boolean resource =
        strings(statement.get("Resource")).stream().anyMatch(r -> glob(r, request.resource()));
    return action && resource && conditionsHold(statement.get("Condition"), request.context());
  }

  private static boolean conditionsHold(Object condition, Map<String, List<String>> context) {
    if (condition == null) {
      return true;
    }
    for (Map.Entry<String, Object> operator : asMap(condition).entrySet()) {
      for (Map.Entry<String, Object> key : asMap(operator.getValue()).entrySet()) {
        List<String> wanted = strings(key.getValue());
        List<String> present = context.getOrDefault(key.getKey(), List.of());
        if (!holds(operator.getKey(), wanted, present)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean holds(String operator, List<String> wanted, List<String> present) {
    String qualifier = "";
    String base = operator;
    int colon = operator.indexOf(':');
    if (colon > 0) {
      qualifier = operator.substring(0, colon);
      base = operator.substring(colon + 1);
    }
    if (base.equals("Null")) {
      boolean absent = present.isEmpty();
      return wanted.stream().anyMatch(w -> Boolean.parseBoolean(w) == absent);
    }
    String op = base;
    return switch (qualifier) {
      case "ForAllValues" -> present.stream().allMatch(v -> matchesAny(op, wanted, v));
      case "ForAnyValue" -> present.stream().anyMatch(v -> matchesAny(op, wanted, v));
      case "" -> present.size() == 1 && matchesAny(op, wanted, present.get(0));
      default -> throw new IllegalArgumentException("unsupported qualifier " + qualifier);
    };
  }

  private static boolean matchesAny(String operator, List<String> wanted, String value) {
    return switch (operator) {
      case "StringEquals" -> wanted.contains(value);
      case "StringLike", "ArnLike" -> wanted.stream().anyMatch(w -> glob(w, value));
      default -> throw new IllegalArgumentException("unsupported operator " + operator);
    };
  }

  /** IAM's wildcard match: {@code *} any run of characters, {@code ?} one character. */
  static boolean glob(String pattern, String value) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value).matches();
  }

  // ------------------------------------------------------------------- intrinsic functions

  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

  private static Object resolve(Object value) {
    if (value instanceof Map<?, ?> map) {
      if (map.size() == 1) {
        Map.Entry<?, ?> only = map.entrySet().iterator().next();
        String fn = String.valueOf(only.getKey());
        switch (fn) {
          case "Ref" -> {
            return ref(String.valueOf(only.getValue()));
          }
          case "Fn::Sub" -> {
            return sub(String.valueOf(only.getValue()));
          }
          case "Fn::GetAtt" -> {
            Object target = only.getValue();
            String name =
                target instanceof List<?> parts
                    ? parts.get(0) + "." + parts.get(1)
                    : String.valueOf(target);
            return variable(name);
          }
          default -> {
            if (fn.startsWith("Fn::")) {
              throw new IllegalArgumentException("unsupported intrinsic " + fn);
            }
          }
        }
      }
      Map<String, Object> out = new java.util.LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), resolve(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(resolve(v)));
      return out;
    }
    return value;
  }

  private static String sub(String template) {
    Matcher m = SUB_VARIABLE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(variable(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String ref(String name) {
    return switch (name) {
      case "FingerprintKeySecret" -> secretArn("_stack/fingerprint-key");
      case "CursorKeySecret" -> secretArn("_stack/cursor-key");
      case "AuditKeySecret" -> secretArn("_stack/audit-key");
      case "SyncFunction.Alias" ->
          "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:agent-billy-dev-sync:live";
      default -> variable(name);
    };
  }

  private static String variable(String name) {
    return switch (name) {
      case "AWS::Partition" -> PARTITION;
      case "AWS::Region" -> REGION;
      case "AWS::AccountId" -> ACCOUNT;
      case "AWS::StackName" -> STACK;
      case "Stage" -> STAGE;
      case "Table.Arn" -> TABLE_ARN;
      case "KeysKmsKey.Arn" -> KEY_ARN;
      default -> throw new IllegalArgumentException("no value for " + name + " in the simulation");
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new IllegalArgumentException("expected a map: " + value);
  }

  private static List<String> strings(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof Collection<?> values) {
      return values.stream().map(String::valueOf).toList();
    }
    return List.of(String.valueOf(value));
  }
}
