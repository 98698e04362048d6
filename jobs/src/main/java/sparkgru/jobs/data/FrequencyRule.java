package sparkgru.jobs.data;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sparkgru.engine.errors.InvalidInputException;

/**
 * How each series gets its {@link Frequency} ({@code data.frequency}): inferred from its times
 * ({@code auto}), or one named frequency for every series.
 *
 * <p>{@code auto} tries, in order, the first of these that every time of the series fits: month
 * starts or ends every k months (k the smallest step in months: monthly, quarterly, yearly),
 * business days (weekdays only, with a weekend crossed somewhere), and a fixed step: the most
 * common difference of consecutive times (the smallest of the most common; 7 days is weekly,
 * {@code W-SUN} for Sundays). A series whose times fit none of them is an error naming two of its times. A series of
 * one row has the step 1 (numbers) or 1 day.
 *
 * <p>Named frequencies are pandas' offset aliases, with an optional multiple: {@code us},
 * {@code ms}, {@code s}, {@code min} ({@code T}), {@code h} ({@code H}), {@code D}, {@code W} /
 * {@code W-MON} ... {@code W-SUN}, {@code B}, {@code MS}, {@code ME} ({@code M}), {@code QS}
 * ({@code QS-JAN} ...), {@code QE} ({@code Q}, {@code QE-DEC} ...), {@code YS} ({@code AS},
 * {@code YS-JAN} ...), {@code YE} ({@code Y}, {@code A}, {@code YE-DEC} ...); numeric times take a
 * whole number, the step. A fixed step is anchored at each series' first time; a calendar one at
 * its first row's time of day.
 *
 * @param alias the name as configured, {@code auto} for inference
 */
public record FrequencyRule(String alias) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Inference per series. */
  public static final FrequencyRule AUTO = new FrequencyRule("auto");

  /** What the configuration key is called in messages. */
  public static final String KEY = "data.frequency";

  /** Examples listed when a name is not understood. */
  private static final String EXAMPLES = "auto or a pandas frequency such as 15min, h, D, B, W-SUN, MS, ME, QS, QE, "
      + "YS, YE (optionally with a multiple, e.g. 2h, 3MS), or a whole number (the step) for numeric times";

  private static final Pattern ALIAS = Pattern.compile("(\\d+)?([A-Za-z]+)(?:-([A-Za-z]{3}))?");

  /** Validates the name. */
  public FrequencyRule {
    alias = alias == null ? "" : alias.trim();
    if (!alias.equals("auto")) {
      parsed(alias);
    }
  }

  /** The rule of a configured value: {@code auto} or a frequency name. */
  public static FrequencyRule of(String value) {
    return value == null || value.isBlank() || value.trim().equalsIgnoreCase("auto") ? AUTO : new FrequencyRule(value);
  }

  /** Whether each series' frequency is inferred. */
  public boolean auto() {
    return alias.equals("auto");
  }

  /** What a named frequency is, before it meets a series. */
  private record Named(char kind, long multiple, int anchor) {
    // kind: 'n' a numeric step, 's' a fixed date-time step in microseconds (multiple), 'w' weeks on weekday
    // anchor (0 = Monday), 'b' business days, 'm' month starts, 'e' month ends (multiple months, anchor = phase
    // month 0-11 or -1 for none)
  }

  private static Named parsed(String alias) {
    if (alias.matches("\\d+")) {
      long step = parseMultiple(alias, alias);
      return new Named('n', step, -1);
    }
    Matcher m = ALIAS.matcher(alias);
    if (!m.matches()) {
      throw unknown(alias);
    }
    long k = m.group(1) == null ? 1 : parseMultiple(m.group(1), alias);
    String unit = m.group(2);
    String month = m.group(3);
    long second = Series.MICROS_PER_SECOND;
    Map<String, Long> fixed = new HashMap<>(Map.of("us", 1L, "ms", second / 1000, "s", second, "S", second,
        "min", 60 * second, "T", 60 * second, "h", 3_600 * second, "H", 3_600 * second, "D", Frequency.DAY,
        "d", Frequency.DAY));
    if (fixed.containsKey(unit) && month == null) {
      return new Named('s', Math.multiplyExact(k, fixed.get(unit)), -1);
    }
    String upper = unit.toUpperCase(Locale.ROOT);
    if (upper.equals("W")) {
      int day = month == null ? DayOfWeek.SUNDAY.ordinal() : weekday(month, alias);
      return new Named('w', k, day);
    }
    if (upper.equals("B") && month == null) {
      if (k != 1) {
        throw new InvalidInputException(KEY + " takes business days without a multiple (B), got '" + alias + "'");
      }
      return new Named('b', 1, -1);
    }
    boolean monthly = unit.equals("MS") || unit.equals("ME") || unit.equals("M");
    boolean quarterly = List.of("QS", "QE", "Q").contains(upper);
    boolean yearly = List.of("YS", "AS", "YE", "Y", "A").contains(upper);
    if (monthly && month == null) {
      return new Named(unit.equals("MS") ? 'm' : 'e', k, 0);
    }
    if (quarterly || yearly) {
      boolean start = upper.endsWith("S");
      int named = month == null ? (start ? 0 : 11) : month(month, alias);
      long months = Math.multiplyExact(k, quarterly ? 3 : 12);
      return new Named(start ? 'm' : 'e', months, (int) Math.floorMod(named, months));
    }
    throw unknown(alias);
  }

  private static long parseMultiple(String digits, String alias) {
    try {
      long k = Long.parseLong(digits);
      if (k >= 1) {
        return k;
      }
    } catch (NumberFormatException e) {
      // too large: reported below
    }
    throw new InvalidInputException(KEY + " needs a multiple of at least 1 and at most " + Long.MAX_VALUE + ", got '"
        + alias + "'");
  }

  private static int weekday(String name, String alias) {
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().substring(0, 3).equalsIgnoreCase(name)) {
        return d.ordinal();
      }
    }
    throw new InvalidInputException(KEY + "='" + alias + "' names no weekday: write W-MON, W-TUE, ... or W-SUN");
  }

  private static int month(String name, String alias) {
    for (Month mo : Month.values()) {
      if (mo.name().substring(0, 3).equalsIgnoreCase(name)) {
        return mo.ordinal();
      }
    }
    throw new InvalidInputException(KEY + "='" + alias + "' names no month: write JAN, FEB, ... or DEC after the "
        + "dash (QS-JAN, YE-DEC)");
  }

  private static InvalidInputException unknown(String alias) {
    return new InvalidInputException(KEY + " must be " + EXAMPLES + "; got '" + alias + "'");
  }

  /**
   * The frequency of the series {@code id} with times {@code times} (ascending, distinct; epoch
   * microseconds when {@code dateTimes}), written at offset {@code zone} (null: UTC), checked:
   * every time must be on its grid.
   */
  public Frequency resolve(String id, long[] times, boolean dateTimes, ZoneOffset zone) {
    long offset = zone == null ? 0 : zone.getTotalSeconds() * Series.MICROS_PER_SECOND;
    if (times.length == 0) {
      return new Frequency.Step(dateTimes ? Frequency.DAY : 1, 0, dateTimes);
    }
    if (auto()) {
      return infer(id, times, dateTimes, offset, zone);
    }
    Named n = parsed(alias);
    if ((n.kind == 'n') == dateTimes) {
      throw new InvalidInputException(KEY + "=" + alias + (dateTimes ? " is a step for numeric times, and series " + id
          + " has date-times; name a frequency such as h, D or MS" : " is a calendar frequency, and series " + id
          + " has numeric times; give the step as a whole number (e.g. 1)"));
    }
    Frequency f = named(n, times[0], offset);
    int off = firstOffGrid(f, times, 0);
    if (off >= 0) {
      int second = firstOffGrid(f, times, off + 1);
      throw new InvalidInputException("series " + id + " has times off the grid of " + KEY + "=" + alias + ": "
          + Series.timeText(times[off], dateTimes, zone) + " (row " + (off + 1) + " of the series)" + (second < 0 ? ""
          : " and " + Series.timeText(times[second], dateTimes, zone) + " (row " + (second + 1) + ")") + "; " + describe(f) + " from "
          + Series.timeText(times[0], dateTimes, zone) + "; fix or round these times, or set " + KEY + " to the series' frequency "
          + "(auto infers it)");
    }
    return f;
  }

  private static Frequency named(Named n, long first, long offset) {
    long timeOfDay = Math.floorMod(first + offset, Frequency.DAY);
    return switch (n.kind) {
      case 'n' -> new Frequency.Step(n.multiple, first, false);
      case 's' -> new Frequency.Step(n.multiple, first, true);
      case 'w' -> new Frequency.Step(Math.multiplyExact(n.multiple, 7 * Frequency.DAY), weekAnchor(first, offset,
          n.anchor), true);
      case 'b' -> new Frequency.BusinessDays(timeOfDay, offset);
      default -> new Frequency.Months((int) n.multiple, n.anchor < 0 ? 0 : n.anchor % (int) n.multiple,
          n.kind == 'e', timeOfDay, offset);
    };
  }

  /** The first time on weekday {@code weekday} (0 = Monday) at {@code first}'s time of day, on or after {@code first}. */
  private static long weekAnchor(long first, long offset, int weekday) {
    long local = first + offset;
    long day = Math.floorDiv(local, Frequency.DAY);
    int today = LocalDate.ofEpochDay(day).getDayOfWeek().ordinal();
    return first + Math.floorMod(weekday - today, 7) * Frequency.DAY;
  }

  /** The index of the first time at or after {@code from} that is off {@code f}'s grid, or -1. */
  private static int firstOffGrid(Frequency f, long[] times, int from) {
    for (int i = from; i < times.length; i++) {
      if (f.period(times[i]) == Frequency.OFF_GRID) {
        return i;
      }
    }
    return -1;
  }

  private static String describe(Frequency f) {
    if (f instanceof Frequency.Months m) {
      return (m.end() ? "the last" : "the first") + " day of " + (m.months() == 1 ? "each month"
          : "every " + m.months() + "th month") + " at one time of day";
    }
    return f instanceof Frequency.BusinessDays ? "weekdays at one time of day" : "a step of " + f.name();
  }

  private Frequency infer(String id, long[] times, boolean dateTimes, long offset, ZoneOffset zone) {
    if (times.length == 1) {
      return new Frequency.Step(dateTimes ? Frequency.DAY : 1, times[0], dateTimes);
    }
    // Each frequency tried, with the name a message gives it, in the order tried.
    Map<String, Frequency> tried = new java.util.LinkedHashMap<>();
    if (dateTimes) {
      long timeOfDay = Math.floorMod(times[0] + offset, Frequency.DAY);
      for (boolean end : new boolean[] {false, true}) {
        Frequency f = months(times, end, timeOfDay, offset);
        if (f != null) {
          return f;
        }
        tried.put(end ? "month ends" : "month starts", new Frequency.Months(1, 0, end, timeOfDay, offset));
      }
      Frequency.BusinessDays b = new Frequency.BusinessDays(timeOfDay, offset);
      if (firstOffGrid(b, times, 0) < 0 && crossesWeekend(b, times)) {
        return b;
      }
      tried.put("business days", b);
    }
    Frequency.Step s = new Frequency.Step(mostCommonStep(times), times[0], dateTimes);
    if (firstOffGrid(s, times, 0) < 0) {
      return s;
    }
    tried.put("a step of " + s.name() + " (the most common)", s);
    throw new InvalidInputException(noFit(id, times, dateTimes, zone, tried));
  }

  /**
   * Why {@code times} fit none of the frequencies {@code tried}: the times off the grid of the one
   * that the fewest are off (the first two of them), and how many are off each.
   */
  private static String noFit(String id, long[] times, boolean dateTimes, ZoneOffset zone,
      Map<String, Frequency> tried) {
    String closest = null;
    List<Integer> closestOff = null;
    List<String> counts = new ArrayList<>();
    for (Map.Entry<String, Frequency> e : tried.entrySet()) {
      List<Integer> off = new ArrayList<>();
      for (int i = 0; i < times.length; i++) {
        if (e.getValue().period(times[i]) == Frequency.OFF_GRID) {
          off.add(i);
        }
      }
      counts.add(e.getKey() + ": " + off.size() + " off");
      if (closestOff == null || off.size() < closestOff.size()) {
        closest = e.getKey();
        closestOff = off;
      }
    }
    List<String> named = new ArrayList<>();
    for (int i : closestOff.subList(0, Math.min(2, closestOff.size()))) {
      named.add(Series.timeText(times[i], dateTimes, zone) + " (row " + (i + 1) + " of the series)");
    }
    return "series " + id + " has times that fit no frequency; the nearest is " + closest + ", which "
        + closestOff.size() + " of its " + times.length + " times " + (closestOff.size() == 1 ? "is" : "are")
        + " off, e.g. " + String.join(" and ", named)
        + "; tried " + String.join(", ", counts) + "; fix or round these times, or set " + KEY + " (now auto)";
  }

  /** Month starts or ends every k months (k the smallest step in months), or null when the times are not. */
  private static Frequency months(long[] times, boolean end, long timeOfDay, long offset) {
    Frequency.Months monthly = new Frequency.Months(1, 0, end, timeOfDay, offset);
    long k = Long.MAX_VALUE;
    long previous = monthly.period(times[0]);
    if (previous == Frequency.OFF_GRID) {
      return null;
    }
    for (int i = 1; i < times.length; i++) {
      long p = monthly.period(times[i]);
      if (p == Frequency.OFF_GRID) {
        return null;
      }
      k = Math.min(k, p - previous);
      previous = p;
    }
    if (k > 1200) {
      return null;
    }
    long first = monthly.period(times[0]);
    Frequency.Months f = new Frequency.Months((int) k, (int) Math.floorMod(first, k), end, timeOfDay, offset);
    return firstOffGrid(f, times, 0) < 0 ? f : null;
  }

  /**
   * Whether times on weekdays are business days: their most common step is one business day, and
   * two consecutive times lie on both sides of a weekend (weekly data on Fridays is not).
   */
  private static boolean crossesWeekend(Frequency.BusinessDays b, long[] times) {
    long[] periods = new long[times.length];
    boolean crosses = false;
    for (int i = 0; i < times.length; i++) {
      periods[i] = b.period(times[i]);
      if (i > 0 && (times[i] - times[i - 1]) / Frequency.DAY != periods[i] - periods[i - 1]) {
        crosses = true;
      }
    }
    return crosses && mostCommonStep(periods) == 1;
  }

  /** The most common difference of consecutive times, the smallest of them on a tie. */
  private static long mostCommonStep(long[] times) {
    Map<Long, Integer> counts = new HashMap<>();
    for (int i = 1; i < times.length; i++) {
      counts.merge(times[i] - times[i - 1], 1, Integer::sum);
    }
    long best = 0;
    int bestCount = 0;
    for (Map.Entry<Long, Integer> e : counts.entrySet()) {
      if (e.getValue() > bestCount || (e.getValue() == bestCount && e.getKey() < best)) {
        best = e.getKey();
        bestCount = e.getValue();
      }
    }
    return best;
  }
}
