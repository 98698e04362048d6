package sparkgru.jobs.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What cutting windows found: counts, and examples of series too short for a window. Reports
 * of chunks, partitions or parts add up with {@link #plus}.
 *
 * @param series         series read
 * @param windows        windows cut
 * @param shortSeries    series shorter than lookback + horizon
 * @param shortExamples  up to {@value #EXAMPLES} of them, as {@code id (n steps)}
 * @param gaps           time gaps inside series (windows never cross one)
 * @param droppedWindows windows left out because they touch a missing value ({@code data.missing=drop})
 * @param smallestStep   the smallest {@link Series#step()} of the series long enough for a window
 *                       ({@link Long#MAX_VALUE} when none)
 * @param largestStep    their largest ({@link Long#MIN_VALUE} when none)
 */
public record WindowReport(long series, long windows, long shortSeries, List<String> shortExamples, long gaps,
    long droppedWindows, long smallestStep, long largestStep) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Short series named in a report; the rest are only counted. */
  static final int EXAMPLES = 5;

  /** Nothing found: the report of no series. */
  public static final WindowReport EMPTY = new WindowReport(0, 0, 0, List.of(), 0, 0, Long.MAX_VALUE,
      Long.MIN_VALUE);

  /** The time steps of the series long enough for a window, null when there were none. */
  public TimeSteps steps(boolean dateTimes) {
    return smallestStep > largestStep ? null : new TimeSteps(smallestStep, largestStep, dateTimes);
  }

  /** This report followed by {@code o}: counts added, examples kept in order up to {@value #EXAMPLES}. */
  public WindowReport plus(WindowReport o) {
    List<String> examples = new ArrayList<>(shortExamples);
    o.shortExamples.stream().limit(Math.max(0, EXAMPLES - examples.size())).forEach(examples::add);
    return new WindowReport(series + o.series, windows + o.windows, shortSeries + o.shortSeries, examples,
        gaps + o.gaps, droppedWindows + o.droppedWindows, Math.min(smallestStep, o.smallestStep),
        Math.max(largestStep, o.largestStep));
  }

  /** Reports added in order. */
  public static WindowReport sum(List<WindowReport> reports) {
    return reports.stream().reduce(EMPTY, WindowReport::plus);
  }

  /** One line for the console. */
  public String describe() {
    return windows + " windows from " + series + " series" + (gaps > 0 ? ", " + gaps + " time gaps" : "")
        + (droppedWindows > 0 ? ", " + droppedWindows + " windows dropped for missing values" : "")
        + (shortSeries > 0 ? "; " + shortSeries + " series too short for lookback + horizon, e.g. "
        + String.join(", ", shortExamples) : "");
  }
}
