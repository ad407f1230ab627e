package io.midnight.messages;

import io.midnight.common.config.Defaults;
import io.vertx.core.json.JsonObject;

/**
 * The message service's slice of the configuration ({@code messages.*}).
 *
 * @param ratePerSecond sustained messages per second one user may send (token-bucket refill)
 * @param burst         messages one user may send at once (token-bucket capacity)
 * @param maxTextLength characters (code points) in one message
 */
public record MessageOptions(double ratePerSecond, int burst, int maxTextLength) {

  public MessageOptions {
    if (ratePerSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("messages.ratePerSecond must be > 0 and messages.burst >= 1");
    }
    if (maxTextLength < 1) {
      throw new IllegalArgumentException("messages.maxTextLength must be >= 1");
    }
  }

  public static MessageOptions fromConfig(JsonObject config) {
    JsonObject messages = Defaults.section(config, "messages");
    return new MessageOptions(messages.getDouble("ratePerSecond"), messages.getInteger("burst"),
      messages.getInteger("maxTextLength"));
  }
}
