package sparkgru.jobs.data;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * The frequency of one series: a grid of times, each with its period number, so that steps are
 * counted in calendar units. A monthly series steps from 31 January to 28 February and on to 31
 * March in one period each; a business-day series steps from Friday to Monday in one; a series
 * has a gap only where periods are missing. Names are pandas' offset aliases ({@code 15min},
 * {@code h}, {@code D}, {@code B}, {@code W-SUN}, {@code MS}, {@code ME}, {@code QS-JAN},
 * {@code QE-DEC}, {@code YS-JAN}, {@code YE-DEC}), or the step for numeric times ({@code 1}).
 *
 * <p>Calendar frequencies read a date-time on its wall clock: the instant plus the offset it was
 * written with ({@link Series#zone()}, UTC when none), and hold the time of day of the series'
 * first row ({@code 1992-01-01 00:00:00} for dates), which every row must share.
 *
 * <p>Implementations: {@link Step} (a fixed step from an anchor time: numbers, and date-times
 * from microseconds to weeks), {@link BusinessDays} and {@link Months} (month, quarter and year
 * starts and ends).
 */
public sealed interface Frequency extends Serializable {
  /** Microseconds in a day. */
  long DAY = 86_400L * Series.MICROS_PER_SECOND;

  /** The pandas alias, e.g. {@code MS}, {@code 15min}, {@code B}, or the step of numeric times. */
  String name();

  /** The period number of {@code time}, or {@link #OFF_GRID} when {@code time} is not on this grid. */
  long period(long time);

  /** The time of period {@code period}: the inverse of {@link #period}. */
  long time(long period);

  /** What {@link #period} gives for a time off the grid. */
  long OFF_GRID = Long.MIN_VALUE;

  /** The length of a period in microseconds (months: 30.44 days), to compare frequencies. */
  double nominalStep();

  /**
   * A fixed step from an anchor: numbers, or date-times in microseconds.
   *
   * @param step      the step, &gt; 0
   * @param anchor    a time on the grid (the series' first)
   * @param dateTimes whether times are date-times (epoch microseconds)
   */
  record Step(long step, long anchor, boolean dateTimes) implements Frequency {
    private static final long serialVersionUID = 1L;

    /** Checks the step. */
    public Step {
      if (step <= 0) {
        throw new IllegalArgumentException("a step must be > 0, got " + step);
      }
    }

    @Override
    public String name() {
      return dateTimes ? stepName(step, anchor) : Long.toString(step);
    }

    @Override
    public long period(long time) {
      long d = time - anchor;
      return Math.floorMod(d, step) == 0 ? Math.floorDiv(d, step) : OFF_GRID;
    }

    @Override
    public long time(long period) {
      return anchor + period * step;
    }

    @Override
    public double nominalStep() {
      return step;
    }
  }

  /**
   * Monday to Friday at one time of day.
   *
   * @param timeOfDay microseconds after midnight on the wall clock
   * @param offset    the wall clock's offset from UTC, in microseconds
   */
  record BusinessDays(long timeOfDay, long offset) implements Frequency {
    private static final long serialVersionUID = 1L;

    @Override
    public String name() {
      return "B";
    }

    @Override
    public long period(long time) {
      long local = time + offset;
      if (Math.floorMod(local, DAY) != timeOfDay) {
        return OFF_GRID;
      }
      // Days from Monday 1969-12-29, so that weeks start on Monday: 1970-01-01 is a Thursday.
      long days = Math.floorDiv(local, DAY) + 3;
      long weekday = Math.floorMod(days, 7);
      return weekday >= 5 ? OFF_GRID : Math.floorDiv(days, 7) * 5 + weekday;
    }

    @Override
    public long time(long period) {
      long days = Math.floorDiv(period, 5) * 7 + Math.floorMod(period, 5) - 3;
      return days * DAY + timeOfDay - offset;
    }

    @Override
    public double nominalStep() {
      return DAY;
    }
  }

  /**
   * The first or the last day of every {@code months}-th month at one time of day: months (1),
   * quarters (3), years (12).
   *
   * @param months    months per period, &gt; 0
   * @param phase     which months: those whose number (months since January 1970) is
   *                  {@code phase} modulo {@code months}
   * @param end       the last day of the month rather than the first
   * @param timeOfDay microseconds after midnight on the wall clock
   * @param offset    the wall clock's offset from UTC, in microseconds
   */
  record Months(int months, int phase, boolean end, long timeOfDay, long offset) implements Frequency {
    private static final long serialVersionUID = 1L;

    /** Checks the period and phase. */
    public Months {
      if (months <= 0 || phase < 0 || phase >= months) {
        throw new IllegalArgumentException("months " + months + " with phase " + phase);
      }
    }

    @Override
    public String name() {
      String base = end ? "E" : "S";
      // The month that names an anchored quarter or year: the first month of a start period, the
      // last of an end period (pandas: QS-JAN starts in January, QE-DEC ends in December).
      int named = end && months == 3 ? phase + 9 : phase;
      String month = java.time.Month.of(named + 1).getDisplayName(TextStyle.SHORT, Locale.ROOT)
          .toUpperCase(Locale.ROOT);
      return switch (months) {
        case 1 -> "M" + base;
        case 3 -> "Q" + base + "-" + month;
        case 12 -> "Y" + base + "-" + month;
        default -> months + "M" + base;
      };
    }

    @Override
    public long period(long time) {
      long local = time + offset;
      if (Math.floorMod(local, DAY) != timeOfDay) {
        return OFF_GRID;
      }
      LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(local, DAY));
      if (date.getDayOfMonth() != (end ? date.lengthOfMonth() : 1)) {
        return OFF_GRID;
      }
      long month = (date.getYear() - 1970L) * 12 + date.getMonthValue() - 1;
      return Math.floorMod(month - phase, months) == 0 ? Math.floorDiv(month - phase, months) : OFF_GRID;
    }

    @Override
    public long time(long period) {
      long month = period * months + phase;
      LocalDate first = LocalDate.of((int) (1970 + Math.floorDiv(month, 12)), Math.floorMod(month, 12) + 1, 1);
      LocalDate date = end ? first.withDayOfMonth(first.lengthOfMonth()) : first;
      return date.toEpochDay() * DAY + timeOfDay - offset;
    }

    @Override
    public double nominalStep() {
      return months * 365.2425 / 12 * DAY;
    }
  }

  /**
   * The pandas alias of a fixed date-time step: {@code W-SUN} for 7 days (the anchor's weekday),
   * else the step in the largest unit that divides it: {@code D}, {@code h}, {@code min},
   * {@code s}, {@code ms}, {@code us}, with the multiple in front when it is not 1 ({@code 15min}).
   */
  static String stepName(long step, long anchor) {
    if (step % (7 * DAY) == 0) {
      DayOfWeek day = LocalDate.ofEpochDay(Math.floorDiv(anchor, DAY)).getDayOfWeek();
      long weeks = step / (7 * DAY);
      return (weeks == 1 ? "" : weeks) + "W-" + day.getDisplayName(TextStyle.SHORT, Locale.ROOT)
          .toUpperCase(Locale.ROOT);
    }
    long second = Series.MICROS_PER_SECOND;
    long[] sizes = {DAY, 3_600 * second, 60 * second, second, second / 1000, 1};
    String[] units = {"D", "h", "min", "s", "ms", "us"};
    for (int i = 0; i < sizes.length; i++) {
      if (step % sizes[i] == 0) {
        long n = step / sizes[i];
        return (n == 1 ? "" : Long.toString(n)) + units[i];
      }
    }
    throw new IllegalStateException("unreachable: every step is a whole number of microseconds");
  }
}
