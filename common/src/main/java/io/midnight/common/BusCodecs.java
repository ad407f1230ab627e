package io.midnight.common;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * Codecs for the hot-path payloads. Their bodies are immutable records, so a local hop passes the same instance
 * (a JSON body would be deep-copied at every hop); a clustered hop writes them as length-prefixed JSON.
 */
public final class BusCodecs {

  private static final Set<Vertx> REGISTERED = Collections.newSetFromMap(new WeakHashMap<>());

  private BusCodecs() {
  }

  /** Registers the codecs once per Vert.x instance; every verticle that sends or receives them calls it. */
  public static synchronized void register(Vertx vertx) {
    if (REGISTERED.add(vertx)) {
      vertx.eventBus().registerDefaultCodec(AppendRequest.class,
        new RecordCodec<>("midnight.append-request", AppendRequest::toJson, AppendRequest::fromJson));
      vertx.eventBus().registerDefaultCodec(AppendReply.class,
        new RecordCodec<>("midnight.append-reply", AppendReply::toJson, AppendReply::fromJson));
    }
  }

  private record RecordCodec<T>(String name, Function<T, JsonObject> toJson, Function<JsonObject, T> fromJson)
    implements MessageCodec<T, T> {

    @Override
    public void encodeToWire(Buffer buffer, T body) {
      Buffer json = toJson.apply(body).toBuffer();
      buffer.appendInt(json.length()).appendBuffer(json);
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return fromJson.apply(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
    }

    @Override
    public T transform(T body) {
      return body; // immutable
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
