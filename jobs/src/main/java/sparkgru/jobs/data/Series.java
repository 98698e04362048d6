package sparkgru.jobs.data;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import sparkgru.engine.errors.InvalidInputException;

/**
 * One time series as a partition holds it after sorting by (series, time): its times ascending
 * and its values {@code [rows][columns]} in the order of {@link WindowSpec#valueColumns()}
 * ({@code NaN} where a value is missing).
 *
 * @param id     the series id
 * @param times  the rows' times (epoch seconds for date-times, else the numbers as given)
 * @param values the rows' values
 * @param dateTimes whether the times are date-times (epoch seconds), for messages
 */
public record Series(String id, long[] times, double[][] values, boolean dateTimes) {

  /** A time of this series as the user wrote it: a date-time (UTC, as the jobs read them) or the number. */
  public String timeText(long t) {
    return timeText(t, dateTimes);
  }

  private static String timeText(long t, boolean dateTimes) {
    return dateTimes ? LocalDateTime.ofEpochSecond(t, 0, ZoneOffset.UTC).format(
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")) : Long.toString(t);
  }

  /** Rows in the series. */
  public int size() {
    return times.length;
  }

  /** The series' time step: the smallest difference of consecutive times (1 with fewer than two rows). */
  public long step() {
    long step = Long.MAX_VALUE;
    for (int i = 1; i < times.length; i++) {
      step = Math.min(step, times[i] - times[i - 1]);
    }
    return step == Long.MAX_VALUE ? 1 : step;
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
   * {@code [s[i], s[i+1])} are evenly spaced by {@link #step()}.
   */
  public int[] stretches() {
    long step = step();
    List<Integer> starts = new ArrayList<>(List.of(0));
    for (int i = 1; i < times.length; i++) {
      if (times[i] - times[i - 1] != step) {
        starts.add(i);
      }
    }
    starts.add(times.length);
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The series in rows sorted by (series, time), each {@code (series string, time long,
   * width doubles or nulls)}, one series at a time (times are epoch seconds when
   * {@code dateTimes}); two rows of a series at the same time are an
   * error naming both.
   */
  public static Iterator<Series> group(Iterator<Row> rows, int width, boolean dateTimes) {
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
        while (pending != null && pending.getString(0).equals(id)) {
          long t = pending.getLong(1);
          if (!times.isEmpty() && times.get(times.size() - 1) == t) {
            throw new InvalidInputException("series " + id + " has two rows at time " + timeText(t, dateTimes)
                + "; each series needs one row per time");
          }
          double[] v = new double[width];
          for (int c = 0; c < width; c++) {
            v[c] = pending.isNullAt(2 + c) ? Double.NaN : pending.getDouble(2 + c);
          }
          times.add(t);
          values.add(v);
          pending = rows.hasNext() ? rows.next() : null;
        }
        return new Series(id, times.stream().mapToLong(Long::longValue).toArray(), values.toArray(new double[0][]),
            dateTimes);
      }
    };
  }
}
