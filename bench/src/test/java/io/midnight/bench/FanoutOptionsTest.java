package io.midnight.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.midnight.bench.FanoutOptions.Target.bare;
import static io.midnight.bench.FanoutOptions.Target.midnight;
import static io.midnight.bench.FanoutOptions.Target.socketio;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --targets} and the option checks of the fan-out bench; the message ledger's lost and duplicated counts. */
class FanoutOptionsTest {

  @Test
  void targetsKeepTheirOrderOnceEachWithTheUsualSpellings() {
    assertThat(FanoutOptions.Target.parse("midnight,bare,socketio")).containsExactly(midnight, bare, socketio);
    assertThat(FanoutOptions.Target.parse(" Socket.IO , midnight,midnight")).containsExactly(socketio, midnight);
    assertThat(FanoutOptions.Target.parse("node")).containsExactly(socketio);
  }

  @Test
  void anUnknownOrEmptyTargetListIsRefusedWithTheChoices() {
    assertThatThrownBy(() -> FanoutOptions.Target.parse("midnight,redis"))
      .hasMessageContaining("'redis'").hasMessageContaining("midnight, bare, socketio");
    assertThatThrownBy(() -> FanoutOptions.Target.parse(" , ")).hasMessageContaining("no target");
  }

  @Test
  void capsAndOverloadMustBePositive() {
    assertThatThrownBy(() -> new FanoutOptions.Caps(0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FanoutOptions.Overload(true, -1.0, 60, List.of(2.0)))
      .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FanoutOptions.Overload(true, null, 0, List.of(2.0)))
      .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FanoutOptions(10, 2, 1, 1, 10, (Path) null, List.of(), 1, 1,
      new FanoutOptions.Caps(1, 1), FanoutOptions.Overload.off(), List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theLedgerCountsLostDeliveriesOfAckedMessagesAndExtraDeliveriesOfAny() {
    MessageLedger mine = new MessageLedger(4);
    MessageLedger theirs = new MessageLedger(4);
    for (int n = 0; n < 3; n++) {
      mine.sent(n, 2);
    }
    mine.acked(0);
    mine.acked(1);
    mine.received(0);
    theirs.received(0);          // message 0: both members
    mine.received(1);            // message 1: one of two, acked: one lost
    mine.received(2);
    theirs.received(2);
    theirs.received(2);          // message 2: three deliveries to a room of two, never acked: one duplicated
    assertThat(theirs.received(9)).isFalse();
    MessageLedger all = mine.copy().add(theirs);
    assertThat(all.lost()).isEqualTo(1);
    assertThat(all.duplicated()).isEqualTo(1);
    assertThat(all.ackedDeliveries()).isEqualTo(3);
  }
}
