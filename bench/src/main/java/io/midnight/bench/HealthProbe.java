package io.midnight.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /health} once a second on a thread of its own (not the load client's event loops, which may be busy),
 * each request started on time whether or not the previous one answered. A request without a 200 within
 * {@value #TIMEOUT_S} s counts as a failure at that latency.
 */
final class HealthProbe implements AutoCloseable {

  private static final long TIMEOUT_S = 5;

  // HTTP/1.1, see TargetProcess
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(TIMEOUT_S))
    .version(HttpClient.Version.HTTP_1_1).build();
  private final HttpRequest request;
  private final ConcurrentLinkedQueue<CompletableFuture<Void>> inFlight = new ConcurrentLinkedQueue<>();
  private final Thread ticker;
  private volatile boolean running = true;
  private long samples;
  private long failures;
  private long overOneSecond;
  private double maxMs;

  /** What the probe saw: samples taken, those slower than 1 s or failed, and the slowest in ms. */
  record Figures(long samples, long overOneSecond, long failures, double maxMs) {
  }

  HealthProbe(int port) {
    request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
      .timeout(Duration.ofSeconds(TIMEOUT_S)).build();
    ticker = new Thread(this::tick, "health-probe");
    ticker.setDaemon(true);
    ticker.start();
  }

  private void tick() {
    long next = System.nanoTime();
    while (running) {
      long t0 = System.nanoTime();
      CompletableFuture<Void> probe = http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle((response, error) -> {
          record(t0, error == null && response.statusCode() == 200);
          return null;
        });
      inFlight.add(probe);
      inFlight.removeIf(CompletableFuture::isDone);
      next += 1_000_000_000L;
      try {
        TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void record(long t0, boolean ok) {
    double ms = (System.nanoTime() - t0) / 1e6;
    samples++;
    if (!ok) {
      failures++;
    }
    if (!ok || ms > 1_000) {
      overOneSecond++;
    }
    maxMs = Math.max(maxMs, ms);
  }

  /** Stops probing, waits for the requests under way, and gives the figures. */
  Figures stop() {
    running = false;
    ticker.interrupt();
    try {
      ticker.join(2_000);
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(TIMEOUT_S + 1, TimeUnit.SECONDS);
    } catch (Exception e) {
      // a request that never ended was counted as failed by its timeout, or is left behind
    }
    synchronized (this) {
      return new Figures(samples, overOneSecond, failures, maxMs);
    }
  }

  @Override
  public void close() {
    running = false;
    ticker.interrupt();
  }
}
