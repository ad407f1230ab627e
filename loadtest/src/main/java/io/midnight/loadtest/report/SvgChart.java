package io.midnight.loadtest.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.midnight.loadtest.report.Fmt.esc;

/**
 * A line chart drawn as inline SVG on the Java side, so the report renders without script: nice linear or log10
 * ticks, an optional right-hand axis whose grid lines align with the left one, a legend, and per-second hover
 * bands whose tooltips give every series' value. Missing values ({@code NaN}) break a line; an isolated point is
 * drawn as a dot. Empty data, a single point, all-zero data and a flat x range never divide by zero.
 */
final class SvgChart {

  enum Scale { LINEAR, LOG }

  /** How tick labels and tooltip values are written. */
  enum Unit { COUNT, MS }

  record Series(String name, String color, double[] ys, boolean dashed, double width, boolean rightAxis,
                boolean area) {
  }

  static final int WIDTH = 1160;
  static final int HEIGHT = 310;
  private static final double MARGIN_LEFT = 74;
  private static final double MARGIN_TOP = 62;
  private static final double MARGIN_BOTTOM = 50;
  private static final double MARGIN_RIGHT = 74;
  /** Hover bands cost one element per point; past this many points the chart goes without them. */
  private static final int MAX_HOVER_POINTS = 1500;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final double[] xs;
  private final List<Series> series = new ArrayList<>();
  private String yRightLabel = "";
  private Scale scale = Scale.LINEAR;
  private Unit unit = Unit.COUNT;
  private boolean integerTicks;
  private String emptyText = "no data";
  private double markX = Double.NaN;
  private String markLabel = "";

  SvgChart(String title, String xLabel, String yLabel, double[] xs) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.xs = xs.clone();
  }

  SvgChart line(String name, String color, double[] ys) {
    return add(new Series(name, color, ys, false, 2, false, false));
  }

  SvgChart add(Series s) {
    if (s.ys().length != xs.length) {
      throw new IllegalArgumentException("series " + s.name() + " has " + s.ys().length + " values for "
        + xs.length + " x values");
    }
    series.add(s);
    return this;
  }

  SvgChart scale(Scale scale) {
    this.scale = scale;
    return this;
  }

  SvgChart unit(Unit unit) {
    this.unit = unit;
    return this;
  }

  /** Ticks of counts never fall between integers (no "2.5 connections"). */
  SvgChart integerTicks(boolean integerTicks) {
    this.integerTicks = integerTicks;
    return this;
  }

  SvgChart rightLabel(String label) {
    this.yRightLabel = label;
    return this;
  }

  SvgChart emptyText(String text) {
    this.emptyText = text;
    return this;
  }

  /** A labelled vertical line at {@code x} (e.g. 00:00 of a midnight run); ignored when outside the x range. */
  SvgChart mark(double x, String label) {
    this.markX = x;
    this.markLabel = label;
    return this;
  }

  String render() {
    boolean hasRight = series.stream().anyMatch(Series::rightAxis);
    double left = MARGIN_LEFT;
    // the same right margin with or without a right axis, so stacked charts share their x positions
    double right = WIDTH - MARGIN_RIGHT;
    double top = MARGIN_TOP;
    double bottom = HEIGHT - MARGIN_BOTTOM;
    StringBuilder sb = new StringBuilder(8192);
    sb.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
      .append("\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"").append(esc(title)).append("\">\n");
    sb.append("<text class=\"ct\" x=\"").append(fmt(left)).append("\" y=\"22\">").append(esc(title)).append("</text>\n");
    legend(sb, left, 44);

    int n = xs.length;
    Axis yAxis = leftAxis();
    if (n == 0 || yAxis == null) {
      frame(sb, left, right, top, bottom);
      sb.append("<text class=\"empty\" x=\"").append(fmt((left + right) / 2)).append("\" y=\"")
        .append(fmt((top + bottom) / 2)).append("\" text-anchor=\"middle\">").append(esc(emptyText)).append("</text>\n");
      axisLabels(sb, left, right, top, bottom, hasRight);
      return sb.append("</svg>").toString();
    }

    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    for (double x : xs) {
      if (Double.isFinite(x)) {
        xMin = Math.min(xMin, x);
        xMax = Math.max(xMax, x);
      }
    }
    if (!Double.isFinite(xMin)) {
      xMin = 0;
      xMax = 1;
    }
    if (xMax - xMin < 1e-9) {
      // a single second: centre it in two seconds of axis, not before the start when it is the start
      double x = xMin;
      xMin = x >= 0 ? Math.max(0, x - 1) : x - 1;
      xMax = x + 1;
    }
    // whole seconds on the x axis unless the run is shorter than a few seconds
    Axis xAxis = Axis.linearWithin(xMin, xMax, 12, xMax - xMin >= 6);
    Axis rAxis = hasRight ? rightAxis(yAxis) : null;

    // grid and ticks
    sb.append("<g class=\"grid\">\n");
    for (double v : yAxis.ticks) {
      double y = yAxis.pixel(v, bottom, top);
      sb.append("<line x1=\"").append(fmt(left)).append("\" x2=\"").append(fmt(right)).append("\" y1=\"")
        .append(fmt(y)).append("\" y2=\"").append(fmt(y)).append("\"/>\n");
    }
    for (double v : xAxis.ticks) {
      double x = xAxis.pixel(v, left, right);
      sb.append("<line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"")
        .append(fmt(top)).append("\" y2=\"").append(fmt(bottom)).append("\"/>\n");
    }
    sb.append("</g>\n<g class=\"ticks\">\n");
    for (double v : yAxis.ticks) {
      double y = yAxis.pixel(v, bottom, top);
      sb.append("<text x=\"").append(fmt(left - 8)).append("\" y=\"").append(fmt(y))
        .append("\" dy=\"0.32em\" text-anchor=\"end\">").append(esc(yAxis.label(v, unit))).append("</text>\n");
    }
    if (rAxis != null) {
      String color = series.stream().filter(Series::rightAxis).findFirst().map(Series::color).orElse("#555");
      for (double v : rAxis.ticks) {
        double y = rAxis.pixel(v, bottom, top);
        sb.append("<text x=\"").append(fmt(right + 8)).append("\" y=\"").append(fmt(y))
          .append("\" dy=\"0.32em\" text-anchor=\"start\" fill=\"").append(esc(color)).append("\">")
          .append(esc(rAxis.label(v, Unit.COUNT))).append("</text>\n");
      }
    }
    for (double v : xAxis.ticks) {
      double x = xAxis.pixel(v, left, right);
      sb.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(bottom + 18))
        .append("\" text-anchor=\"middle\">").append(esc(xAxis.label(v, Unit.COUNT))).append("</text>\n");
    }
    sb.append("</g>\n");
    frame(sb, left, right, top, bottom);
    axisLabels(sb, left, right, top, bottom, hasRight);

    // series: areas first, then lines in the order given, dots for isolated points
    for (Series s : series) {
      Axis a = s.rightAxis() ? rAxis : yAxis;
      if (s.area()) {
        area(sb, s, a, xAxis, left, right, top, bottom);
      }
    }
    for (Series s : series) {
      Axis a = s.rightAxis() ? rAxis : yAxis;
      lines(sb, s, a, xAxis, left, right, top, bottom);
    }

    if (Double.isFinite(markX) && markX >= xAxis.min && markX <= xAxis.max) {
      double x = xAxis.pixel(markX, left, right);
      sb.append("<g class=\"mark\"><line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"")
        .append(fmt(top)).append("\" y2=\"").append(fmt(bottom))
        .append("\" stroke=\"#c2185b\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/><text x=\"").append(fmt(x + 4))
        .append("\" y=\"").append(fmt(top + 12)).append("\" fill=\"#c2185b\">").append(esc(markLabel))
        .append("</text></g>\n");
    }
    if (n <= MAX_HOVER_POINTS) {
      hover(sb, xAxis, left, right, top, bottom);
    }
    return sb.append("</svg>").toString();
  }

  private void legend(StringBuilder sb, double x0, double y) {
    double x = x0;
    sb.append("<g class=\"legend\">\n");
    for (Series s : series) {
      String name = s.rightAxis() ? s.name() + " (right axis)" : s.name();
      sb.append("<line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x + 24)).append("\" y1=\"")
        .append(fmt(y - 4)).append("\" y2=\"").append(fmt(y - 4)).append("\" stroke=\"").append(esc(s.color()))
        .append("\" stroke-width=\"").append(fmt(Math.max(s.width(), 2.5))).append('"');
      if (s.dashed()) {
        sb.append(" stroke-dasharray=\"6 4\"");
      }
      sb.append("/>\n<text x=\"").append(fmt(x + 30)).append("\" y=\"").append(fmt(y)).append("\">")
        .append(esc(name)).append("</text>\n");
      x += 30 + name.codePointCount(0, name.length()) * 7.4 + 24;
    }
    sb.append("</g>\n");
  }

  private void frame(StringBuilder sb, double left, double right, double top, double bottom) {
    sb.append("<path class=\"axis\" d=\"M").append(fmt(left)).append(',').append(fmt(top)).append('V')
      .append(fmt(bottom)).append('H').append(fmt(right)).append("\"/>\n");
  }

  private void axisLabels(StringBuilder sb, double left, double right, double top, double bottom, boolean hasRight) {
    double cy = (top + bottom) / 2;
    sb.append("<text class=\"al\" x=\"").append(fmt((left + right) / 2)).append("\" y=\"").append(fmt(HEIGHT - 10))
      .append("\" text-anchor=\"middle\">").append(esc(xLabel)).append("</text>\n");
    sb.append("<text class=\"al\" transform=\"translate(18 ").append(fmt(cy)).append(") rotate(-90)\" text-anchor=\"middle\">")
      .append(esc(yLabel)).append("</text>\n");
    if (hasRight && !yRightLabel.isEmpty()) {
      sb.append("<text class=\"al\" transform=\"translate(").append(fmt(WIDTH - 14)).append(' ').append(fmt(cy))
        .append(") rotate(90)\" text-anchor=\"middle\">").append(esc(yRightLabel)).append("</text>\n");
    }
  }

  private void lines(StringBuilder sb, Series s, Axis a, Axis xAxis, double left, double right, double top,
                     double bottom) {
    StringBuilder d = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    double[] ys = s.ys();
    int n = ys.length;
    for (int i = 0; i < n; i++) {
      if (!plottable(xs[i], ys[i])) {
        continue;
      }
      double px = xAxis.pixel(xs[i], left, right);
      double py = a.pixel(ys[i], bottom, top);
      boolean prev = i > 0 && plottable(xs[i - 1], ys[i - 1]);
      boolean next = i + 1 < n && plottable(xs[i + 1], ys[i + 1]);
      d.append(prev ? 'L' : 'M').append(fmt(px)).append(',').append(fmt(py));
      if (!prev && !next) {
        dots.append("<circle cx=\"").append(fmt(px)).append("\" cy=\"").append(fmt(py)).append("\" r=\"")
          .append(fmt(Math.max(3.5, s.width() / 2 + 1.5))).append("\" fill=\"").append(esc(s.color())).append("\"/>\n");
      }
    }
    if (d.length() == 0) {
      return;
    }
    sb.append("<path class=\"series\" d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(esc(s.color()))
      .append("\" stroke-width=\"").append(fmt(s.width())).append('"');
    if (s.dashed()) {
      sb.append(" stroke-dasharray=\"6 4\"");
    }
    sb.append("><title>").append(esc(s.name())).append("</title></path>\n").append(dots);
  }

  private void area(StringBuilder sb, Series s, Axis a, Axis xAxis, double left, double right, double top,
                    double bottom) {
    double base = a.pixel(a.min, bottom, top);
    StringBuilder d = new StringBuilder();
    double[] ys = s.ys();
    int n = ys.length;
    int i = 0;
    while (i < n) {
      if (!plottable(xs[i], ys[i])) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && plottable(xs[i], ys[i])) {
        i++;
      }
      if (i - start < 2) {
        continue;
      }
      d.append('M').append(fmt(xAxis.pixel(xs[start], left, right))).append(',').append(fmt(base));
      for (int k = start; k < i; k++) {
        d.append('L').append(fmt(xAxis.pixel(xs[k], left, right))).append(',').append(fmt(a.pixel(ys[k], bottom, top)));
      }
      d.append('L').append(fmt(xAxis.pixel(xs[i - 1], left, right))).append(',').append(fmt(base)).append('Z');
    }
    if (d.length() > 0) {
      sb.append("<path class=\"area\" d=\"").append(d).append("\" fill=\"").append(esc(s.color()))
        .append("\" fill-opacity=\"0.12\" stroke=\"none\"/>\n");
    }
  }

  /** Transparent bands, one per point, whose SVG tooltip lists every series' value there. */
  private void hover(StringBuilder sb, Axis xAxis, double left, double right, double top, double bottom) {
    int n = xs.length;
    sb.append("<g class=\"hv\">\n");
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(xs[i])) {
        continue;
      }
      double px = xAxis.pixel(xs[i], left, right);
      double x0 = i > 0 && Double.isFinite(xs[i - 1]) ? (px + xAxis.pixel(xs[i - 1], left, right)) / 2 : Math.max(left, px - 4);
      double x1 = i + 1 < n && Double.isFinite(xs[i + 1]) ? (px + xAxis.pixel(xs[i + 1], left, right)) / 2 : Math.min(right, px + 4);
      x0 = Math.max(left, x0);
      x1 = Math.min(right, x1);
      if (x1 - x0 < 0.5) {
        continue;
      }
      StringBuilder tip = new StringBuilder();
      tip.append(esc(xLabel)).append(": ").append(Fmt.num(xs[i], 1));
      for (Series s : series) {
        double v = s.ys()[i];
        tip.append('\n').append(esc(s.name())).append(": ")
          .append(Double.isFinite(v) ? (unit == Unit.MS && !s.rightAxis() ? Fmt.ms(v) + " ms" : Fmt.num(v)) : Fmt.MISSING);
      }
      sb.append("<rect x=\"").append(fmt(x0)).append("\" y=\"").append(fmt(top)).append("\" width=\"")
        .append(fmt(x1 - x0)).append("\" height=\"").append(fmt(bottom - top)).append("\"><title>").append(tip)
        .append("</title></rect>\n");
    }
    sb.append("</g>\n");
  }

  /** Log axes clamp values at or below their bottom (zeros included) onto it rather than dropping them. */
  private static boolean plottable(double x, double y) {
    return Double.isFinite(x) && Double.isFinite(y);
  }

  /** The left axis over the left-hand series, or null when they hold no finite value at all. */
  private Axis leftAxis() {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double minPositive = Double.POSITIVE_INFINITY;
    for (Series s : series) {
      if (s.rightAxis()) {
        continue;
      }
      for (double v : s.ys()) {
        if (Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
          if (v > 0) {
            minPositive = Math.min(minPositive, v);
          }
        }
      }
    }
    if (!Double.isFinite(min)) {
      return null;
    }
    if (scale == Scale.LOG && Double.isFinite(minPositive)) {
      return Axis.log(minPositive, max);
    }
    return Axis.linearFromZero(Math.min(0, min), Math.max(0, max), 5, integerTicks);
  }

  /** The right axis: as many intervals as the left one, so both share its grid lines. */
  private Axis rightAxis(Axis leftAxis) {
    double max = 0;
    for (Series s : series) {
      if (s.rightAxis()) {
        for (double v : s.ys()) {
          if (Double.isFinite(v)) {
            max = Math.max(max, v);
          }
        }
      }
    }
    int intervals = Math.max(1, leftAxis.ticks.size() - 1);
    double step = Axis.niceStepAtLeast(max / intervals, integerTicks);
    List<Double> ticks = new ArrayList<>();
    for (int i = 0; i <= intervals; i++) {
      ticks.add(i * step);
    }
    return new Axis(0, intervals * step, step, false, ticks);
  }

  static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return "0";
    }
    double r = Math.round(v * 10) / 10.0;
    if (r == Math.rint(r)) {
      return Long.toString((long) r);
    }
    return String.format(Locale.ROOT, "%.1f", r);
  }

  /** An axis domain with its ticks; linear or log10. */
  static final class Axis {
    final double min;
    final double max;
    final double step;
    final boolean log;
    final List<Double> ticks;

    Axis(double min, double max, double step, boolean log, List<Double> ticks) {
      this.min = min;
      this.max = max;
      this.step = step;
      this.log = log;
      this.ticks = ticks;
    }

    /** Maps v to a pixel between {@code from} (at min) and {@code to} (at max); log axes clamp to their range. */
    double pixel(double v, double from, double to) {
      double f;
      if (log) {
        double c = Math.min(max, Math.max(min, v));
        f = (Math.log10(c) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
      } else {
        f = (v - min) / (max - min);
      }
      if (!Double.isFinite(f)) {
        f = 0;
      }
      return from + f * (to - from);
    }

    String label(double v, Unit unit) {
      if (log) {
        double decade = Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
        return Fmt.tick(v, decade, unit == Unit.COUNT);
      }
      return Fmt.tick(v, step, unit == Unit.COUNT);
    }

    /** From min (0 for non-negative data) up to a nice value at or above max, about {@code target} intervals. */
    static Axis linearFromZero(double min, double max, int target, boolean integer) {
      if (max - min <= 0) {
        max = min + 1;
      }
      double step = niceStepAtLeast((max - min) / target, integer);
      double lo = Math.floor(min / step) * step;
      double hi = Math.ceil(max / step - 1e-9) * step;
      if (hi <= lo) {
        hi = lo + step;
      }
      List<Double> ticks = new ArrayList<>();
      for (int i = 0; lo + i * step <= hi + step * 1e-6 && i < 1000; i++) {
        ticks.add(clean(lo + i * step, step));
      }
      return new Axis(lo, hi, step, false, ticks);
    }

    /** Exactly [min, max] (an x axis), with nice ticks inside it. */
    static Axis linearWithin(double min, double max, int target, boolean integer) {
      double step = niceStepAtLeast((max - min) / target, integer);
      List<Double> ticks = new ArrayList<>();
      double first = Math.ceil(min / step - 1e-9) * step;
      for (int i = 0; first + i * step <= max + step * 1e-6 && i < 1000; i++) {
        ticks.add(clean(first + i * step, step));
      }
      return new Axis(min, max, step, false, ticks);
    }

    /** Whole decades around [minPositive, max]; 1-2-5 ticks when the range spans at most three decades. */
    static Axis log(double minPositive, double max) {
      double lo = Math.pow(10, Math.floor(Math.log10(minPositive) + 1e-9));
      double hi = Math.pow(10, Math.ceil(Math.log10(Math.max(max, minPositive)) - 1e-9));
      if (hi <= lo) {
        hi = lo * 10;
      }
      int decades = (int) Math.round(Math.log10(hi / lo));
      double[] mults = decades <= 3 ? new double[] {1, 2, 5} : new double[] {1};
      List<Double> ticks = new ArrayList<>();
      for (int d = 0; d <= decades; d++) {
        double base = lo * Math.pow(10, d);
        for (double m : mults) {
          double v = base * m;
          if (v <= hi * (1 + 1e-9)) {
            ticks.add(clean(v, base));
          }
        }
      }
      return new Axis(lo, hi, lo, true, ticks);
    }

    /** The smallest of 1, 2, 2.5, 5 × 10^k at or above raw (integer axes: 1, 2, 5 × 10^k, at least 1). */
    static double niceStepAtLeast(double raw, boolean integer) {
      if (!(raw > 0) || !Double.isFinite(raw)) {
        return 1;
      }
      double exp = Math.pow(10, Math.floor(Math.log10(raw)));
      double[] mults = {1, 2, 2.5, 5, 10};
      for (double m : mults) {
        double step = m * exp;
        if (integer && (step < 1 || m == 2.5 && step < 10)) {
          continue;
        }
        if (step >= raw * (1 - 1e-9)) {
          return step;
        }
      }
      return integer ? Math.max(1, 10 * exp) : 10 * exp;
    }

    private static double clean(double v, double step) {
      double q = step / 1e6;
      return Math.round(v / q) * q;
    }
  }
}
