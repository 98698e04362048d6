package sparkgru.jobs.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What cutting windows found: counts, and examples of series too short for a window or with
 * gaps. Reports of chunks, partitions or parts add up with {@link #plus}.
 *
 * @param series         series read
 * @param windows        windows cut
 * @param shortSeries    series shorter than lookback + horizon
 * @param shortExamples  up to {@value #EXAMPLES} of them, as {@code id (n steps)}
 * @param gaps           time gaps inside series: missing periods of their frequency (windows never
 *                       cross one)
 * @param gappedSeries   series with at least one gap
 * @param gapExamples    up to {@value #EXAMPLES} of them, as {@code id (n gaps, the longest after
 *                       <time>: k periods missing)}
 * @param droppedWindows windows left out because they touch a missing value ({@code data.missing=drop})
 * @param frequencies    the frequencies of the series long enough for a window, sorted, at most
 *                       {@link TimeSteps#MAX}
 */
public record WindowReport(long series, long windows, long shortSeries, List<String> shortExamples, long gaps,
    long gappedSeries, List<String> gapExamples, long droppedWindows, List<String> frequencies)
    implements Serializable {
  private static final long serialVersionUID = 2L;

  /** Series named in a report as examples; the rest are only counted. */
  static final int EXAMPLES = 5;

  /** Nothing found: the report of no series. */
  public static final WindowReport EMPTY = new WindowReport(0, 0, 0, List.of(), 0, 0, List.of(), 0, List.of());

  /** Copies the lists. */
  public WindowReport {
    shortExamples = List.copyOf(shortExamples);
    gapExamples = List.copyOf(gapExamples);
    frequencies = List.copyOf(frequencies);
  }

  /** The frequencies of the series long enough for a window, null when there were none. */
  public TimeSteps steps(boolean dateTimes) {
    return frequencies.isEmpty() ? null : new TimeSteps(frequencies, dateTimes);
  }

  /** This report followed by {@code o}: counts added, examples kept in order up to {@value #EXAMPLES}. */
  public WindowReport plus(WindowReport o) {
    TreeSet<String> f = new TreeSet<>(frequencies);
    f.addAll(o.frequencies);
    return new WindowReport(series + o.series, windows + o.windows, shortSeries + o.shortSeries,
        first(shortExamples, o.shortExamples), gaps + o.gaps, gappedSeries + o.gappedSeries,
        first(gapExamples, o.gapExamples), droppedWindows + o.droppedWindows,
        f.stream().limit(TimeSteps.MAX).toList());
  }

  private static List<String> first(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    b.stream().limit(Math.max(0, EXAMPLES - out.size())).forEach(out::add);
    return out;
  }

  /** Reports added in order. */
  public static WindowReport sum(List<WindowReport> reports) {
    return reports.stream().reduce(EMPTY, WindowReport::plus);
  }

  /** One line for the console. */
  public String describe() {
    return windows + " windows from " + series + " series" + (frequencies.isEmpty() ? "" : " (frequency "
        + String.join(", ", frequencies) + ")") + (gaps > 0 ? ", " + gaps + " time gaps in " + gappedSeries
        + " series, which windows do not cross, e.g. " + String.join("; ", gapExamples) : "")
        + (droppedWindows > 0 ? ", " + droppedWindows + " windows dropped for missing values" : "")
        + (shortSeries > 0 ? "; " + shortSeries + " series too short for lookback + horizon, e.g. "
        + String.join(", ", shortExamples) : "");
  }
}
