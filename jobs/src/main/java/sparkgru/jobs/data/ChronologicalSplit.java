package sparkgru.jobs.data;

import java.io.Serializable;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Where each series' training, validation and test parts end, in rows of the series:
 * <ul>
 *   <li>{@code fractions}: the first {@code floor(n * train)} rows train, the next
 *       {@code floor(n * validation)} validate, then {@code floor(n * test)} test (with fractions
 *       summing to 1, the test part runs to the end);
 *   <li>{@code rows}: fixed row counts from the start (the Informer ETT split is 8,640 / 2,880 /
 *       2,880 hours); rows past the three parts belong to none;
 *   <li>{@code last_rows}: the last {@code test} rows test, the {@code validation} rows before
 *       them validate, everything earlier trains ({@code train} is unused), as for M4 where each
 *       series has its own length;
 *   <li>{@code times}: calendar boundaries shared by all series: rows before time {@code train}
 *       train, rows before {@code validation} validate, rows before {@code test} test (boundaries
 *       as {@link #time} reads them: numbers as given, date-times as epoch seconds; against a
 *       series of date-times, whose times are epoch microseconds, a boundary counts as epoch
 *       seconds, see {@link #boundary}).
 * </ul>
 *
 * @param mode       how the sizes count
 * @param train      training size (fraction in (0, 1] or rows &gt;= 1; unused for last_rows)
 * @param validation validation size (fraction or rows, &gt;= 0)
 * @param test       test size (fraction or rows, &gt;= 0)
 */
public record ChronologicalSplit(Mode mode, double train, double validation, double test) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How the sizes count. */
  public enum Mode { FRACTIONS, ROWS, LAST_ROWS, TIMES }

  /** Which part's windows to build. */
  public enum Part { ALL, TRAIN, VALIDATION, TEST }

  /** Everything is training data. */
  public static final ChronologicalSplit NONE = new ChronologicalSplit(Mode.FRACTIONS, 1, 0, 0);

  /** Validates the sizes. */
  public ChronologicalSplit {
    if (mode == null) {
      throw new InvalidInputException("split.mode must be one of [fractions, rows, last_rows, times]");
    }
    if (mode == Mode.TIMES) {
      if (!(train <= validation && validation <= test)) {
        throw new InvalidInputException("split times must be in order, split.train <= split.validation <= "
            + "split.test, got " + (long) train + ", " + (long) validation + ", " + (long) test);
      }
    } else if (mode == Mode.FRACTIONS) {
      if (!(train > 0) || !(validation >= 0) || !(test >= 0) || train + validation + test > 1 + 1e-9) {
        throw new InvalidInputException("split fractions must be split.train > 0, split.validation >= 0, "
            + "split.test >= 0 with a sum <= 1, got " + train + ", " + validation + ", " + test);
      }
    } else if (!whole(validation) || !whole(test) || (mode == Mode.ROWS && (!whole(train) || train < 1))) {
      throw new InvalidInputException("split row counts must be whole numbers >= 0" + (mode == Mode.ROWS
          ? " and split.train >= 1" : "") + ", got " + train + ", " + validation + ", " + test);
    }
  }

  private static boolean whole(double v) {
    return v >= 0 && v == Math.rint(v) && v <= Integer.MAX_VALUE;
  }

  /** Parses a mode name: fractions, rows or last_rows. */
  public static Mode mode(String name) {
    return Choices.parse(Mode.class, "split.mode", name);
  }

  /** Fractions of each series: training, validation, and the rest for testing. */
  public static ChronologicalSplit fractions(double train, double validation) {
    return new ChronologicalSplit(Mode.FRACTIONS, train, validation, Math.max(0, 1 - train - validation));
  }

  /** Fixed row counts from each series' start. */
  public static ChronologicalSplit rows(long train, long validation, long test) {
    return new ChronologicalSplit(Mode.ROWS, train, validation, test);
  }

  /** The last rows of each series for testing and, before them, validation. */
  public static ChronologicalSplit lastRows(long validation, long test) {
    return new ChronologicalSplit(Mode.LAST_ROWS, 0, validation, test);
  }

  /** Whether the split has a validation part. */
  public boolean hasValidation() {
    return mode == Mode.TIMES ? validation > train : validation > 0;
  }

  /**
   * A split boundary as a time: a whole number as given, or a date-time ({@code 2017-06-26},
   * {@code 2017-06-26 00:00:00} or ISO {@code 2017-06-26T00:00:00}, UTC) as epoch seconds.
   */
  public static long time(String key, String value) {
    String v = value.trim();
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException notANumber) {
      try {
        String iso = v.length() == 10 ? v + "T00:00:00" : v.replace(' ', 'T');
        return LocalDateTime.parse(iso).toEpochSecond(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw new InvalidInputException(key + " must be a time with split.mode=times: a whole number or a date-time "
            + "like 2017-06-26 00:00:00, got '" + value + "'", e);
      }
    }
  }

  /** Rows of a series that are training data: {@code [0, trainingRows(s))}. */
  public int trainingRows(Series s) {
    return bounds(s, Part.TRAIN)[1];
  }

  /** Row range [from, to) of {@code part} in a series. */
  public int[] bounds(Series s, Part part) {
    long[] times = s.times();
    if (mode != Mode.TIMES) {
      return bounds(times.length, part);
    }
    int c1 = firstAtOrAfter(times, boundary(train, s.dateTimes()));
    int c2 = firstAtOrAfter(times, boundary(validation, s.dateTimes()));
    int c3 = firstAtOrAfter(times, boundary(test, s.dateTimes()));
    return switch (part) {
      case ALL -> new int[] {0, times.length};
      case TRAIN -> new int[] {0, c1};
      case VALIDATION -> new int[] {c1, c2};
      case TEST -> new int[] {c2, c3};
    };
  }

  /**
   * A boundary of a split by times in the unit of a series' times: as given for numbers, times
   * {@link Series#MICROS_PER_SECOND} for date-times (boundaries are epoch seconds, their times
   * epoch microseconds). A double holds every epoch microsecond up to the year 2255 exactly.
   */
  public static double boundary(double b, boolean dateTimes) {
    return dateTimes ? b * Series.MICROS_PER_SECOND : b;
  }

  private static int firstAtOrAfter(long[] times, double t) {
    int i = 0;
    while (i < times.length && times[i] < t) {
      i++;
    }
    return i;
  }

  /** Row range [from, to) of {@code part} in a series of {@code n} rows (not for {@code times}). */
  public int[] bounds(int n, Part part) {
    if (mode == Mode.TIMES) {
      throw new IllegalStateException("a split by times needs the series' times");
    }
    long b1;
    long b2;
    long b3;
    switch (mode) {
      case FRACTIONS -> {
        b1 = (long) Math.floor(n * train);
        b2 = b1 + (long) Math.floor(n * validation);
        b3 = train + validation + test >= 1 - 1e-9 ? n : b2 + (long) Math.floor(n * test);
      }
      case ROWS -> {
        b1 = (long) train;
        b2 = b1 + (long) validation;
        b3 = b2 + (long) test;
      }
      default -> {
        b3 = n;
        b2 = Math.max(0, n - (long) test);
        b1 = Math.max(0, b2 - (long) validation);
      }
    }
    int c1 = (int) Math.min(n, b1);
    int c2 = (int) Math.min(n, b2);
    int c3 = (int) Math.min(n, b3);
    return switch (part) {
      case ALL -> new int[] {0, n};
      case TRAIN -> new int[] {0, c1};
      case VALIDATION -> new int[] {c1, c2};
      case TEST -> new int[] {c2, c3};
    };
  }
}
