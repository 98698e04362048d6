package sparkgru.jobs.forecast;

import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/** Counts series and the series that give no window in Spark accumulators, with a few examples. */
final class SparkTally implements WindowForecasts.Tally {
  private static final long serialVersionUID = 1L;
  private static final int EXAMPLES = 5;

  private final LongAccumulator series;
  private final LongAccumulator skipped;
  private final LongAccumulator windows;
  private final CollectionAccumulator<String> examples;
  private transient int examplesHere;

  SparkTally(SparkContext sc) {
    series = sc.longAccumulator("series");
    skipped = sc.longAccumulator("series without a window");
    windows = sc.longAccumulator("windows");
    examples = sc.collectionAccumulator("examples of series without a window");
  }

  @Override
  public void series() {
    series.add(1);
  }

  @Override
  public void windows(int n) {
    windows.add(n);
  }

  @Override
  public void skipped(String why) {
    skipped.add(1);
    if (examplesHere++ < EXAMPLES) {
      examples.add(why);
    }
  }

  /** Series read. */
  long seriesCount() {
    return series.value();
  }

  /** Windows forecast. */
  long windowCount() {
    return windows.value();
  }

  /** Series without a window. */
  long skippedCount() {
    return skipped.value();
  }

  /** A line about the series without a window, empty when there were none. */
  String describeSkipped() {
    if (skipped.value() == 0) {
      return "";
    }
    List<String> e = examples.value();
    return skipped.value() + " of " + series.value() + " series gave no window, e.g. "
        + String.join(", ", e.subList(0, Math.min(EXAMPLES, e.size())));
  }
}
