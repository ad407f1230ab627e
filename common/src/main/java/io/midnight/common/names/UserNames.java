package io.midnight.common.names;

import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;

/**
 * What makes two usernames the same, by Unicode's rules rather than tables of our own (ICU's implementation of
 * UAX #15 and UTS #39). A name is stored in NFKC (fullwidth {@code Ａdmin} is {@code Admin}); a name mixing scripts
 * in a way no language does (Cyrillic {@code а} in Latin {@code аdmin}), holding invisible characters or mixing
 * digit systems is refused; and two names are one when their {@link #key keys} are equal: the TR39 skeleton of the
 * NFKC case fold, so {@code Émile}/{@code émile}, {@code Æron}/{@code æron} and a whole-script lookalike of a
 * taken name collide. Thread-safe.
 */
public final class UserNames {

  private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();
  private static final Normalizer2 NFKC_CASEFOLD = Normalizer2.getNFKCCasefoldInstance();
  private static final SpoofChecker CHECKER = new SpoofChecker.Builder()
    .setRestrictionLevel(SpoofChecker.RestrictionLevel.HIGHLY_RESTRICTIVE)
    .setChecks(SpoofChecker.RESTRICTION_LEVEL | SpoofChecker.INVISIBLE | SpoofChecker.MIXED_NUMBERS)
    .build();

  private UserNames() {
  }

  /** The form a name is stored and shown in. */
  public static String normalize(String name) {
    return NFKC.normalize(name);
  }

  /** Why a normalized name may not be a username, or null when it may. */
  public static String refusal(String normalized) {
    SpoofChecker.CheckResult result = new SpoofChecker.CheckResult();
    if (!CHECKER.failsChecks(normalized, result)) {
      return null;
    }
    if ((result.checks & SpoofChecker.INVISIBLE) != 0) {
      return "it holds invisible or repeated combining characters";
    }
    if ((result.checks & SpoofChecker.MIXED_NUMBERS) != 0) {
      return "it mixes digits of different number systems";
    }
    return "it mixes scripts the way lookalike names do (e.g. a Cyrillic letter among Latin ones)";
  }

  /** Equal for names that must not both exist. */
  public static String key(String name) {
    return CHECKER.getSkeleton(NFKC_CASEFOLD.normalize(name));
  }
}
