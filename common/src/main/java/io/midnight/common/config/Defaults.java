package io.midnight.common.config;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The one source of every default: {@code midnight-defaults.json} beside this class's module (README,
 * "Configuration"). {@link MidnightConfig} layers the file, the environment and the flags over it; each module's
 * options record reads its section through {@link #section}, so a config that leaves a key out (a test's, an older
 * file) still gets the default, and no record repeats a default in code.
 */
public final class Defaults {

  private static final JsonObject ALL = load();

  private Defaults() {
  }

  /** Every default, as the configuration's tree (a copy). */
  public static JsonObject all() {
    return ALL.copy();
  }

  /** {@code config}'s section {@code name} over the defaults of that section (a copy; {@code config} may be null). */
  public static JsonObject section(JsonObject config, String name) {
    return over(name, config == null ? null : config.getJsonObject(name));
  }

  /** {@code given}, a section {@code name} of a config (may be null), over the defaults of that section (a copy). */
  public static JsonObject over(String name, JsonObject given) {
    JsonObject merged = ALL.getJsonObject(name).copy();
    return given == null ? merged : merged.mergeIn(given, true);
  }

  /** {@code dataDir} from {@code config}, else its default. */
  public static String dataDir(JsonObject config) {
    String given = config == null ? null : config.getString("dataDir");
    return given != null ? given : ALL.getString("dataDir");
  }

  private static JsonObject load() {
    try (InputStream in = Defaults.class.getResourceAsStream("/midnight-defaults.json")) {
      if (in == null) {
        throw new IllegalStateException("midnight-defaults.json is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
