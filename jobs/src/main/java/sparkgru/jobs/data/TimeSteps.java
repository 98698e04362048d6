package sparkgru.jobs.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The frequencies ({@link Frequency#name()}) of the series a forecasting model trained on, stored
 * with the model so that forecasting can tell a series whose frequency the model never saw (an
 * hourly model given weekly data).
 *
 * @param frequencies the names, sorted, at most {@link #MAX} (more are not kept: a model trained
 *                    on that many frequencies is not checked)
 * @param dateTimes   whether the times were date-times
 */
public record TimeSteps(List<String> frequencies, boolean dateTimes) implements Serializable {
  private static final long serialVersionUID = 2L;

  /** The most frequencies recorded. */
  public static final int MAX = 20;

  /** Copies the names. */
  public TimeSteps {
    frequencies = List.copyOf(frequencies);
  }

  /** Whether a series with times of the kind {@code dateTimes} and frequency {@code f} has a frequency the model saw. */
  public boolean seen(Frequency f, boolean dateTimes) {
    return dateTimes != this.dateTimes || frequencies.contains(f.name());
  }

  /** The frequencies as the console shows them: {@code h}, or {@code h, D} when there were several. */
  public String describe() {
    return String.join(", ", frequencies);
  }

  /** The frequencies as plain data for a model file's JSON header. */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("frequencies", new ArrayList<>(frequencies));
    out.put("unit", dateTimes ? "seconds" : "time column");
    return out;
  }

  /**
   * The frequencies stored by {@link #toJson()}, or null when {@code json} is not such an object.
   * An older file's one step ({@code smallest} = {@code largest}) reads as the frequency of that
   * step; a range of steps is not checked (null).
   */
  public static TimeSteps fromJson(Object json) {
    if (!(json instanceof Map<?, ?> m) || !(m.get("unit") instanceof String unit)) {
      return null;
    }
    boolean dates = unit.equals("seconds");
    if (m.get("frequencies") instanceof List<?> names && names.stream().allMatch(String.class::isInstance)) {
      return new TimeSteps(names.stream().map(String.class::cast).toList(), dates);
    }
    if (m.get("smallest") instanceof Number s && m.get("largest") instanceof Number l
        && s.doubleValue() == l.doubleValue() && s.doubleValue() > 0) {
      long step = dates ? Math.round(s.doubleValue() * Series.MICROS_PER_SECOND) : s.longValue();
      return new TimeSteps(List.of(new Frequency.Step(step, 0, dates).name()), dates);
    }
    return null;
  }
}
