package io.midnight.storage.sqlite;

import io.midnight.common.ErrorCode;
import io.midnight.common.ServiceException;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns what a person typed into an FTS5 query that cannot be a syntax error: every word becomes a quoted
 * phrase (all must match), and a trailing {@code *} keeps its meaning as a prefix search.
 */
final class FtsQuery {

  private FtsQuery() {
  }

  static String of(String typed) {
    List<String> terms = new ArrayList<>();
    for (String word : typed.trim().split("\\s+")) {
      boolean prefix = word.endsWith("*");
      String bare = prefix ? word.substring(0, word.length() - 1) : word;
      if (bare.isEmpty() || bare.codePoints().noneMatch(Character::isLetterOrDigit)) {
        continue;
      }
      terms.add('"' + bare.replace("\"", "\"\"") + '"' + (prefix ? "*" : ""));
    }
    if (terms.isEmpty()) {
      throw new ServiceException(ErrorCode.INVALID_QUERY, "the search needs at least one word with a letter or digit");
    }
    return String.join(" ", terms);
  }
}
