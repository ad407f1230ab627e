package io.midnight.gateway.chat;

import io.midnight.gateway.TokenVerifier;
import io.midnight.gateway.TokenVerifier.Caller;
import io.midnight.gateway.overload.OverloadGuard;
import io.midnight.gateway.socketio.Namespace;
import io.midnight.gateway.socketio.SocketIoSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat on the default namespace. A client proves who it is with a signed token, in the query
 * ({@code token=}) or in the CONNECT payload ({@code {"token": ...}}); anything else is refused with
 * CONNECT_ERROR {@code {"message":"unauthorized"}}. A client that comes back with the {@code pid} and
 * {@code offset} of its previous connection (socket.io's connection-state recovery) is rejoined to its rooms and
 * gets what it missed from the store, then {@code 40{"sid","pid"}} with the same pid. In a cluster the sessions
 * to recover are remembered cluster-wide ({@link ClusterRecovery}), so that works on any gateway node.
 *
 * <p>Not thread-safe: one per gateway instance, on its event loop; what the instances share is in {@link ChatNode}.
 */
public final class ChatNamespace implements Namespace {

  private static final Logger LOG = LoggerFactory.getLogger(ChatNamespace.class);
  static final String UNAUTHORIZED = "unauthorized";

  private final Vertx vertx;
  private final TokenVerifier tokens;
  private final ChatNode node;
  private final RoomFanout fanout;
  private final Recovery recovery;
  private final OverloadGuard overload;

  public ChatNamespace(Vertx vertx, TokenVerifier tokens, ChatNode node, OverloadGuard overload) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.node = node;
    this.overload = overload;
    this.fanout = new RoomFanout(vertx, node);
    this.recovery = node.recovery;
  }

  @Override
  public Future<JsonObject> connect(SocketIoSocket socket, JsonObject auth) {
    Object fromAuth = auth.getValue("token");
    String token = fromAuth instanceof String s ? s : socket.engine().query().get("token");
    return tokens.verify(token)
      .recover(e -> Future.failedFuture(UNAUTHORIZED))
      .compose(caller -> recovery.take(auth.getValue("pid") instanceof String pid ? pid : null, caller.userId())
        .compose(previous -> start(socket, auth, caller, previous)));
  }

  /** The session of a verified caller: new, or resuming {@code previous} (null when there is none to resume). */
  private Future<JsonObject> start(SocketIoSocket socket, JsonObject auth, Caller caller, Recovery.Entry previous) {
    String pid = previous != null ? auth.getString("pid") : RecoveryRegistry.newPid();
    ChatSession session = new ChatSession(vertx, socket, caller, fanout, overload);
    socket.eventHandler(session::onEvent);
    if (previous != null) {
      socket.resumeId(previous.sid());
    }
    session.onRoomsChanged(() -> recovery.changed(pid, caller.userId(), socket.id(), session.roomBases()));
    socket.disconnectHandler(reason -> {
      session.closed();
      // as socket.io does: only leaving the namespace (41) is final; any lost or closed transport may resume
      if (!reason.equals(SocketIoSocket.CLIENT_NAMESPACE_DISCONNECT)) {
        recovery.ended(pid, caller.userId(), socket.id(), session.roomBases());
      } else {
        recovery.forget(pid);
      }
    });
    JsonObject reply = new JsonObject().put("pid", pid);
    if (previous == null) {
      return Future.succeededFuture(reply);
    }
    node.recovered.increment();
    return session.recover(previous.rooms(), offset(auth.getValue("offset")))
      .onSuccess(v -> recovery.changed(pid, caller.userId(), socket.id(), session.roomBases())).map(reply)
      .onFailure(e -> LOG.warn("recovery of {} for user {} failed: {}", pid, caller.userId(), e.getMessage()));
  }

  private static long offset(Object value) {
    return value instanceof String s && s.matches("\\d{1,18}") ? Long.parseLong(s) : 0;
  }

  public void close() {
    fanout.close();
  }
}
