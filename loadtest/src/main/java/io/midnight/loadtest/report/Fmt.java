package io.midnight.loadtest.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** Escaping and number formatting shared by the report and its charts (locale-independent). */
final class Fmt {

  /** What a missing or non-numeric value shows as. */
  static final String MISSING = "–";

  private Fmt() {
  }

  /**
   * Escapes text for HTML element content and quoted attribute values (inline SVG included). Lone surrogates,
   * which no encoder can write, become U+FFFD; other control characters but tab and newline are dropped.
   */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            out.append('\uFFFD');
          } else if (c < 0x20 && c != '\t' && c != '\n' || c == 0x7f) {
            // dropped: not allowed in HTML text
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** A number with grouping and at most {@code maxDecimals} decimals (trailing zeros dropped); "–" when missing. */
  static String num(double v, int maxDecimals) {
    if (!Double.isFinite(v)) {
      return MISSING;
    }
    DecimalFormat f = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
    f.setMaximumFractionDigits(maxDecimals);
    f.setRoundingMode(RoundingMode.HALF_UP);
    String s = f.format(new BigDecimal(Double.toString(v)));
    return "-0".equals(s) ? "0" : s;
  }

  /** Counts: integers with grouping, fractions with up to two decimals. */
  static String num(double v) {
    return num(v, 2);
  }

  /** Milliseconds: two decimals below 1, one below 100, none above. */
  static String ms(double v) {
    if (!Double.isFinite(v)) {
      return MISSING;
    }
    double a = Math.abs(v);
    return num(v, a < 1 ? 2 : a < 100 ? 1 : 0);
  }

  /** Compact tick labels: 950, 1.5k, 20k, 1.2M. */
  static String compact(double v) {
    if (!Double.isFinite(v)) {
      return MISSING;
    }
    double a = Math.abs(v);
    if (a >= 1e9) {
      return num(v / 1e9, 1) + "G";
    }
    if (a >= 1e6) {
      return num(v / 1e6, 1) + "M";
    }
    if (a >= 1e4) {
      return num(v / 1e3, 1) + "k";
    }
    return num(v, 2);
  }

  /** Seconds as "32.7 s", "2 min 5.0 s", "1 h 2 min". */
  static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return MISSING;
    }
    if (seconds < 60) {
      return num(seconds, 1) + " s";
    }
    long whole = (long) Math.floor(seconds);
    if (seconds < 3600) {
      return (whole / 60) + " min " + num(seconds - (whole / 60) * 60, 1) + " s";
    }
    return (whole / 3600) + " h " + ((whole % 3600) / 60) + " min";
  }

  /** A tick label for a value on an axis whose ticks are {@code step} apart. */
  static String tick(double v, double step, boolean compact) {
    if (compact && Math.abs(v) >= 1e4) {
      return compact(v);
    }
    int decimals = step <= 0 || !Double.isFinite(step) ? 2 : Math.max(0, 1 - (int) Math.floor(Math.log10(step)));
    return num(v, Math.min(decimals, 6));
  }
}
