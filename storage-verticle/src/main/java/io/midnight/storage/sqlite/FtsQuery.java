package io.midnight.storage.sqlite;

import io.midnight.common.ErrorCode;
import io.midnight.common.ServiceException;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns what a person typed into an FTS5 query that cannot be a syntax error: every run of letters and digits
 * becomes one quoted term, and all must match; a word typed with a trailing {@code *} is a prefix search. Terms
 * are single tokens because the index keeps no positions ({@code detail=none}): "new-year" finds messages with
 * both "new" and "year".
 */
final class FtsQuery {

  private FtsQuery() {
  }

  static String of(String typed) {
    List<String> terms = new ArrayList<>();
    for (String word : typed.trim().split("\\s+")) {
      boolean prefix = word.endsWith("*");
      List<String> runs = new ArrayList<>();
      StringBuilder run = new StringBuilder();
      word.codePoints().forEach(c -> {
        if (Character.isLetterOrDigit(c)) {
          run.appendCodePoint(c);
        } else if (!run.isEmpty()) {
          runs.add(run.toString());
          run.setLength(0);
        }
      });
      if (!run.isEmpty()) {
        runs.add(run.toString());
      }
      for (int i = 0; i < runs.size(); i++) {
        terms.add('"' + runs.get(i) + '"' + (prefix && i == runs.size() - 1 ? "*" : ""));
      }
    }
    if (terms.isEmpty()) {
      throw new ServiceException(ErrorCode.INVALID_QUERY, "the search needs at least one word with a letter or digit");
    }
    return String.join(" ", terms);
  }
}
