package io.midnight.loadtest.api;

import io.midnight.common.Addresses;
import io.midnight.common.ErrorCode;
import io.midnight.loadtest.ClientLimits;
import io.midnight.loadtest.Countdown;
import io.midnight.loadtest.LoadTestVerticle;
import io.midnight.loadtest.Preset;
import io.midnight.loadtest.report.ReportFiles;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The load tool's config API on the bus (the gateway serves it as {@code /api/loadtest/...}): presets to read and
 * edit, saved in the data directory, and runs to start, watch and stop. One run at a time: two runs on one
 * machine would measure each other. A run's clients live in this JVM, so a run against this node is refused when
 * it needs more open files than the process has left; bigger runs go through {@code midnight load --target}.
 *
 * <p>Config: {@code dataDir} (presets and reports), {@code loadtest.target}, the URL runs use by default (this
 * node's gateway), and {@code loadtest.allowedTargets}, the other URLs (comma-separated) a run may name: a run
 * sends requests to its target, so the target is never whatever the caller likes. Built-in presets are
 * read-only; a copy ({@code copyOf}) is saved under a name of its own. The gateway lets only the operator start,
 * stop or save.
 */
public final class LoadTestApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LoadTestApiVerticle.class);
  private static final int KEPT_RUNS = 20;
  private static final Set<String> PRESET_FIELDS = Set.of("users", "rooms", "durationSeconds", "ratePerUser");
  private static final Set<String> RUN_FIELDS = Set.of("preset", "target", "countdown", "users", "rooms",
    "durationSeconds", "ratePerUser");

  private final Map<String, ApiRun> runs = new LinkedHashMap<>();
  private PresetStore presets;
  private Path reportsRoot;
  private URI defaultTarget;
  private List<URI> allowedTargets;

  @Override
  public Future<?> start() {
    Path dataDir = Path.of(config().getString("dataDir", "data"));
    reportsRoot = dataDir.resolve("reports");
    JsonObject loadtest = config().getJsonObject("loadtest", new JsonObject());
    defaultTarget = URI.create(loadtest.getString("target",
      "http://127.0.0.1:" + config().getJsonObject("http", new JsonObject()).getInteger("port", 4000)));
    allowedTargets = Arrays.stream(loadtest.getString("allowedTargets", "").split(","))
      .filter(t -> !t.isBlank()).map(t -> url(t, "loadtest.allowedTargets")).toList();
    return vertx.executeBlocking(() -> new PresetStore(dataDir)).compose(store -> {
      presets = store;
      handle(Addresses.LOADTEST_PRESETS_LIST, this::listPresets);
      handle(Addresses.LOADTEST_RUNS_LIST, this::listRuns);
      handle(Addresses.LOADTEST_RUNS_START, this::start);
      handle(Addresses.LOADTEST_RUNS_GET, body -> Future.succeededFuture(run(body).toJson()));
      handle(Addresses.LOADTEST_RUNS_STOP, this::stop);
      handle(Addresses.LOADTEST_PRESETS_PUT, this::putPreset);
      return Future.succeededFuture();
    });
  }

  private void handle(String address, Function<JsonObject, Future<JsonObject>> handler) {
    vertx.eventBus().<JsonObject>consumer(address, (Message<JsonObject> message) -> {
      Future<JsonObject> answer;
      try {
        answer = handler.apply(message.body() == null ? new JsonObject() : message.body());
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onSuccess(message::reply).onFailure(e -> {
        if (ErrorCode.of(e) == ErrorCode.INTERNAL) {
          LOG.error("{} failed", address, e);
        }
        ErrorCode.reply(message, e);
      });
    });
  }

  // ---- presets ----

  private Future<JsonObject> listPresets(JsonObject request) {
    JsonArray all = new JsonArray();
    presets.all().forEach(p -> all.add(p.toJson().put("builtIn", PresetStore.isBuiltIn(p.name()))
      .put("deliveriesPerSecond", Math.round(p.deliveriesPerSecond()))));
    return Future.succeededFuture(new JsonObject().put("presets", all));
  }

  private Future<JsonObject> putPreset(JsonObject request) {
    String name = request.getString("name");
    if (!(request.getValue("preset") instanceof JsonObject given)) {
      return ErrorCode.INVALID_PRESET.failed("the body must be a preset object");
    }
    if (PresetStore.isBuiltIn(name)) {
      return ErrorCode.FORBIDDEN.failed("the built-in preset '" + name + "' is read-only: save a copy under a name "
        + "of your own, e.g. PUT /api/loadtest/presets/my-" + name + " with {\"copyOf\": \"" + name + "\", ...}");
    }
    JsonObject body = given.copy();
    Object copyOf = body.remove("copyOf");
    Preset preset;
    try {
      Preset base = copyOf != null ? presets.named(String.valueOf(copyOf)).orElseThrow(() ->
          new IllegalArgumentException("copyOf names no preset: '" + copyOf + "' (GET /api/loadtest/presets)"))
        : presets.named(name).orElseGet(() -> requireAll(name, body));
      preset = Preset.fromJson(name, base, body);
    } catch (IllegalArgumentException e) {
      return ErrorCode.INVALID_PRESET.failed(e.getMessage());
    }
    return vertx.executeBlocking(() -> {
      presets.save(preset);
      return preset.toJson().put("builtIn", false);
    }, true);
  }

  /** A new preset must say all its sizes; an edit may change one field. Answers a base that the body overrides. */
  private static Preset requireAll(String name, JsonObject body) {
    for (String field : PRESET_FIELDS) {
      if (!body.containsKey(field)) {
        throw new IllegalArgumentException("new preset '" + name + "' needs users, rooms, durationSeconds and "
          + "ratePerUser, or copyOf (a preset to start from); missing " + field);
      }
    }
    return new Preset(name, 1, 1, 1, Preset.DEFAULT_RATE_PER_USER);
  }

  // ---- runs ----

  private Future<JsonObject> listRuns(JsonObject request) {
    List<ApiRun> newestFirst = new ArrayList<>(runs.values());
    Collections.reverse(newestFirst);
    JsonArray all = new JsonArray();
    newestFirst.forEach(r -> all.add(r.summary()));
    return Future.succeededFuture(new JsonObject().put("runs", all));
  }

  private Future<JsonObject> start(JsonObject request) {
    for (String field : request.fieldNames()) {
      if (!RUN_FIELDS.contains(field)) {
        return ErrorCode.INVALID_REQUEST.failed("unknown field '" + field + "'; a run takes " + String.join(", ",
          new TreeSet<>(RUN_FIELDS)));
      }
    }
    if (!(request.getValue("preset") instanceof String name)) {
      return ErrorCode.INVALID_REQUEST.failed("preset must be the name of a preset (GET /api/loadtest/presets)");
    }
    ApiRun active = runs.values().stream().filter(ApiRun::active).findFirst().orElse(null);
    if (active != null) {
      return ErrorCode.RUN_IN_PROGRESS.failed("run " + active.id() + " is still going; stop it with DELETE "
        + "/api/loadtest/runs/" + active.id() + " or wait for it");
    }
    Preset base = presets.named(name).orElse(null);
    if (base == null) {
      return ErrorCode.PRESET_NOT_FOUND.failed("no preset named '" + name + "' (GET /api/loadtest/presets)");
    }
    Preset preset;
    URI target;
    LoadTestVerticle test;
    ApiRun[] holder = new ApiRun[1];
    try {
      JsonObject overrides = new JsonObject();
      PRESET_FIELDS.stream().filter(request::containsKey).forEach(f -> overrides.put(f, request.getValue(f)));
      preset = Preset.fromJson(name, base, overrides);
      target = target(request.getValue("target"));
      test = new LoadTestVerticle(preset, countdown(request.getValue("countdown")), target, line -> holder[0].log(line));
    } catch (IllegalArgumentException | ClassCastException e) {
      return ErrorCode.INVALID_REQUEST.failed(e.getMessage());
    }
    long filesLeft = ClientLimits.filesLeft();
    long needed = (target.equals(defaultTarget) ? 2L : 1L) * preset.users() + 200;
    if (filesLeft >= 0 && needed > filesLeft) {
      return ErrorCode.INVALID_REQUEST.failed(String.format("%,d users need about %,d open files in this process "
        + "and %,d are left: run the clients from another process (midnight load --preset %s --target %s)",
        preset.users(), needed, filesLeft, preset.name(), target));
    }
    ApiRun run = new ApiRun(test, target);
    holder[0] = run;
    remember(run);
    vertx.deployVerticle(test).onComplete(deployed -> {
      if (deployed.failed()) {
        run.failed(deployed.cause().getMessage());
        return;
      }
      test.report()
        .compose(report -> vertx.executeBlocking(() -> {
          Path dir = ReportFiles.newDir(reportsRoot, preset.name());
          ReportFiles.write(dir, report);
          return dir.toString();
        }).onSuccess(dir -> run.finished(report, dir)))
        .onFailure(e -> run.failed(e.getMessage()))
        .eventually(() -> vertx.undeploy(deployed.result()));
    });
    LOG.info("load test {} started through the API: {} against {}", run.id(), preset, target);
    return Future.succeededFuture(run.toJson());
  }

  private void remember(ApiRun run) {
    runs.put(run.id(), run);
    if (runs.size() > KEPT_RUNS) {
      runs.values().stream().filter(r -> !r.active()).findFirst().ifPresent(old -> runs.remove(old.id()));
    }
  }

  private Future<JsonObject> stop(JsonObject request) {
    ApiRun run = run(request);
    if (run.active()) {
      run.stopping();
      run.test.requestStop();
    }
    return Future.succeededFuture(run.toJson());
  }

  private ApiRun run(JsonObject request) {
    ApiRun run = runs.get(request.getString("id", ""));
    if (run == null) {
      throw ErrorCode.RUN_NOT_FOUND.exception("no run with id '" + request.getString("id")
        + "' (runs are kept in memory: the last " + KEPT_RUNS + " since this node started)");
    }
    return run;
  }

  private static Countdown countdown(Object value) {
    if (value == null) {
      return Countdown.DEFAULT;
    }
    if (!(value instanceof JsonObject json)) {
      throw new IllegalArgumentException("countdown must be an object {countdownSeconds, windowSeconds, greetings, "
        + "connectStormSeconds}");
    }
    for (String field : json.fieldNames()) {
      if (!List.of("countdownSeconds", "windowSeconds", "greetings", "connectStormSeconds").contains(field)) {
        throw new IllegalArgumentException("unknown countdown field '" + field + "'; a countdown has countdownSeconds, "
          + "windowSeconds, greetings (each user's at 00:00) and connectStormSeconds");
      }
    }
    Countdown d = Countdown.DEFAULT;
    try {
      return new Countdown(json.getInteger("countdownSeconds", d.countdownSeconds()),
        json.getInteger("windowSeconds", d.windowSeconds()), json.getInteger("greetings", d.greetings()),
        json.getInteger("connectStormSeconds", d.connectStormSeconds()));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("the countdown's fields must be whole numbers");
    }
  }

  /** The run's target: this node unless the body names one of {@code loadtest.allowedTargets}. */
  private URI target(Object value) {
    if (value == null) {
      return defaultTarget;
    }
    URI uri = url(String.valueOf(value), "target");
    if (!origin(uri).equals(origin(defaultTarget)) && allowedTargets.stream().noneMatch(a -> origin(a).equals(origin(uri)))) {
      throw ErrorCode.TARGET_NOT_ALLOWED.exception("a load test may target this node (" + defaultTarget + ")"
        + (allowedTargets.isEmpty() ? "" : " or " + allowedTargets) + ", not " + uri + ": an operator adds "
        + "targets to loadtest.allowedTargets");
    }
    return uri;
  }

  private static URI url(String value, String what) {
    try {
      URI uri = new URI(value.trim());
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException(what + " must be an http or https URL like http://127.0.0.1:4000; got "
          + value);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(what + " is not a URL: " + e.getMessage());
    }
  }

  /** Scheme, host and port: what decides where the run's requests go. */
  private static String origin(URI uri) {
    int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    return uri.getScheme() + "://" + uri.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + port;
  }
}
