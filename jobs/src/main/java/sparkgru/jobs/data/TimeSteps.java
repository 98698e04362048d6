package sparkgru.jobs.data;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The smallest and largest time step ({@link Series#step()}) of the series a forecasting model
 * trained on, stored with the model so that forecasting can tell a series whose step the model
 * never saw (an hourly model given weekly data).
 *
 * @param smallest  the smallest step, in the series' time unit (seconds for date-times)
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

  /** A step as the console shows it: whole days, hours, minutes or seconds for date-times, else the number. */
  public static String describe(long step, boolean dateTimes) {
    if (!dateTimes) {
      return Long.toString(step);
    }
    long[] sizes = {86_400, 3_600, 60};
    String[] units = {" d", " h", " min"};
    for (int i = 0; i < sizes.length; i++) {
      if (step % sizes[i] == 0) {
        return step / sizes[i] + units[i];
      }
    }
    return step + " s";
  }

  /** The steps as plain data for a model file's JSON header. */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("smallest", smallest);
    out.put("largest", largest);
    out.put("unit", dateTimes ? "seconds" : "time column");
    return out;
  }

  /** The steps stored by {@link #toJson()}, or null when {@code json} is not such an object. */
  public static TimeSteps fromJson(Object json) {
    if (json instanceof Map<?, ?> m && m.get("smallest") instanceof Number s && m.get("largest") instanceof Number l
        && m.get("unit") instanceof String unit && s.longValue() <= l.longValue()) {
      return new TimeSteps(s.longValue(), l.longValue(), unit.equals("seconds"));
    }
    return null;
  }
}
