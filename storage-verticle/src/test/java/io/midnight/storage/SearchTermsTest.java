package io.midnight.storage;

import io.midnight.common.ServiceException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SearchTermsTest {

  @Test
  void typedTextBecomesQuotedTermsInBothSyntaxes() {
    assertThat(SearchTerms.parse("Happy  new-year").fts5()).isEqualTo("\"Happy\" \"new\" \"year\"");
    assertThat(SearchTerms.parse("surpris* \"quoted\" OR NOT").fts5()).isEqualTo("\"surpris\"* \"quoted\" \"OR\" \"NOT\"");
    assertThat(SearchTerms.parse("새해 복 많이 받으세요 🎉").fts5()).isEqualTo("\"새해\" \"복\" \"많이\" \"받으세요\"");
    assertThat(SearchTerms.parse("it's new-year* | !x").tsquery()).isEqualTo("'it' & 's' & 'new' & 'year':* & 'x'");
  }

  @Test
  void nothingSearchableIsAClearError() {
    assertThatThrownBy(() -> SearchTerms.parse("🎉 !!! *")).isInstanceOf(ServiceException.class);
  }
}
