package io.midnight.app;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a client that has not signed in (or one that streams) can make the server hold, against the real server
 * with its default {@code maxPayload} (1,000,000 bytes) and {@code maxAttachments} (10): a session is closed as
 * soon as it passes a bound, and a chunked polling body is cut at {@code maxPayload} instead of read to its end.
 */
class InputBoundsTest {

  static final int MAX_PAYLOAD = 1_000_000;

  @TempDir
  static Path dir;
  static InProcessMidnight midnight;

  @BeforeAll
  static void start() {
    midnight = new InProcessMidnight(dir, new JsonObject());
  }

  @AfterAll
  static void stop() {
    midnight.close();
  }

  /** Reads until the server ends the session; a session still open after 10 s fails the read with a timeout. */
  static void assertClosedByServer(RawWebSocket ws) throws IOException {
    String frame;
    do {
      frame = ws.readText();
    } while (frame != null && !frame.equals("1"));
  }

  @Test
  void aPacketAnnouncingMoreAttachmentsThanAllowedClosesTheSessionAtOnce() throws Exception {
    try (RawWebSocket ws = new RawWebSocket(midnight.port, "/socket.io/?EIO=4&transport=websocket", 1 << 16)) {
      assertThat(ws.readText()).startsWith("0{");
      ws.sendText("45999999-[\"message\",{\"_placeholder\":true,\"num\":0}]");
      assertClosedByServer(ws);
    }
  }

  @Test
  void aBinaryPacketBeforeTheClientJoinedANamespaceClosesTheSession() throws Exception {
    try (RawWebSocket ws = new RawWebSocket(midnight.port, "/socket.io/?EIO=4&transport=websocket", 1 << 16)) {
      assertThat(ws.readText()).startsWith("0{");
      ws.sendText("451-[\"message\",{\"_placeholder\":true,\"num\":0}]");
      assertClosedByServer(ws);
    }
  }

  @Test
  void attachmentsAddingUpPastMaxPayloadCloseTheSession() throws Exception {
    String token = midnight.api.user("binary_sender").getString("token");
    try (RawWebSocket ws = RawWebSocket.connectSocketIo(midnight.port, token, null)) {
      ws.sendText("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
      ws.sendBinary(new byte[MAX_PAYLOAD * 6 / 10]);
      ws.sendBinary(new byte[MAX_PAYLOAD * 6 / 10]);
      assertClosedByServer(ws);
    }
  }

  @Test
  void aChunkedPollingBodyIsCutAtMaxPayloadNotReadToItsEnd() throws Exception {
    String open = midnight.api.get("/socket.io/?EIO=4&transport=polling", null).raw().body();
    String sid = new JsonObject(open.substring(open.indexOf('{'))).getString("sid");
    long offered = 64L * MAX_PAYLOAD;
    long sent = 0;
    String answer = "";
    try (Socket socket = new Socket("127.0.0.1", midnight.port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(("POST /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = ("10000\r\n" + "4".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      try {
        while (sent < offered && in.available() == 0) {
          out.write(chunk);
          sent += 0x10000;
        }
        byte[] head = new byte[12];
        int n = in.readNBytes(head, 0, head.length);
        answer = new String(head, 0, n, StandardCharsets.US_ASCII);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer after " + sent + " bytes", e);
      } catch (IOException e) {
        answer = "reset: " + e.getMessage(); // the server closed while we were still writing: it stopped reading
      }
    }
    assertThat(sent).as("the server answered or hung up long before the body's end (it was %s: %s)", sent, answer)
      .isLessThan(offered / 4);
    assertThat(answer).matches("HTTP/1.1 413|reset: .*");
    assertThat(midnight.api.get("/health", null).status()).isEqualTo(200);
  }
}
