package io.midnight.gateway.engine;

import io.vertx.core.Context;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * The response to one long-polling request, always written on the event loop of the connection it came in on.
 * The gateway runs an instance per event loop and a client's polling requests may reach any of them, while its
 * session stays on the loop that made it; the HTTP server works in strict thread mode, so the session hands each
 * write over to the connection's loop.
 */
final class PollResponse {

  private final HttpServerResponse response;
  private final HttpConnection connection;
  private final Context context;

  PollResponse(HttpServerRequest request, Context context) {
    this.response = request.response();
    this.connection = request.connection();
    this.context = context;
  }

  void end(String contentType, String body) {
    EngineServer.onContext(context, () -> {
      if (!response.ended() && !response.closed()) {
        response.putHeader("Content-Type", contentType).end(body);
      }
    });
  }

  void badRequest(int code, String message) {
    EngineServer.onContext(context, () -> EngineServer.badRequest(response, code, message));
  }

  /**
   * 413, and the connection closes (the official server does the same): a client still streaming the body is cut
   * off rather than read to its end.
   */
  void tooLarge() {
    EngineServer.onContext(context, () -> {
      if (!response.ended() && !response.closed()) {
        response.setStatusCode(413).putHeader("Connection", "close").end().onComplete(v -> connection.close());
      }
    });
  }

  /** Runs {@code action} on {@code target} when the client goes away before the response was written. */
  void onClose(Context target, Runnable action) {
    EngineServer.onContext(context, () -> response.closeHandler(v -> EngineServer.onContext(target, action)));
  }
}
