package io.midnight.common.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Loads Midnight's configuration in this order (README, "Configuration"): built-in defaults, then a JSON or YAML file,
 * then {@code MIDNIGHT_*} environment variables, then command-line flags; later sources win.
 *
 * <p>Environment variables can only set keys the defaults know: {@code storage.maxMessagesPerShard} is
 * {@code MIDNIGHT_STORAGE_MAX_MESSAGES_PER_SHARD}. Their values are converted to the type of the default.
 */
public final class MidnightConfig {

  public static final String ENV_PREFIX = "MIDNIGHT_";

  private MidnightConfig() {
  }

  public static Future<JsonObject> load(Vertx vertx, JsonObject defaults, String configFile, JsonObject flags) {
    Map<String, String> envNames = envNames(defaults);
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
      .setScanPeriod(-1)
      .setIncludeDefaultStores(false)
      .addStore(new ConfigStoreOptions().setType("json").setConfig(defaults.copy()));
    if (configFile != null) {
      String lower = configFile.toLowerCase(Locale.ROOT);
      String format = lower.endsWith(".yaml") || lower.endsWith(".yml") ? "yaml" : "json";
      options.addStore(new ConfigStoreOptions().setType("file").setFormat(format)
        .setConfig(new JsonObject().put("path", configFile)));
    }
    options.addStore(new ConfigStoreOptions().setType("env")
      .setConfig(new JsonObject().put("keys", new JsonArray(envNames.keySet().stream().toList())).put("raw-data", true)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
      .eventually(retriever::close)
      .map(merged -> {
        JsonObject config = new JsonObject();
        merged.forEach(e -> {
          if (!envNames.containsKey(e.getKey())) {
            config.put(e.getKey(), e.getValue());
          }
        });
        envNames.forEach((env, path) -> {
          Object raw = merged.getValue(env);
          if (raw != null) {
            setPath(config, path, convert(env, raw.toString(), getPath(defaults, path)));
          }
        });
        return config.mergeIn(flags == null ? new JsonObject() : flags, true);
      });
  }

  /** The environment variable for every leaf of {@code defaults}, mapped to its dotted path. */
  static Map<String, String> envNames(JsonObject defaults) {
    Map<String, String> names = new LinkedHashMap<>();
    collect(defaults, "", names);
    return names;
  }

  private static void collect(JsonObject node, String prefix, Map<String, String> names) {
    for (Map.Entry<String, Object> e : node) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue() instanceof JsonObject child) {
        collect(child, path, names);
      } else {
        names.put(ENV_PREFIX + upperSnake(path), path);
      }
    }
  }

  static String upperSnake(String path) {
    StringBuilder out = new StringBuilder();
    for (char c : path.toCharArray()) {
      if (c == '.') {
        out.append('_');
      } else if (Character.isUpperCase(c)) {
        out.append('_').append(c);
      } else {
        out.append(Character.toUpperCase(c));
      }
    }
    return out.toString();
  }

  private static Object convert(String env, String raw, Object example) {
    try {
      if (example instanceof Integer) {
        return Integer.parseInt(raw.trim());
      } else if (example instanceof Long) {
        return Long.parseLong(raw.trim());
      } else if (example instanceof Number) {
        return Double.parseDouble(raw.trim());
      } else if (example instanceof Boolean) {
        return Boolean.parseBoolean(raw.trim());
      }
      return raw;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(env + " must be a number, got '" + raw + "'");
    }
  }

  public static Object getPath(JsonObject root, String path) {
    JsonObject node = root;
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length - 1; i++) {
      node = node.getJsonObject(parts[i]);
      if (node == null) {
        return null;
      }
    }
    return node.getValue(parts[parts.length - 1]);
  }

  public static void setPath(JsonObject root, String path, Object value) {
    JsonObject node = root;
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject child = node.getJsonObject(parts[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = child;
    }
    node.put(parts[parts.length - 1], value);
  }
}
