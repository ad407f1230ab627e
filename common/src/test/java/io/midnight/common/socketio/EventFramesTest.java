package io.midnight.common.socketio;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventFramesTest {

  @Test
  void aFinishedPrefixIsTheEventPacketTheCodecWouldEncode() {
    JsonObject message = new JsonObject().put("id", 7).put("room", 1).put("text", "🎆 \"Happy\" New Year\n");
    String prefix = EventFrames.prefix("message", message);
    assertThat(EventFrames.withOffset(prefix, 7)).isEqualTo(SocketIoPacket.event("/", -1,
      new JsonArray().add("message").add(message).add("7")).encodeText());
    assertThat(EventFrames.withoutOffset(prefix)).isEqualTo(SocketIoPacket.event("/", -1,
      new JsonArray().add("message").add(message)).encodeText());
  }

  @Test
  void theEnginePacketDecodesBackToTheEvent() {
    String frame = EventFrames.engine(EventFrames.withOffset(EventFrames.prefix("presence",
      new JsonObject().put("room", 2).put("online", 3)), 40));
    EnginePacket engine = EnginePacket.decodeText(frame);
    assertThat(engine.type()).isEqualTo(EnginePacket.MESSAGE);
    SocketIoPacket packet = SocketIoPacket.decode(engine.text());
    assertThat(packet.eventName()).isEqualTo("presence");
    assertThat(packet.args().getJsonObject(0).getInteger("online")).isEqualTo(3);
    assertThat(packet.args().getString(1)).isEqualTo("40");
  }

  @Test
  void theClientAndServerFramesAreWhatTheCodecDecodes() {
    assertThat(EventFrames.CONNECT).isEqualTo("40");
    assertThat(EventFrames.PONG).isEqualTo("3");
    SocketIoPacket connected = SocketIoPacket.decode(EventFrames.connected("abc").substring(1));
    assertThat(connected.type()).isEqualTo(SocketIoPacket.CONNECT);
    assertThat(((JsonObject) connected.data()).getString("sid")).isEqualTo("abc");

    JsonObject body = new JsonObject().put("room", 3).put("text", "say \"hi\"");
    String byHand = EventFrames.rawEvent(12, "message", body.encode());
    assertThat(byHand).isEqualTo(EventFrames.event(12, "message", body));
    SocketIoPacket event = SocketIoPacket.decode(byHand.substring(1));
    assertThat(event.ackId()).isEqualTo(12);
    assertThat(event.eventName()).isEqualTo("message");
    assertThat(event.args().getJsonObject(0)).isEqualTo(body);

    SocketIoPacket ack = SocketIoPacket.decode(EventFrames.ack(5, new JsonObject().put("ok", true)).substring(1));
    assertThat(ack.type()).isEqualTo(SocketIoPacket.ACK);
    assertThat(ack.ackId()).isEqualTo(5);
    assertThat(ack.args().getJsonObject(0).getBoolean("ok")).isTrue();
  }
}
