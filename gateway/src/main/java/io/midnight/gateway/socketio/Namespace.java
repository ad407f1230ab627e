package io.midnight.gateway.socketio;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** What a Socket.IO namespace does with a client that asks to connect to it. */
@FunctionalInterface
public interface Namespace {

  /**
   * Decides on a CONNECT. Succeed with the fields to add to the connect reply next to {@code sid} (or null), after
   * installing the socket's handlers; fail to refuse: the failure's message goes back in CONNECT_ERROR.
   *
   * @param auth the CONNECT payload, {@code {}} when there was none
   */
  Future<JsonObject> connect(SocketIoSocket socket, JsonObject auth);
}
