package io.midnight.common.names;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UserNamesTest {

  @Test
  void lookalikesShareAKey() {
    assertThat(UserNames.key("Émile")).isEqualTo(UserNames.key("émile"));
    assertThat(UserNames.key("Æron")).isEqualTo(UserNames.key("æron"));
    assertThat(UserNames.key("Ａdmin")).isEqualTo(UserNames.key("admin"));
    assertThat(UserNames.key("ADMIN")).isEqualTo(UserNames.key("admin"));
    assertThat(UserNames.key("сосо")).as("all-Cyrillic lookalike of coco").isEqualTo(UserNames.key("coco"));
    assertThat(UserNames.refusal("сосо")).as("one script: allowed, but taken if coco is").isNull();
    assertThat(UserNames.key("Émile")).isNotEqualTo(UserNames.key("Emile"));
    assertThat(UserNames.key("새해_복")).isNotEqualTo(UserNames.key("새해_북"));
  }

  @Test
  void namesAreStoredInNfkc() {
    assertThat(UserNames.normalize("Ａdmin")).isEqualTo("Admin");
    assertThat(UserNames.normalize("E\u0301mile")).isEqualTo("Émile");
  }

  @Test
  void mixedScriptsInvisiblesAndMixedDigitsAreRefused() {
    assertThat(UserNames.refusal("аdmin")).contains("mixes scripts");
    assertThat(UserNames.refusal("a\u0301\u0301dmin")).isNotNull();
    assertThat(UserNames.refusal("user1\u0662")).contains("digits");
  }

  @Test
  void everydayNamesOfManyLanguagesPass() {
    for (String name : new String[] {"alice", "Émile", "새해_복", "山田太郎", "김Kim", "たなか", "Ольга", "user.name-1",
      "محمد", "Ünal_2026"}) {
      assertThat(UserNames.refusal(UserNames.normalize(name))).as(name).isNull();
    }
  }
}
