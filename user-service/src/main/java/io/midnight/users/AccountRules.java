package io.midnight.users;

import io.midnight.common.ErrorCode;
import io.midnight.common.ServiceException;
import io.midnight.common.names.UserNames;

/** What a username, a password and a room name may be (README, "The HTTP API"). */
final class AccountRules {

  static final int MIN_USERNAME = 3;
  static final int MAX_USERNAME = 32;
  static final int MIN_PASSWORD = 8;
  static final int MAX_PASSWORD = 128;
  static final int MAX_ROOM_NAME = 100;

  private AccountRules() {
  }

  /**
   * 3..32 letters, digits, {@code _ - .} (any script, not mixed the way lookalikes are); no spaces, so a name reads
   * the same everywhere. Answers the name in NFKC, the form it is stored in ({@link UserNames}).
   */
  static String username(String given) {
    if (given == null) {
      throw new ServiceException(ErrorCode.INVALID_REQUEST, "missing field 'username'");
    }
    String username = UserNames.normalize(given);
    int length = username.codePointCount(0, username.length());
    if (length < MIN_USERNAME || length > MAX_USERNAME) {
      throw new ServiceException(ErrorCode.INVALID_USERNAME, "username must be " + MIN_USERNAME + " to "
        + MAX_USERNAME + " characters, got " + length);
    }
    boolean ok = username.codePoints().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.'
      || Character.getType(c) == Character.NON_SPACING_MARK || Character.getType(c) == Character.COMBINING_SPACING_MARK);
    if (!ok) {
      throw new ServiceException(ErrorCode.INVALID_USERNAME,
        "username may hold only letters, digits, '_', '-' and '.': '" + username + "'");
    }
    String refusal = UserNames.refusal(username);
    if (refusal != null) {
      throw new ServiceException(ErrorCode.INVALID_USERNAME, "username '" + username + "' is refused: " + refusal);
    }
    return username;
  }

  /** Null means a guest account that holds only its token. */
  static String password(String password) {
    if (password == null) {
      return null;
    }
    int length = password.codePointCount(0, password.length());
    if (length < MIN_PASSWORD || length > MAX_PASSWORD) {
      throw new ServiceException(ErrorCode.INVALID_PASSWORD, "password must be " + MIN_PASSWORD + " to "
        + MAX_PASSWORD + " characters");
    }
    return password;
  }

  /** Any Unicode (emoji welcome) up to 100 characters, trimmed, without control characters. */
  static String roomName(String name) {
    if (name == null) {
      throw new ServiceException(ErrorCode.INVALID_REQUEST, "missing field 'name'");
    }
    String trimmed = name.strip();
    int length = trimmed.codePointCount(0, trimmed.length());
    if (length < 1 || length > MAX_ROOM_NAME) {
      throw new ServiceException(ErrorCode.INVALID_ROOM_NAME, "room name must be 1 to " + MAX_ROOM_NAME
        + " characters, got " + length);
    }
    if (trimmed.codePoints().anyMatch(Character::isISOControl)) {
      throw new ServiceException(ErrorCode.INVALID_ROOM_NAME, "room name must not hold control characters");
    }
    return trimmed;
  }
}
