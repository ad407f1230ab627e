package io.midnight.common.socketio;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SocketIoPacketTest {

  @ParameterizedTest
  @ValueSource(strings = {
    "0", "0{\"token\":\"abc\"}", "0/custom,", "0/custom,{\"token\":\"abc\"}",
    "1", "1/custom,",
    "2[\"message\",{\"room\":1,\"text\":\"hi 🎉\"}]", "212[\"join\",{\"room\":1}]", "2/custom,7[\"a\",1,true,null]",
    "30[]", "312[{\"id\":1,\"seq\":2,\"ts\":3}]", "3/custom,5[\"x\"]",
    "4{\"message\":\"unauthorized\"}", "4/ns,{\"message\":\"Invalid namespace\"}",
    "51-[\"upload\",{\"_placeholder\":true,\"num\":0}]", "62-/custom,9[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"})
  void everyPacketTypeRoundTrips(String wire) {
    SocketIoPacket packet = SocketIoPacket.decode(wire);
    String again = (String) new SocketIoPacket(packet.type(), packet.namespace(), packet.ackId(), packet.data(),
      0).encode().get(0);
    if (packet.attachments() == 0) {
      assertThat(again).isEqualTo(wire);
    }
    assertThat(SocketIoPacket.decode(wire)).isEqualTo(packet);
  }

  @Test
  void decodesTheParts() {
    SocketIoPacket p = SocketIoPacket.decode("2/chat,42[\"message\",{\"b\":1,\"a\":2}]");
    assertThat(p.type()).isEqualTo(SocketIoPacket.EVENT);
    assertThat(p.namespace()).isEqualTo("/chat");
    assertThat(p.ackId()).isEqualTo(42);
    assertThat(p.eventName()).isEqualTo("message");
    assertThat(p.args().getJsonObject(0).fieldNames()).containsExactly("b", "a");
  }

  @Test
  void namespaceWithAndWithoutTrailingComma() {
    assertThat(SocketIoPacket.decode("0/custom").namespace()).isEqualTo("/custom");
    assertThat(SocketIoPacket.decode("0/custom,").namespace()).isEqualTo("/custom");
    assertThat(SocketIoPacket.decode("0").namespace()).isEqualTo("/");
  }

  @Test
  void encodesCompactJsonInKeyOrderAndOmitsTheDefaultNamespace() {
    JsonObject body = new JsonObject().put("z", 1).put("a", "é 🎆").put("m", new JsonArray().add(1).add(2));
    String wire = SocketIoPacket.event("/", 7, new JsonArray().add("message").add(body)).encodeText();
    assertThat(wire).isEqualTo("27[\"message\",{\"z\":1,\"a\":\"é 🎆\",\"m\":[1,2]}]");
    assertThat(SocketIoPacket.connectError("/ns", "Invalid namespace").encodeText())
      .isEqualTo("4/ns,{\"message\":\"Invalid namespace\"}");
    assertThat(SocketIoPacket.ack("/custom", 3, new JsonArray()).encodeText()).isEqualTo("3/custom,3[]");
    assertThat(SocketIoPacket.disconnect("/").encodeText()).isEqualTo("1");
  }

  @Test
  void buffersBecomePlaceholdersAndComeBack() {
    Buffer first = Buffer.buffer(new byte[] {1, 2, 3});
    Buffer second = Buffer.buffer(new byte[] {4});
    JsonArray data = new JsonArray().add("upload").add(new JsonObject().put("file", first)).add(second);
    List<Object> frames = SocketIoPacket.event("/", -1, data).encode();
    assertThat(frames).hasSize(3);
    assertThat(frames.get(0)).isEqualTo("52-[\"upload\",{\"file\":{\"_placeholder\":true,\"num\":0}},"
      + "{\"_placeholder\":true,\"num\":1}]");
    assertThat(frames.subList(1, 3)).containsExactly(first, second);

    SocketIoPacket decoded = SocketIoPacket.decode((String) frames.get(0));
    assertThat(decoded.type()).isEqualTo(SocketIoPacket.BINARY_EVENT);
    assertThat(decoded.attachments()).isEqualTo(2);
    SocketIoPacket whole = decoded.withAttachments(List.of(first, second));
    assertThat(whole.args().getJsonObject(0).getMap().get("file")).isEqualTo(first);
    assertThat(whole.args().getList().get(1)).isEqualTo(second);
  }

  @Test
  void binaryAckKeepsItsId() {
    List<Object> frames = SocketIoPacket.ack("/", 12, new JsonArray().add(Buffer.buffer("x"))).encode();
    assertThat(frames.get(0)).isEqualTo("61-12[{\"_placeholder\":true,\"num\":0}]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "7", "a", "2{}", "2abc", "2[]", "2[1]", "2[\"connect\"]", "2\"x\"", "0[1]", "1{}",
    "3{}", "3[1]", "4", "4[1]", "5[\"a\"]", "5x-[\"a\"]", "5-[\"a\"]", "2[\"a\"", "21234567890123456[\"a\"]"})
  void rejectsWhatTheProtocolDoesNotAllow(String wire) {
    assertThatThrownBy(() -> SocketIoPacket.decode(wire)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void placeholderWithoutAttachmentIsRejected() {
    SocketIoPacket p = SocketIoPacket.decode("51-[\"a\",{\"_placeholder\":true,\"num\":3}]");
    assertThatThrownBy(() -> p.withAttachments(List.of(Buffer.buffer("x"))))
      .isInstanceOf(IllegalArgumentException.class);
  }
}
