package io.midnight.common.socketio;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One Socket.IO v5 packet: {@code <type>[<attachments>-][<namespace>,][<ack id>][<JSON>]}. {@code data} is a
 * {@link JsonArray} (events, acks), a {@link JsonObject} (connect, connect error) or null; inside it, binary
 * attachments are {@link Buffer}s once {@link #withAttachments reassembled}. {@code ackId} is -1 when absent.
 * Immutable apart from the JSON it holds.
 */
public record SocketIoPacket(int type, String namespace, long ackId, Object data, int attachments) {

  public static final int CONNECT = 0;
  public static final int DISCONNECT = 1;
  public static final int EVENT = 2;
  public static final int ACK = 3;
  public static final int CONNECT_ERROR = 4;
  public static final int BINARY_EVENT = 5;
  public static final int BINARY_ACK = 6;
  public static final String DEFAULT_NAMESPACE = "/";
  private static final Set<String> RESERVED_EVENTS =
    Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

  public static SocketIoPacket event(String namespace, long ackId, JsonArray args) {
    return new SocketIoPacket(EVENT, namespace, ackId, args, 0);
  }

  public static SocketIoPacket ack(String namespace, long ackId, JsonArray args) {
    return new SocketIoPacket(ACK, namespace, ackId, args, 0);
  }

  public static SocketIoPacket connect(String namespace, JsonObject data) {
    return new SocketIoPacket(CONNECT, namespace, -1, data, 0);
  }

  public static SocketIoPacket connectError(String namespace, String message) {
    return new SocketIoPacket(CONNECT_ERROR, namespace, -1, new JsonObject().put("message", message), 0);
  }

  public static SocketIoPacket disconnect(String namespace) {
    return new SocketIoPacket(DISCONNECT, namespace, -1, null, 0);
  }

  /** The event name of an EVENT or BINARY_EVENT. */
  public String eventName() {
    return ((JsonArray) data).getString(0);
  }

  /** The arguments of an event (after its name) or of an ack. */
  public JsonArray args() {
    JsonArray array = (JsonArray) data;
    return type == EVENT || type == BINARY_EVENT ? new JsonArray(array.getList().subList(1, array.size())) : array;
  }

  // ---- encoding ----

  /**
   * The text frame, then one binary frame per attachment. Buffers found anywhere in {@code data} are replaced by
   * placeholders and the type becomes BINARY_EVENT or BINARY_ACK.
   */
  public List<Object> encode() {
    List<Buffer> buffers = new ArrayList<>();
    Object json = data == null ? null : extract(data, buffers);
    int t = type;
    if (!buffers.isEmpty()) {
      t = type == EVENT ? BINARY_EVENT : type == ACK ? BINARY_ACK : type;
    }
    List<Object> frames = new ArrayList<>(1 + buffers.size());
    frames.add(header(t, buffers.size(), namespace, ackId) + (json == null ? "" : Json.encode(json)));
    frames.addAll(buffers);
    return frames;
  }

  /** The text of a packet without binary parts (the common case). */
  public String encodeText() {
    List<Object> frames = encode();
    if (frames.size() != 1) {
      throw new IllegalStateException("packet has binary attachments: use encode()");
    }
    return (String) frames.get(0);
  }

  /** {@code <type>[<n>-][<nsp>,][<ack id>]}: what precedes the JSON. */
  public static String header(int type, int attachments, String namespace, long ackId) {
    StringBuilder out = new StringBuilder(16);
    out.append(type);
    if (attachments > 0) {
      out.append(attachments).append('-');
    }
    if (namespace != null && !DEFAULT_NAMESPACE.equals(namespace)) {
      out.append(namespace).append(',');
    }
    if (ackId >= 0) {
      out.append(ackId);
    }
    return out.toString();
  }

  private static Object extract(Object value, List<Buffer> buffers) {
    if (value instanceof Buffer buffer) {
      JsonObject placeholder = new JsonObject().put("_placeholder", true).put("num", buffers.size());
      buffers.add(buffer);
      return placeholder;
    }
    if (value instanceof byte[] bytes) {
      return extract(Buffer.buffer(bytes), buffers);
    }
    return map(value, v -> extract(v, buffers));
  }

  /** Rebuilds arrays and objects (decoded JSON nests plain Lists and Maps) with {@code f} applied to each value. */
  private static Object map(Object value, UnaryOperator<Object> f) {
    List<?> list = value instanceof JsonArray a ? a.getList() : value instanceof List<?> l ? l : null;
    if (list != null) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(f.apply(v)));
      return new JsonArray(out);
    }
    Map<?, ?> object = value instanceof JsonObject o ? o.getMap() : value instanceof Map<?, ?> m ? m : null;
    if (object != null) {
      Map<String, Object> out = new LinkedHashMap<>();
      object.forEach((k, v) -> out.put(String.valueOf(k), f.apply(v)));
      return new JsonObject(out);
    }
    return value;
  }

  // ---- decoding ----

  /** Decodes a packet's text; fails with a reason for anything the protocol does not allow. */
  public static SocketIoPacket decode(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty Socket.IO packet");
    }
    int type = text.charAt(0) - '0';
    if (type < CONNECT || type > BINARY_ACK) {
      throw new IllegalArgumentException("unknown Socket.IO packet type '" + EnginePacket.printable(text.charAt(0)) + "'");
    }
    int i = 1;
    int attachments = 0;
    if (type == BINARY_EVENT || type == BINARY_ACK) {
      int dash = text.indexOf('-', i);
      if (dash < 0 || dash == i || dash - i > 6 || !digits(text, i, dash)) {
        throw new IllegalArgumentException("binary packet without a valid attachment count");
      }
      attachments = Integer.parseInt(text, i, dash, 10);
      i = dash + 1;
    }
    String namespace = DEFAULT_NAMESPACE;
    if (i < text.length() && text.charAt(i) == '/') {
      int comma = text.indexOf(',', i);
      int end = comma < 0 ? text.length() : comma;
      namespace = text.substring(i, end);
      i = comma < 0 ? end : comma + 1;
    }
    long ackId = -1;
    int start = i;
    while (i < text.length() && Character.isDigit(text.charAt(i)) && text.charAt(i) < 128) {
      i++;
    }
    if (i > start) {
      if (i - start > 15) {
        throw new IllegalArgumentException("ack id too long");
      }
      ackId = Long.parseLong(text, start, i, 10);
    }
    Object data = null;
    if (i < text.length()) {
      try {
        data = Json.decodeValue(text.substring(i));
      } catch (DecodeException e) {
        throw new IllegalArgumentException("payload is not JSON");
      }
    }
    SocketIoPacket packet = new SocketIoPacket(type, namespace, ackId, data, attachments);
    packet.validate();
    return packet;
  }

  private void validate() {
    boolean valid = switch (type) {
      case CONNECT -> data == null || data instanceof JsonObject;
      case DISCONNECT -> data == null;
      case CONNECT_ERROR -> data instanceof JsonObject || data instanceof String;
      case EVENT, BINARY_EVENT -> data instanceof JsonArray array && !array.isEmpty()
        && array.getValue(0) instanceof String name && !RESERVED_EVENTS.contains(name);
      case ACK, BINARY_ACK -> data instanceof JsonArray && ackId >= 0;
      default -> false;
    };
    if (!valid) {
      throw new IllegalArgumentException("invalid payload for a packet of type " + type);
    }
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Replaces the placeholders in {@code data} by the attachments, in order; fails on a placeholder out of range. */
  public SocketIoPacket withAttachments(List<Buffer> buffers) {
    return new SocketIoPacket(type, namespace, ackId, insert(data, buffers), 0);
  }

  private static Object insert(Object value, List<Buffer> buffers) {
    Map<?, ?> object = value instanceof JsonObject o ? o.getMap() : value instanceof Map<?, ?> m ? m : null;
    if (object != null && object.size() == 2 && Boolean.TRUE.equals(object.get("_placeholder"))
      && object.get("num") instanceof Number num) {
      int n = num.intValue();
      if (n < 0 || n >= buffers.size()) {
        throw new IllegalArgumentException("placeholder " + n + " has no attachment");
      }
      return buffers.get(n);
    }
    return map(value, v -> insert(v, buffers));
  }
}
