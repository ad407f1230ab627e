package io.midnight.gateway;

import io.midnight.common.ErrorCode;
import io.midnight.common.ServiceException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may operate the node (README, "Operators"). The operator presents the operator key as
 * {@code Authorization: Bearer <key>}, or, for the dashboard page and its event stream (a browser cannot add a
 * header to a page load or an EventSource), as {@code ?key=<key>}. Starting and stopping load tests and editing
 * presets always need it. Metrics and the dashboard ({@link #watch}) answer loopback clients without it unless
 * {@code auth.operatorOpenOnLoopback} is false (set it false behind a proxy on the same host, which makes every
 * client look local). Thread-safe.
 */
final class OperatorAccess {

  /** The routing-context flag set on a request that presented the operator key. */
  static final String OPERATOR = "midnight.operator";

  private final byte[] key;
  private final boolean openOnLoopback;

  OperatorAccess(String key, boolean openOnLoopback) {
    this.key = key.getBytes(StandardCharsets.UTF_8);
    this.openOnLoopback = openOnLoopback;
  }

  /** True when the request carries the operator key in its Authorization header. */
  boolean presentsKey(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && matches(header.substring(7).trim());
  }

  /** A route handler for metrics and the dashboard: loopback clients (when open) or the key, else 401. */
  void watch(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if ((openOnLoopback && isLoopback(request.remoteAddress())) || presentsKey(request)
      || matches(request.getParam("key"))) {
      ctx.next();
    } else {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"midnight-operator\"");
      ctx.fail(new ServiceException(ErrorCode.UNAUTHORIZED, "this page is for operators: send 'Authorization: Bearer "
        + "<operator key>' (or ?key= on the dashboard); the key is auth.operatorKey or the data directory's "
        + "operator.key"));
    }
  }

  /** A route handler for what only the operator may do; a signed-in user without the key gets 403. */
  void require(RoutingContext ctx) {
    if (Boolean.TRUE.equals(ctx.get(OPERATOR))) {
      ctx.next();
    } else {
      ctx.fail(new ServiceException(ErrorCode.FORBIDDEN, "only the operator may do this: send 'Authorization: Bearer "
        + "<operator key>' (auth.operatorKey, or the data directory's operator.key)"));
    }
  }

  private boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(key, presented.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean isLoopback(SocketAddress address) {
    if (address == null || address.hostAddress() == null) {
      return false;
    }
    try {
      return InetAddress.getByName(address.hostAddress()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
