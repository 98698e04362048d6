package sparkgru.jobs.data;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The smallest and largest time step ({@link Series#step()}) of the series a forecasting model
 * trained on, stored with the model so that forecasting can tell a series whose step the model
 * never saw (an hourly model given weekly data).
 *
 * @param smallest  the smallest step, in the series' time unit (microseconds for date-times, see
 *                  {@link Series}; the model file holds them in seconds)
 * @param largest   the largest step
 * @param dateTimes whether the times were date-times
 */
public record TimeSteps(long smallest, long largest, boolean dateTimes) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Whether a series with times of the kind {@code dateTimes} and step {@code step} has a step the model saw. */
  public boolean seen(long step, boolean dateTimes) {
    return dateTimes != this.dateTimes || (step >= smallest && step <= largest);
  }

  /** The steps as the console shows them: {@code 1 h}, or {@code 1 h to 1 d} when they differ. */
  public String describe() {
    return smallest == largest ? describe(smallest, dateTimes)
        : describe(smallest, dateTimes) + " to " + describe(largest, dateTimes);
  }

  /**
   * A step as the console shows it: for date-times in the largest unit of days, hours, minutes,
   * seconds, milliseconds and microseconds that divides it, else the number.
   */
  public static String describe(long step, boolean dateTimes) {
    if (!dateTimes) {
      return Long.toString(step);
    }
    long second = Series.MICROS_PER_SECOND;
    long[] sizes = {86_400 * second, 3_600 * second, 60 * second, second, second / 1000};
    String[] units = {" d", " h", " min", " s", " ms"};
    for (int i = 0; i < sizes.length; i++) {
      if (step % sizes[i] == 0) {
        return step / sizes[i] + units[i];
      }
    }
    return step + " µs";
  }

  /** The steps as plain data for a model file's JSON header. */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("smallest", dateTimes ? seconds(smallest) : smallest);
    out.put("largest", dateTimes ? seconds(largest) : largest);
    out.put("unit", dateTimes ? "seconds" : "time column");
    return out;
  }

  /** The steps stored by {@link #toJson()}, or null when {@code json} is not such an object. */
  public static TimeSteps fromJson(Object json) {
    if (json instanceof Map<?, ?> m && m.get("smallest") instanceof Number s && m.get("largest") instanceof Number l
        && m.get("unit") instanceof String unit && s.doubleValue() <= l.doubleValue()) {
      boolean dates = unit.equals("seconds");
      return new TimeSteps(dates ? micros(s) : s.longValue(), dates ? micros(l) : l.longValue(), dates);
    }
    return null;
  }

  private static double seconds(long micros) {
    return (double) micros / Series.MICROS_PER_SECOND;
  }

  private static long micros(Number seconds) {
    return Math.round(seconds.doubleValue() * Series.MICROS_PER_SECOND);
  }
}
