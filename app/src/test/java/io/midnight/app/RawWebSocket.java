package io.midnight.app;

import io.midnight.common.socketio.SocketIoPacket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bare WebSocket client over a plain {@link Socket}, so a test controls exactly when (and whether) it reads:
 * the way to play a client that stops reading, or one that sends garbage. Reads text frames only.
 */
final class RawWebSocket implements AutoCloseable {

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  /** The Socket.IO CONNECT reply's JSON, for callers that keep it ({@code {"sid","pid"}}). */
  String connectReply;

  /** Connects with a small receive buffer, so that the server's writes back up quickly when nobody reads. */
  RawWebSocket(int port, String pathAndQuery, int receiveBuffer) throws IOException {
    socket = new Socket();
    socket.setReceiveBufferSize(receiveBuffer);
    socket.setSoTimeout(10_000);
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
      + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
      + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String head = readHead();
    if (!head.startsWith("HTTP/1.1 101")) {
      throw new IOException("no WebSocket upgrade: " + head);
    }
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during the handshake");
      }
      head.write(b);
      matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : 0;
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  void sendText(String text) throws IOException {
    sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  void sendBinary(byte[] payload) throws IOException {
    sendFrame(0x2, payload);
  }

  private void sendFrame(int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write(0x80 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65_536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >> shift) & 0xff);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** The next text frame, or null when the server closed the connection (a close frame or EOF). */
  String readText() throws IOException {
    while (true) {
      int b0 = in.read();
      if (b0 < 0) {
        return null;
      }
      int b1 = in.readUnsignedByte();
      long length = b1 & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      int opcode = b0 & 0x0f;
      if (opcode == 0x8) {
        return null;
      }
      if (opcode == 0x1) {
        return new String(payload, StandardCharsets.UTF_8);
      }
    }
  }

  /**
   * A raw Socket.IO client: Engine.IO open, then CONNECT to the main namespace with the token and {@code auth} (may
   * be null; {@code pid} and {@code offset} ask for recovery); keeps the reply's JSON in {@link #connectReply}.
   */
  static RawWebSocket connectSocketIo(int port, String token, JsonObject auth) throws IOException {
    RawWebSocket ws = new RawWebSocket(port, "/socket.io/?EIO=4&transport=websocket&token=" + token, 1 << 16);
    assertThat(ws.readText()).startsWith("0{");
    ws.sendText("40" + (auth == null ? "" : auth.encode()));
    String reply = ws.readText();
    assertThat(reply).startsWith("40{");
    ws.connectReply = reply.substring(2);
    return ws;
  }

  /** Joins {@code room} (after {@code sinceSeq} when not null) and waits for the ack; deliveries before it are dropped. */
  void join(long room, Long sinceSeq) throws IOException {
    JsonObject body = new JsonObject().put("room", room);
    if (sinceSeq != null) {
      body.put("sinceSeq", sinceSeq);
    }
    sendText("421" + new JsonArray().add("join").add(body).encode());
    String ack = readText();
    while (!ack.startsWith("431")) { // deliveries may come before the ack
      ack = readText();
    }
    assertThat(ack).doesNotContain("\"error\"");
  }

  /** Reads deliveries' seqs into {@code seen} until it holds {@code last}; answers pings; answers the last offset. */
  String readUntil(List<Long> seen, long last) throws IOException {
    String offset = null;
    while (seen.isEmpty() || seen.get(seen.size() - 1) < last) {
      String frame = readText();
      if (frame == null) {
        throw new IOException("the server closed the connection after seq " + (seen.isEmpty() ? "none"
          : seen.get(seen.size() - 1)));
      }
      if (frame.equals("2")) {
        sendText("3");
      } else if (frame.startsWith("42")) {
        SocketIoPacket packet = SocketIoPacket.decode(frame.substring(1));
        if ("message".equals(packet.eventName())) {
          seen.add(packet.args().getJsonObject(0).getLong("seq"));
          offset = packet.args().getString(packet.args().size() - 1);
        }
      }
    }
    return offset;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
