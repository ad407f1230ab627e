package io.midnight.common.socketio;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnginePacketTest {

  @ParameterizedTest
  @ValueSource(strings = {"0{\"sid\":\"x\"}", "1", "2", "3", "2probe", "3probe", "4hello", "42[\"a\"]", "5", "6"})
  void everyTextPacketTypeRoundTrips(String frame) {
    EnginePacket packet = EnginePacket.decodeText(frame);
    assertThat(packet.type()).isEqualTo(frame.charAt(0));
    assertThat(packet.encodeText()).isEqualTo(frame);
  }

  @Test
  void pollingPayloadJoinsWithRecordSeparatorAndBase64ForBinary() {
    List<EnginePacket> packets = List.of(EnginePacket.message("42[\"a\"]"), EnginePacket.of(EnginePacket.PING),
      EnginePacket.binary(Buffer.buffer(new byte[] {1, 2, 3, 4})));
    String body = EnginePacket.encodePayload(packets);
    assertThat(body).isEqualTo("442[\"a\"]\u001e2\u001ebAQIDBA==");
    assertThat(EnginePacket.decodePayload(body)).containsExactlyElementsOf(packets);
  }

  @Test
  void singlePacketPayload() {
    assertThat(EnginePacket.decodePayload("40")).containsExactly(EnginePacket.message("0"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "9", "4a\u001e", "x", "b!!notbase64", "40\u001e7"})
  void rejectsBadPayloads(String body) {
    assertThatThrownBy(() -> EnginePacket.decodePayload(body)).isInstanceOf(IllegalArgumentException.class);
  }
}
