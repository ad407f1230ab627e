package io.midnight.gateway.engine;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A request body read up to a limit. A body without Content-Length (chunked) can only be measured as it arrives:
 * past the limit the future fails with {@link TooLarge} and the rest is dropped as it comes, so a client streaming
 * gigabytes holds at most {@code limit} bytes of the server's memory.
 */
final class BoundedBody {

  /** The body passed the limit. */
  static final class TooLarge extends RuntimeException {
    TooLarge(int limit) {
      super("request body larger than " + limit + " bytes", null, false, false);
    }
  }

  private BoundedBody() {
  }

  /** Must be called before the request's handler returns (the body is not buffered for later). */
  static Future<Buffer> read(HttpServerRequest request, int limit) {
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (promise.future().isComplete()) {
        return;
      }
      if (body.length() + chunk.length() > limit) {
        promise.tryFail(new TooLarge(limit));
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(promise::tryFail);
    request.endHandler(v -> promise.tryComplete(body));
    return promise.future();
  }
}
