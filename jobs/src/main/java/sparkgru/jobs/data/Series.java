package sparkgru.jobs.data;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import sparkgru.engine.errors.InvalidInputException;

/**
 * One time series as a partition holds it after sorting by (series, time): its times ascending
 * and its values {@code [rows][columns]} in the order of {@link WindowSpec#valueColumns()}
 * ({@code NaN} where a value is missing).
 *
 * <p>Times are in one unit everywhere they are computed with (steps, gaps, splits, forecast times):
 * date-times are microseconds since 1970-01-01T00:00:00Z, the precision of Spark's timestamps
 * ({@link #MICROS_PER_SECOND}), so that sub-second steps survive; numeric times are the numbers as
 * given, whatever they count. A date-time written with an offset ({@code +02:00}, {@code Z}) is
 * read as its instant, and the series keeps the offset of its last row in {@code zone}, so that
 * the times it prints and writes read as the input's.
 *
 * @param id        the series id
 * @param times     the rows' times (epoch microseconds for date-times, else the numbers as given)
 * @param values    the rows' values
 * @param dateTimes whether the times are date-times (epoch microseconds)
 * @param zone      the offset the last row's date-time was written with, or null when it had none
 *                  (and for numbers)
 * @param frequency the series' frequency, which every time is on (see {@link FrequencyRule})
 * @param statics   the values of its static covariates ({@code data.static_columns}), as text
 */
public record Series(String id, long[] times, double[][] values, boolean dateTimes, ZoneOffset zone,
    Frequency frequency, String[] statics) {
  /** Microseconds in a second: date-times are epoch microseconds. */
  public static final long MICROS_PER_SECOND = 1_000_000L;

  private static final DateTimeFormatter PLAIN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final DateTimeFormatter WITH_OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  /**
   * Numbers considered possible epoch values by {@link #group}'s unit check: 10^8 seconds is
   * 1973-03-03, and every later epoch in seconds, milliseconds or microseconds is larger.
   */
  private static final long EPOCH_LIKE = 100_000_000L;

  /** A series whose times were written without an offset, its frequency inferred. */
  public Series(String id, long[] times, double[][] values, boolean dateTimes) {
    this(id, times, values, dateTimes, null);
  }

  /** A series without static covariates whose frequency is inferred from its times ({@link FrequencyRule#AUTO}). */
  public Series(String id, long[] times, double[][] values, boolean dateTimes, ZoneOffset zone) {
    this(id, times, values, dateTimes, zone, FrequencyRule.AUTO.resolve(id, times, dateTimes, zone), new String[0]);
  }

  /**
   * A time of this series as the user wrote it: the number, or a date-time: in UTC as
   * {@code 2016-07-01 00:00:00} when the series' times had no offset, else at the series' offset as
   * {@code 2016-07-01T02:00:00+02:00} (or {@code ...Z}); fractions of a second only when the time
   * has them, as milliseconds ({@code .250}) or else microseconds.
   */
  public String timeText(long t) {
    return timeText(t, dateTimes, zone);
  }

  /** A time as {@link #timeText(long)} writes it for a series of this kind of time and offset. */
  public static String timeText(long t, boolean dateTimes, ZoneOffset zone) {
    if (!dateTimes) {
      return Long.toString(t);
    }
    long seconds = Math.floorDiv(t, MICROS_PER_SECOND);
    int micros = (int) Math.floorMod(t, MICROS_PER_SECOND);
    LocalDateTime local = LocalDateTime.ofEpochSecond(seconds, 0, zone == null ? ZoneOffset.UTC : zone);
    String text = local.format(zone == null ? PLAIN : WITH_OFFSET);
    if (micros != 0) {
      text += micros % 1000 == 0 ? String.format(Locale.ROOT, ".%03d", micros / 1000)
          : String.format(Locale.ROOT, ".%06d", micros);
    }
    return zone == null ? text : text + zone.getId();
  }

  /** Rows in the series. */
  public int size() {
    return times.length;
  }

  /**
   * The time of row {@code row}, continuing the series' frequency past its last row: row
   * {@code size() + k} is {@code k + 1} periods after the last (month ends stay month ends,
   * business days skip weekends).
   */
  public long time(int row) {
    if (row < times.length) {
      return times[row];
    }
    return frequency.time(frequency.period(times[times.length - 1]) + row - times.length + 1);
  }

  /** Periods of the frequency from row {@code row - 1} to row {@code row} (1 without a gap). */
  public long periodsBetween(int row) {
    return frequency.period(times[row]) - frequency.period(times[row - 1]);
  }

  /** The longest gap {@link #withMissingPeriods} fills, in periods. */
  public static final long MAX_FILLED_PERIODS = 100_000;

  /**
   * This series with a row of missing values (NaN) at every period missing between its rows, so
   * that it has no gap; this series itself when it has none. A gap longer than
   * {@link #MAX_FILLED_PERIODS} periods is an error naming it.
   */
  public Series withMissingPeriods() {
    if (times.length < 2) {
      return this;
    }
    long first = frequency.period(times[0]);
    long span = frequency.period(times[times.length - 1]) - first + 1;
    if (span == times.length) {
      return this;
    }
    for (int i = 1; i < times.length; i++) {
      if (periodsBetween(i) - 1 > MAX_FILLED_PERIODS) {
        throw new InvalidInputException("series " + id + " misses " + (periodsBetween(i) - 1) + " periods of "
            + frequency.name() + " after " + timeText(times[i - 1]) + ", more than data.missing=forward_fill fills ("
            + MAX_FILLED_PERIODS + "); split the series, or check data.frequency");
      }
    }
    int width = values.length == 0 ? 0 : values[0].length;
    long[] t = new long[Math.toIntExact(span)];
    double[][] v = new double[t.length][];
    int row = 0;
    for (int p = 0; p < t.length; p++) {
      if (row < times.length && frequency.period(times[row]) == first + p) {
        t[p] = times[row];
        v[p] = values[row++];
      } else {
        t[p] = frequency.time(first + p);
        v[p] = new double[width];
        Arrays.fill(v[p], Double.NaN);
      }
    }
    return new Series(id, t, v, dateTimes, zone, frequency, statics);
  }

  /** Whether any value of rows [from, to) is missing (NaN). */
  public boolean hasMissing(int from, int to) {
    for (int i = from; i < to; i++) {
      for (double v : values[i]) {
        if (Double.isNaN(v)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Where the stretches without a time gap start, followed by {@link #size()}: rows
   * {@code [s[i], s[i+1])} are consecutive periods of the series' {@link #frequency()}.
   */
  public int[] stretches() {
    List<Integer> starts = new ArrayList<>(List.of(0));
    long previous = times.length == 0 ? 0 : frequency.period(times[0]);
    for (int i = 1; i < times.length; i++) {
      long period = frequency.period(times[i]);
      boolean gap = period - previous != 1;
      previous = period;
      if (gap) {
        starts.add(i);
      }
    }
    starts.add(times.length);
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The series in rows sorted by (series, time), each {@code (series string, time long,
   * width doubles or nulls, offset int or null)} as {@link SlidingWindows#select} types them,
   * one series at a time (times are epoch microseconds when {@code dateTimes}; the offset, in
   * seconds, is that of a date-time written with one). Two rows of a series at the same time are
   * an error naming both, and so are numbers that jump from epoch seconds to milliseconds (see
   * {@link #requireOneUnit}).
   */
  public static Iterator<Series> group(Iterator<Row> rows, int width, boolean dateTimes) {
    return group(rows, width, dateTimes, FrequencyRule.AUTO, List.of());
  }

  /**
   * As {@link #group(Iterator, int, boolean)}, each series with its frequency by {@code rule} (a
   * series whose times are off the frequency's grid is an error naming it and two such times) and
   * the values of the static columns {@code statics}, which the rows hold as text after the offset:
   * a series without a value, or with two, is an error naming it.
   */
  public static Iterator<Series> group(Iterator<Row> rows, int width, boolean dateTimes, FrequencyRule rule,
      List<String> statics) {
    return new Iterator<>() {
      private Row pending = rows.hasNext() ? rows.next() : null;

      @Override
      public boolean hasNext() {
        return pending != null;
      }

      @Override
      public Series next() {
        if (pending == null) {
          throw new NoSuchElementException();
        }
        String id = pending.getString(0);
        List<Long> times = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        ZoneOffset zone = null;
        String[] fixed = new String[statics.size()];
        while (pending != null && pending.getString(0).equals(id)) {
          long t = pending.getLong(1);
          for (int k = 0; k < fixed.length; k++) {
            String v = pending.isNullAt(3 + width + k) ? null : pending.getString(3 + width + k);
            String at = timeText(t, dateTimes, pending.isNullAt(2 + width) ? null
                : ZoneOffset.ofTotalSeconds(pending.getInt(2 + width)));
            if (v == null) {
              throw new InvalidInputException("series " + id + " has no value in static column '" + statics.get(k)
                  + "' at time " + at + "; a static column holds one value for every row of a series");
            }
            if (times.isEmpty()) {
              fixed[k] = v;
            } else if (!v.equals(fixed[k])) {
              throw new InvalidInputException("series " + id + " has two values in static column '" + statics.get(k)
                  + "': '" + fixed[k] + "' at time " + timeText(times.get(0), dateTimes, zone) + " and '" + v
                  + "' at time " + at + "; a static column holds one value per series (a value that changes over "
                  + "time belongs in data.feature_columns or data.future_columns)");
            }
          }
          zone = pending.isNullAt(2 + width) ? null : ZoneOffset.ofTotalSeconds(pending.getInt(2 + width));
          if (!times.isEmpty()) {
            long previous = times.get(times.size() - 1);
            if (previous == t) {
              throw new InvalidInputException("series " + id + " has two rows at time " + timeText(t, dateTimes, zone)
                  + "; each series needs one row per time");
            }
            if (!dateTimes) {
              requireOneUnit(id, times.size(), previous, t);
            }
          }
          double[] v = new double[width];
          for (int c = 0; c < width; c++) {
            v[c] = pending.isNullAt(2 + c) ? Double.NaN : pending.getDouble(2 + c);
          }
          times.add(t);
          values.add(v);
          pending = rows.hasNext() ? rows.next() : null;
        }
        long[] t = times.stream().mapToLong(Long::longValue).toArray();
        return new Series(id, t, values.toArray(new double[0][]), dateTimes, zone, rule.resolve(id, t, dateTimes,
            zone), fixed);
      }
    };
  }

  /**
   * Fails when numeric times {@code earlier} (row {@code row} of the series, counting from 1) and
   * {@code later} (the next row) look like one epoch written in two units: both at least
   * {@link #EPOCH_LIKE} and the later at least 500 times the earlier. Epoch seconds next to epoch
   * milliseconds differ by a factor of about 1000 (milliseconds next to microseconds too). In one
   * unit, such a factor is a gap at least 499 times as long as all the time from 1970 to the
   * earlier row (after 1973 in seconds, a gap past the year 3000): no real series has one, while
   * step numbers (0, 1, 2, ...) and dates written as numbers such as 20160701 stay below 10^8.
   */
  private static void requireOneUnit(String id, int row, long earlier, long later) {
    if (earlier >= EPOCH_LIKE && (double) later >= 500.0 * earlier) {
      throw new InvalidInputException("series " + id + " jumps from time " + earlier + " (row " + row
          + " of the series, sorted by time) to " + later + " (row " + (row + 1) + "), a factor of about "
          + Math.round((double) later / earlier) + ": epoch seconds next to epoch milliseconds (or milliseconds "
          + "next to microseconds); write all times of the data in one unit");
    }
  }
}
