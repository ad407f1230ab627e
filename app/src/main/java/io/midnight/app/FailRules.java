package io.midnight.app;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --fail-on lost>0,duplicated>0,p99>50ms,errors>0}: thresholds that turn a finished run into exit code 1. */
final class FailRules {

  private static final Pattern RULE = Pattern.compile("(lost|duplicated|outoforder|errors|p99)>(\\d+(?:\\.\\d+)?)(ms)?");

  private record Rule(String metric, double limit) {
  }

  private final List<Rule> rules;

  private FailRules(List<Rule> rules) {
    this.rules = rules;
  }

  static FailRules parse(String text) {
    List<Rule> rules = new ArrayList<>();
    if (text != null && !text.isBlank()) {
      for (String part : text.toLowerCase().split(",")) {
        Matcher m = RULE.matcher(part.trim());
        if (!m.matches()) {
          throw new IllegalArgumentException("--fail-on: cannot read '" + part.trim()
            + "'; write rules like lost>0,duplicated>0,outoforder>0,errors>0,p99>50ms");
        }
        rules.add(new Rule(m.group(1), Double.parseDouble(m.group(2))));
      }
    }
    return new FailRules(rules);
  }

  /** The first rule the report breaks, described, or null. */
  String broken(JsonObject report) {
    JsonObject v = report.getJsonObject("verification");
    for (Rule rule : rules) {
      double value = switch (rule.metric()) {
        case "lost" -> v.getLong("lost");
        case "duplicated" -> v.getLong("duplicated");
        case "outoforder" -> v.getLong("outOfOrder");
        case "errors" -> report.getJsonObject("totals").getJsonObject("errors").stream()
          .mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
        default -> report.getJsonObject("latency").getJsonObject("ackMs").getDouble("p99");
      };
      if (value > rule.limit()) {
        return rule.metric() + " is " + value + ", above " + rule.limit();
      }
    }
    return null;
  }
}
