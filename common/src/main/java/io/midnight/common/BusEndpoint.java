package io.midnight.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * Serves one request/reply address: the handler's future becomes the reply, and any failure (thrown or
 * returned) becomes a bus failure carrying its {@link ErrorCode}. Unexpected failures are logged once here.
 */
public final class BusEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(BusEndpoint.class);

  private BusEndpoint() {
  }

  public static MessageConsumer<JsonObject> serve(Vertx vertx, String address,
                                                  Function<JsonObject, Future<JsonObject>> handler) {
    return vertx.eventBus().consumer(address, message -> {
      Future<JsonObject> reply;
      try {
        reply = handler.apply(message.body() == null ? new JsonObject() : message.body());
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onComplete(ar -> {
        if (ar.succeeded()) {
          message.reply(ar.result());
        } else {
          if (ErrorCode.of(ar.cause()) == ErrorCode.INTERNAL) {
            LOG.error("{} failed", address, ar.cause());
          }
          ErrorCode.reply(message, ar.cause());
        }
      });
    });
  }
}
