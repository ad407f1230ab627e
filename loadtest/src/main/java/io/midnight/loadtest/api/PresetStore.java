package io.midnight.loadtest.api;

import io.midnight.loadtest.Preset;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The presets of one data directory: the built-in ones (read-only), and those saved through the config API in
 * {@code loadtest-presets.json}. A save is written to a temporary file, forced to disk and renamed over the old
 * file, so a crash leaves the old presets or the new ones, never half a file. Blocking (a save runs on a worker
 * while reads come from the event loop, hence the lock).
 */
public final class PresetStore {

  private static final Logger LOG = LoggerFactory.getLogger(PresetStore.class);

  public static final String FILE = "loadtest-presets.json";

  private final Path file;
  private final Map<String, Preset> saved = new LinkedHashMap<>();

  /** Reads the saved presets of {@code dataDir}; a damaged file stops here with its name rather than being lost. */
  public PresetStore(Path dataDir) {
    this.file = dataDir.resolve(FILE);
    if (Files.exists(file)) {
      try {
        JsonArray presets = new JsonObject(Files.readString(file)).getJsonArray("presets", new JsonArray());
        for (Object entry : presets) {
          JsonObject json = ((JsonObject) entry).copy();
          String name = json.getString("name");
          if (isBuiltIn(name)) {
            // saved when built-ins could be edited: kept as a copy of its own, since built-ins are read-only now
            Preset base = builtIn(name).orElseThrow();
            name = copyName(name);
            json.put("name", name);
            LOG.warn("{}: the edited built-in preset '{}' is now the preset '{}' (built-ins are read-only)", file,
              base.name(), name);
            saved.put(name, Preset.fromJson(name, base, json));
          } else {
            saved.put(name, Preset.fromJson(name, Preset.named("quick").orElseThrow(), json));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
        throw new IllegalStateException(file + " is damaged (" + e.getMessage() + "): fix or remove it", e);
      }
    }
  }

  private String copyName(String builtIn) {
    String name = builtIn + "-saved";
    for (int i = 2; saved.containsKey(name) || isBuiltIn(name); i++) {
      name = builtIn + "-saved-" + i;
    }
    return name;
  }

  /** Built-in presets in menu order, then the saved ones in the order they were added. */
  public synchronized List<Preset> all() {
    Map<String, Preset> all = new LinkedHashMap<>();
    Preset.BUILT_IN.forEach(p -> all.put(p.name(), p));
    all.putAll(saved);
    return new ArrayList<>(all.values());
  }

  public synchronized Optional<Preset> named(String name) {
    return Optional.ofNullable(saved.get(name)).or(() -> builtIn(name));
  }

  /** Whether {@code name} is one of the built-in presets (as opposed to one added through the API). */
  public static boolean isBuiltIn(String name) {
    return builtIn(name).isPresent();
  }

  private static Optional<Preset> builtIn(String name) {
    return Preset.named(name).filter(p -> p.name().equals(name));
  }

  /** Saves {@code preset} durably, replacing one of the same name. */
  public synchronized void save(Preset preset) {
    Map<String, Preset> next = new LinkedHashMap<>(saved);
    next.put(preset.name(), preset);
    JsonArray presets = new JsonArray();
    next.values().forEach(p -> presets.add(p.toJson()));
    byte[] bytes = new JsonObject().put("presets", presets).encodePrettily().getBytes(StandardCharsets.UTF_8);
    Path temp = file.resolveSibling(FILE + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
        out.write(ByteBuffer.wrap(bytes));
        out.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        dir.force(true); // the rename itself survives a crash
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save presets to " + file, e);
    }
    saved.clear();
    saved.putAll(next);
  }
}
