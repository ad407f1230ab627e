package io.midnight.loadtest.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

class HtmlReportTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(60);
  private static final String HOSTILE_NAME = "<script>alert('pwned')</script> & \"🎆 Fireworks\"";
  private static final Pattern CHART = Pattern.compile("(?s)<svg class=\"chart\".*?</svg>");
  private static final Pattern SERIES_PATH = Pattern.compile("<path class=\"series\" d=\"([^\"]*)\"");

  static JsonObject sample() throws IOException {
    try (InputStream in = HtmlReportTest.class.getResourceAsStream("/report-sample.json")) {
      assertThat(in).as("report-sample.json on the test class path").isNotNull();
      return new JsonObject(new String(in.readAllBytes(), UTF_8));
    }
  }

  /** The sample with a room name that would inject a script if it were not escaped. */
  static JsonObject hostileRoom() throws IOException {
    JsonObject r = sample();
    r.getJsonObject("verification").getJsonArray("rooms").getJsonObject(1).put("name", HOSTILE_NAME);
    return r;
  }

  @Test
  void rendersTitleVerdictSummaryPhasesRoomsAndThreeCharts() throws IOException {
    String html = HtmlReport.render(sample());

    assertThat(html).startsWith("<!DOCTYPE html>").contains("<meta charset=\"utf-8\">")
      .contains("<title>Midnight load test · quick · 2026-11-25 17:00:00 UTC</title>")
      .contains("http://127.0.0.1:4000").contains("32.7 s");
    assertThat(html).contains("<section class=\"verdict ok\"")
      .contains("verified: 0 lost, 0 duplicated, 0 out of order")
      .contains("stored 450 = acked 450");
    // summary: totals, delivered / expected, errors by kind, latency percentiles
    assertThat(html).contains("<th>delivered / expected</th><td class=\"n\">1,350 / 1,350")
      .contains("<th>timeout</th><td class=\"n badv\">2</td>")
      .contains("<th>rate_limited</th><td class=\"n\">0</td>")
      .contains("<td class=\"n\">3.1</td><td class=\"n\">5</td><td class=\"n\">9.2</td><td class=\"n\">12</td>")
      .contains("p99.9");
    // phases and the per-room table
    assertThat(html).contains("<td>connect</td><td class=\"n\">1.2</td>").contains("<td>total</td><td class=\"n\">32.7</td>");
    assertThat(html).contains("all 10 rooms verified").contains("🎉 New Year Celebration Central")
      .contains("✨ Wishes &amp; Resolutions").doesNotContain("<tr class=\"bad\"");

    List<String> charts = charts(html);
    assertThat(charts).hasSize(3);
    assertThat(charts.get(0)).contains("Throughput").contains(">sent<").contains(">acked<").contains(">delivered (right axis)<");
    assertThat(charts.get(1)).contains("Latency").contains(">ack p50<").contains(">ack p99<")
      .contains(">end-to-end p50<").contains(">end-to-end p99<");
    assertThat(charts.get(2)).contains("Connections");
    int[] expectedLines = {3, 4, 1};
    // 31 points per line in the sample (t = 0..30): one move and 30 segments; nothing was acked in the last
    // second, so the latency lines stop a point earlier (a gap, not a 0 ms latency)
    int[] expectedSegments = {30, 29, 30};
    for (int i = 0; i < 3; i++) {
      List<String> paths = seriesPaths(charts.get(i));
      int segments = expectedSegments[i];
      assertThat(paths).as("series of chart %d", i).hasSize(expectedLines[i])
        .allSatisfy(d -> assertThat(d.chars().filter(c -> c == 'L').count()).isEqualTo(segments));
      // tick labels on both axes and axis titles
      assertThat(charts.get(i)).contains("seconds since start").contains("<g class=\"ticks\">");
      assertThat(charts.get(i).split("text-anchor=\"end\"", -1).length - 1).as("y tick labels").isGreaterThanOrEqualTo(3);
    }
    assertThat(html).doesNotContain("NaN").doesNotContain("Infinity");
  }

  @Test
  void escapesEveryStringTakenFromTheReport() throws IOException {
    JsonObject hostile = hostileRoom();
    hostile.put("preset", "quick\"><img src=x onerror=alert(1)>");
    String html = HtmlReport.render(hostile);

    assertThat(html).doesNotContain("<script").doesNotContain("<img")
      .contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; &amp; &quot;🎆 Fireworks&quot;")
      .contains("quick&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");

    JsonObject r = sample();
    r.put("target", "http://x/\"><b>t</b>");
    r.getJsonObject("verification").put("verdict", "<i>verified</i>");
    r.getJsonObject("totals").getJsonObject("errors").put("<u>kind</u>", 1);
    r.getJsonObject("config").put("note", "</style><h1>");
    r.getJsonArray("phases").getJsonObject(0).put("name", "<marquee>");
    String escaped = HtmlReport.render(r);
    assertThat(escaped).doesNotContain("<b>t</b>").doesNotContain("<i>verified").doesNotContain("<u>kind")
      .doesNotContain("</style><h1>").doesNotContain("<marquee>")
      .contains("&lt;i&gt;verified&lt;/i&gt;").contains("&lt;u&gt;kind&lt;/u&gt;").contains("&lt;marquee&gt;");
  }

  @Test
  void loadsNothingFromTheNetwork() throws IOException {
    JsonObject r = sample();
    String html = HtmlReport.render(r);
    // the target URL is the only URL, and only as text
    String withoutTarget = html.replace(Fmt.esc(r.getString("target")), "");
    assertThat(withoutTarget).doesNotContainIgnoringCase("http://").doesNotContainIgnoringCase("https://")
      .doesNotContain("//www.");
    assertThat(html).doesNotContainPattern("(?i)\\b(src|href|xlink:href|srcset|action|poster)\\s*=")
      .doesNotContainPattern("(?i)url\\s*\\(").doesNotContainIgnoringCase("@import")
      .doesNotContainIgnoringCase("<link").doesNotContainIgnoringCase("<script")
      .doesNotContainIgnoringCase("<img").doesNotContainIgnoringCase("<iframe").doesNotContainIgnoringCase("<object");
  }

  @Test
  void verdictIsRedWhenAnythingIsLostDuplicatedReorderedOrStoredDiffersFromAcked() throws IOException {
    for (String field : List.of("lost", "duplicated", "outOfOrder")) {
      JsonObject r = sample();
      r.getJsonObject("verification").put(field, 2).put("verdict", "NOT verified");
      assertThat(HtmlReport.render(r)).as(field).contains("<section class=\"verdict bad\"")
        .doesNotContain("verdict ok");
    }
    JsonObject r = sample();
    r.getJsonObject("verification").put("stored", 449).put("storedMatchesAcked", false);
    assertThat(HtmlReport.render(r)).contains("<section class=\"verdict bad\"").contains("stored 449 ≠ acked 450");

    JsonObject none = sample();
    none.remove("verification");
    assertThat(HtmlReport.render(none)).contains("<section class=\"verdict bad\"")
      .contains("no verification in this report").contains("no rooms in this report");
  }

  @Test
  void roomsWithProblemsAreHighlighted() throws IOException {
    JsonObject r = sample();
    JsonArray rooms = r.getJsonObject("verification").getJsonArray("rooms");
    rooms.getJsonObject(2).put("lost", 3);
    rooms.getJsonObject(5).put("stored", 44);
    String html = HtmlReport.render(r);
    assertThat(html).contains("2 of 10 rooms with problems");
    assertThat(html.split("<tr class=\"bad\">", -1).length - 1).isEqualTo(2);
    assertThat(html).contains("<td class=\"n badv\">3</td>").contains("<td class=\"n badv\">44</td>");
  }

  @Test
  void emptyReportOnePointTimelineAndMistypedFieldsRenderWithoutDividingByZero() throws IOException {
    String empty = HtmlReport.render(new JsonObject());
    assertThat(charts(empty)).hasSize(3).allSatisfy(svg -> assertThat(svg).contains("class=\"empty\""));
    assertThat(empty).contains("verdict bad").doesNotContain("NaN").doesNotContain("Infinity");
    assertThat(HtmlReport.render(null)).contains("<svg class=\"chart\"");

    JsonObject one = sample();
    one.put("timeline", new JsonArray().add(one.getJsonArray("timeline").getJsonObject(3)));
    String html = HtmlReport.render(one);
    assertThat(charts(html)).hasSize(3).allSatisfy(svg -> assertThat(svg).contains("<circle").contains("<path class=\"series\""));
    assertThat(html).doesNotContain("NaN").doesNotContain("Infinity");

    JsonObject zeros = new JsonObject().put("timeline", new JsonArray()
      .add(new JsonObject().put("t", 0).put("sent", 0).put("acked", 0).put("delivered", 0).put("connections", 0)
        .put("ackP50", 0).put("ackP99", 0).put("e2eP50", 0).put("e2eP99", 0))
      .add(new JsonObject().put("t", 0).put("sent", 0).put("acked", 0).put("delivered", 0).put("connections", 0)));
    String flat = HtmlReport.render(zeros);
    assertThat(flat).doesNotContain("NaN").doesNotContain("Infinity").contains("no acked or delivered messages");

    JsonObject junk = new JsonObject().put("totals", "oops").put("latency", new JsonArray()).put("phases", 7)
      .put("timeline", new JsonArray().add(1).add("x").add(new JsonObject().put("t", "soon").put("sent", "many")))
      .put("verification", new JsonObject().put("rooms", new JsonArray().add("room").add(new JsonObject())))
      .put("durationSeconds", "long").put("startedAt", "yesterday");
    String lenient = HtmlReport.render(junk);
    assertThat(lenient).contains("yesterday").doesNotContain("NaN");
    assertThat(charts(lenient)).hasSize(3);
  }

  @Test
  void aMidnightRunShowsItsBurstAndMarksZeroHourOnEveryChart() throws IOException {
    JsonObject r = sample();
    r.put("midnight", new JsonObject().put("countdownSeconds", 10).put("windowSeconds", 2).put("greetings", 1)
      .put("burstStartT", 12.5).put("burstSent", 10_000).put("burstAcked", 10_000)
      .put("burstDeliveriesOwed", 2_857_143).put("burstDelivered", 2_857_000)
      .put("burstAckedWithinSeconds", 2.9).put("burstDeliveredWithinSeconds", 17.4)
      .put("peakDeliveriesPerSecond", 210_000).put("backlogClearedSeconds", 0.9));
    String html = HtmlReport.render(r);

    assertThat(html).contains("<h2>00:00</h2>").contains("10,000 / 10,000").contains("2,857,000 / 2,857,143")
      .contains("2.9 s after 00:00").contains("17.4 s after 00:00").contains("210,000");
    assertThat(charts(html)).hasSize(3).allSatisfy(svg -> assertThat(svg).contains("class=\"mark\"")
      .contains(">00:00</text>"));
    assertThat(charts(HtmlReport.render(sample()))).noneSatisfy(svg -> assertThat(svg).contains("class=\"mark\""));
  }

  @Test
  void latencyChartSwitchesToLogScaleForAWideSpread() throws IOException {
    JsonObject r = sample();
    JsonArray tl = r.getJsonArray("timeline");
    tl.getJsonObject(10).put("ackP99", 2400.0).put("e2eP99", 2600.0);
    String latency = charts(HtmlReport.render(r)).get(1);
    assertThat(latency).contains("ms (log scale)").contains(">1<").contains(">10<").contains(">100<")
      .contains(">1,000<").contains(">10,000<");
    assertThat(charts(HtmlReport.render(sample())).get(1)).doesNotContain("log scale");
  }

  @Test
  void rendersInHeadlessChromium(@TempDir Path tmp) throws Exception {
    if (!Files.isExecutable(CHROMIUM)) {
      fail(CHROMIUM + " is missing: this test renders the report in a real headless browser. "
        + "Install it with: apt-get install -y chromium chromium-driver");
    }
    Path out = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("target/html-report");
    Files.createDirectories(out);
    Path page = out.resolve("report.html");
    Files.writeString(page, HtmlReport.render(hostileRoom()), UTF_8);
    Path png = out.resolve("report.png");
    Files.deleteIfExists(png);

    Path shotLog = tmp.resolve("screenshot.log");
    int shot = chromium(tmp.resolve("profile-screenshot"), List.of("--screenshot=" + png, "--window-size=1280,2000",
      page.toUri().toString()), tmp.resolve("screenshot.out"), shotLog);
    assertThat(shot).as("chromium --screenshot exit code; stderr:\n%s", tail(shotLog)).isZero();
    assertThat(png).as("screenshot; stderr:\n%s", tail(shotLog)).exists();

    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img).as("a decodable PNG").isNotNull();
    assertThat(img.getWidth()).isEqualTo(1280);
    assertThat(img.getHeight()).isEqualTo(2000);
    Set<Integer> colors = new HashSet<>();
    long nonWhite = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        colors.add(rgb);
        if (rgb != 0xffffff) {
          nonWhite++;
        }
      }
    }
    assertThat(colors.size()).as("distinct colours in the screenshot").isGreaterThan(500);
    assertThat(nonWhite).as("non-white pixels").isGreaterThan(img.getWidth() * img.getHeight() / 20L);
    // every chart drew its lines: the series colours are on screen, and the green verdict too
    for (String color : List.of(HtmlReport.ACKED, HtmlReport.DELIVERED, HtmlReport.ACK, HtmlReport.E2E,
      HtmlReport.CONNECTIONS, "#15803d")) {
      Rect where = find(img, color, 24);
      assertThat(where.count).as("pixels of %s in the screenshot", color).isGreaterThan(60);
      assertThat(where.width()).as("horizontal extent of %s", color).isGreaterThan(color.equals("#15803d") ? 5 : 600);
    }

    Path dom = tmp.resolve("dom.html");
    Path domLog = tmp.resolve("dom.log");
    int dumped = chromium(tmp.resolve("profile-dom"), List.of("--dump-dom", page.toUri().toString()), dom, domLog);
    assertThat(dumped).as("chromium --dump-dom exit code; stderr:\n%s", tail(domLog)).isZero();
    String html = Files.readString(dom, UTF_8);
    assertThat(charts(html)).as("SVG charts in the browser's DOM").hasSize(3)
      .allSatisfy(svg -> assertThat(seriesPaths(svg)).isNotEmpty()
        .allSatisfy(d -> assertThat(d).contains("L")));
    assertThat(html).contains("<path class=\"series\"").contains("<g class=\"legend\">")
      .contains("verified: 0 lost, 0 duplicated, 0 out of order");
    // the hostile room name is text in the DOM, not an element
    assertThat(html).doesNotContain("<script").contains("&lt;script&gt;alert('pwned')&lt;/script&gt;");
  }

  // ------------------------------------------------------------------------------------------------------------

  private static List<String> charts(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = CHART.matcher(html);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  private static List<String> seriesPaths(String svg) {
    List<String> out = new ArrayList<>();
    Matcher m = SERIES_PATH.matcher(svg);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private record Rect(long count, int minX, int maxX) {
    int width() {
      return count == 0 ? 0 : maxX - minX;
    }
  }

  /** Pixels within {@code tolerance} (per channel) of a colour, and their horizontal extent. */
  private static Rect find(BufferedImage img, String hex, int tolerance) {
    int c = Integer.parseInt(hex.substring(1), 16);
    int r = c >> 16 & 0xff;
    int g = c >> 8 & 0xff;
    int b = c & 0xff;
    long count = 0;
    int minX = Integer.MAX_VALUE;
    int maxX = -1;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        if (Math.abs((p >> 16 & 0xff) - r) <= tolerance && Math.abs((p >> 8 & 0xff) - g) <= tolerance
          && Math.abs((p & 0xff) - b) <= tolerance) {
          count++;
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
        }
      }
    }
    return new Rect(count, minX, maxX);
  }

  /**
   * Runs chromium headless with a fresh profile and no background networking, bounded by a timeout: on timeout
   * the browser and every process it started are killed and the test fails. Returns the exit code.
   */
  private static int chromium(Path profile, List<String> args, Path stdout, Path stderr) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
      "--user-data-dir=" + profile));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    p.getOutputStream().close();
    Set<ProcessHandle> children = new LinkedHashSet<>();
    long deadline = System.nanoTime() + BROWSER_TIMEOUT.toNanos();
    try {
      while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(children::add);
        if (System.nanoTime() > deadline) {
          p.descendants().forEach(children::add);
          children.forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
          fail("chromium did not finish within " + BROWSER_TIMEOUT.toSeconds() + " s and was killed: " + cmd
            + "\nstderr:\n" + tail(stderr));
        }
      }
      return p.exitValue();
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
      // helpers (renderer, zygote, crash handler) get a moment to follow the browser out, then are killed
      for (ProcessHandle h : children) {
        try {
          h.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          h.destroyForcibly();
        }
      }
    }
  }

  private static String tail(Path file) {
    try {
      if (!Files.exists(file)) {
        return "(none)";
      }
      List<String> lines = new String(Files.readAllBytes(file), UTF_8).lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
