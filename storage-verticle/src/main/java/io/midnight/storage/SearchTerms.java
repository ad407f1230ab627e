package io.midnight.storage;

import io.midnight.common.ErrorCode;
import io.midnight.common.ServiceException;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a person typed, as search terms that cannot be a syntax error in either backend: every run of letters and
 * digits becomes one term, and all must match; a word typed with a trailing {@code *} is a prefix search. Terms are
 * single tokens because neither index keeps positions: "new-year" finds messages with both "new" and "year".
 */
public record SearchTerms(List<Term> terms) {

  /** One token; {@code word} holds letters and digits only, so it needs no escaping in a query language. */
  public record Term(String word, boolean prefix) {
  }

  public static SearchTerms parse(String typed) {
    List<Term> terms = new ArrayList<>();
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
        terms.add(new Term(runs.get(i), prefix && i == runs.size() - 1));
      }
    }
    if (terms.isEmpty()) {
      throw new ServiceException(ErrorCode.INVALID_QUERY, "the search needs at least one word with a letter or digit");
    }
    return new SearchTerms(List.copyOf(terms));
  }

  /** SQLite FTS5 MATCH syntax: {@code "new" "year"*}. */
  public String fts5() {
    return terms.stream().map(t -> '"' + t.word() + '"' + (t.prefix() ? "*" : "")).collect(Collectors.joining(" "));
  }

  /** PostgreSQL {@code to_tsquery} syntax: {@code 'new' & 'year':*}. */
  public String tsquery() {
    return terms.stream().map(t -> "'" + t.word() + "'" + (t.prefix() ? ":*" : "")).collect(Collectors.joining(" & "));
  }
}
