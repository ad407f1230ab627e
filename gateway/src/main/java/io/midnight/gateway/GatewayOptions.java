package io.midnight.gateway;

import io.midnight.common.config.Defaults;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * The gateway's slice of the configuration ({@code http.*}, {@code dataDir}, {@code auth.*}).
 *
 * @param host         the address to listen on
 * @param port         the HTTP port (0 picks a free one)
 * @param maxBodyBytes the largest request body accepted (413 beyond)
 * @param dataDir      where the signing key lives when {@code jwtKey} is not set
 * @param jwtKey       the HS256 key, or null to use the data directory's
 * @param instances    gateway instances (each on its own event loop); 0 for one per event loop
 * @param operatorKey  the operator's secret, or null to use the data directory's ({@code OperatorKey})
 * @param operatorOpenOnLoopback whether metrics and the dashboard answer loopback clients without the operator key
 */
public record GatewayOptions(String host, int port, int maxBodyBytes, Path dataDir, String jwtKey, int instances,
                             String operatorKey, boolean operatorOpenOnLoopback) {

  public GatewayOptions {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("http.port must be 0..65535, got " + port);
    }
    if (maxBodyBytes < 1_024) {
      throw new IllegalArgumentException("http.maxBodyBytes must be >= 1024, got " + maxBodyBytes);
    }
    if (instances < 0) {
      throw new IllegalArgumentException("http.instances must be >= 0 (0: one per event loop), got " + instances);
    }
  }

  public static GatewayOptions fromConfig(JsonObject config) {
    JsonObject http = Defaults.section(config, "http");
    JsonObject auth = Defaults.section(config, "auth");
    return new GatewayOptions(http.getString("host"), http.getInteger("port"), http.getInteger("maxBodyBytes"),
      Path.of(Defaults.dataDir(config)), auth.getString("jwtKey"), http.getInteger("instances"),
      auth.getString("operatorKey"), auth.getBoolean("operatorOpenOnLoopback"));
  }
}
