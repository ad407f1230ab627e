package io.midnight.gateway;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers every page and API answer carries. The pages load scripts and styles only from this origin (no inline
 * script or style: chat.js and dashboard.js are files), talk only to it (XHR, EventSource and the Socket.IO
 * WebSocket), and may not be framed; responses are never sniffed into another type, and no page leaks its URL
 * (the dashboard's may hold the operator key) to another site.
 */
final class SecurityHeaders {

  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
    + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    + "frame-ancestors 'none'";

  private SecurityHeaders() {
  }

  static void add(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "no-referrer");
    ctx.next();
  }
}
