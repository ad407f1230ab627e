package io.midnight.storage.sqlite;

import io.midnight.common.ServiceException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FtsQueryTest {

  @Test
  void wordsBecomeQuotedSingleTokenTerms() {
    assertThat(FtsQuery.of("Happy  new-year")).isEqualTo("\"Happy\" \"new\" \"year\"");
    assertThat(FtsQuery.of("surpris* \"quoted\" OR NOT")).isEqualTo("\"surpris\"* \"quoted\" \"OR\" \"NOT\"");
    assertThat(FtsQuery.of("새해 복 많이 받으세요 🎉")).isEqualTo("\"새해\" \"복\" \"많이\" \"받으세요\"");
  }

  @Test
  void nothingSearchableIsRefused() {
    assertThatThrownBy(() -> FtsQuery.of("🎉 !!! *")).isInstanceOf(ServiceException.class);
  }
}
