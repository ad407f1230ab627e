package io.midnight.users;

import io.midnight.common.ErrorCode;
import io.midnight.common.limit.TokenBuckets;

/**
 * Slows password guessing down, per user and per source address, before it costs a hash. Each login attempt on a
 * username takes one of its {@code loginFailuresPerUser} tokens (refilled one per {@code loginFailureRefillSeconds})
 * and a login that succeeds gives them all back, so five wrong passwords in a row, concurrent or not, leave one
 * guess a minute. Every hash an address asks for (a login, a user with a password, each password of a batch) takes
 * one of its {@code hashesPerAddress} tokens (refilled one per {@code hashRefillSeconds}). A refusal is
 * {@code rate_limited} with the wait. Used from the user service's context only.
 */
final class LoginThrottle {

  private final TokenBuckets<String> perUser;
  private final TokenBuckets<String> perAddress;

  LoginThrottle(UserOptions options) {
    this.perUser = new TokenBuckets<>(1.0 / options.loginFailureRefillSeconds(), options.loginFailuresPerUser());
    this.perAddress = new TokenBuckets<>(1.0 / options.hashRefillSeconds(), options.hashesPerAddress());
  }

  /** Takes an attempt for {@code username} and a hash for {@code address}, or throws the refusal. */
  void login(String username, String address) {
    long now = System.nanoTime();
    long wait = perUser.waitNanos(username, 1, now);
    if (wait > 0) {
      throw ErrorCode.RATE_LIMITED.refusal("too many failed logins for this user", wait / 1_000_000);
    }
    hashes(address, 1);
    perUser.acquire(username, now);
  }

  /** The password was right: the user's attempts start over. */
  void succeeded(String username) {
    perUser.reset(username);
  }

  /** Takes {@code count} hashes for {@code address}, or throws the refusal. */
  void hashes(String address, int count) {
    long wait = perAddress.acquire(address, count, System.nanoTime());
    if (wait > 0) {
      throw ErrorCode.RATE_LIMITED.refusal("too many password hashes asked for from this address",
        wait / 1_000_000);
    }
  }

  void forgetIdle() {
    long now = System.nanoTime();
    perUser.forgetIdle(now);
    perAddress.forgetIdle(now);
  }
}
