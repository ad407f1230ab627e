package io.midnight.storage;

import io.midnight.common.names.UserNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * The lookalike keys ({@link UserNames#key}) of users made before stores kept them, handed out in id order. Two
 * such users that already look alike both keep their accounts and tokens; the later one's key is made unique
 * with its id (a space: no username holds one, so no name looks it up) and no longer finds it at login. The log
 * names each. Used by both backends' migrations; not thread-safe (one migration at a time).
 */
public final class LegacyNameKeys {

  private static final Logger LOG = LoggerFactory.getLogger(LegacyNameKeys.class);

  private final Map<String, Long> owners = new HashMap<>();

  /** A key a user already holds, which a legacy user's may not take. */
  public void taken(String key, long id) {
    owners.put(key, id);
  }

  /** The key for user {@code id}; call in id order. */
  public String keyFor(long id, String username) {
    String key = UserNames.key(username);
    Long owner = owners.putIfAbsent(key, id);
    if (owner == null) {
      return key;
    }
    LOG.warn("user {} '{}' looks the same as user {}: it keeps its account and token, but signs in by name no more",
      id, username, owner);
    return key + " #" + id;
  }
}
