package sparkgru.jobs.forecast;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntConsumer;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import sparkgru.jobs.data.TimeSteps;

/**
 * Counts series, the series that give no window, the fold windows skipped, the series scaled on
 * their own rows and those off the model's scale or step, in Spark accumulators, with a few
 * examples of each: the first ones, and for the series off scale the furthest. The count of each
 * fold's skipped windows goes to a per-task counter instead ({@link #countingFolds}), merged with
 * the fold's metrics.
 */
final class SparkTally implements WindowForecasts.Tally {
  private static final long serialVersionUID = 1L;
  private static final int EXAMPLES = 5;

  /** An example of a series off scale, and how far off it is. */
  private record Far(double ranges, String why) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private final LongAccumulator series;
  private final LongAccumulator skipped;
  private final LongAccumulator windows;
  private final LongAccumulator ownScaling;
  private final LongAccumulator offScale;
  private final LongAccumulator offStep;
  private final LongAccumulator foldSkipped;
  private final CollectionAccumulator<String> examples;
  private final CollectionAccumulator<String> ownScalingExamples;
  private final CollectionAccumulator<Far> offScaleExamples;
  private final CollectionAccumulator<String> offStepExamples;
  private final CollectionAccumulator<String> foldSkippedExamples;
  private transient int examplesHere;
  private transient int foldSkippedHere;
  private transient IntConsumer perFold;
  private transient int ownScalingHere;
  private transient int offStepHere;
  /** The furthest series off scale this task has reported, nearest first. */
  private transient PriorityQueue<Double> furthestHere;

  SparkTally(SparkContext sc) {
    series = sc.longAccumulator("series");
    skipped = sc.longAccumulator("series without a window");
    windows = sc.longAccumulator("windows");
    ownScaling = sc.longAccumulator("series scaled on their own rows");
    offScale = sc.longAccumulator("series off the model's scale");
    offStep = sc.longAccumulator("series off the model's time step");
    foldSkipped = sc.longAccumulator("fold windows skipped");
    examples = sc.collectionAccumulator("examples of series without a window");
    ownScalingExamples = sc.collectionAccumulator("examples of series scaled on their own rows");
    offScaleExamples = sc.collectionAccumulator("furthest series off the model's scale");
    offStepExamples = sc.collectionAccumulator("examples of series off the model's time step");
    foldSkippedExamples = sc.collectionAccumulator("examples of fold windows skipped");
  }

  /**
   * This tally, from now on also telling {@code counter} the fold of each fold window skipped;
   * called in a task, on the task's own copy.
   */
  SparkTally countingFolds(IntConsumer counter) {
    perFold = counter;
    return this;
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

  @Override
  public void ownScaling(String id) {
    ownScaling.add(1);
    if (ownScalingHere++ < EXAMPLES) {
      ownScalingExamples.add(id);
    }
  }

  @Override
  public void offScale(double ranges, String why) {
    offScale.add(1);
    // Only a series among this task's furthest so far can be among the furthest of all.
    if (furthestHere == null) {
      furthestHere = new PriorityQueue<>();
    }
    if (furthestHere.size() < EXAMPLES || ranges > furthestHere.peek()) {
      furthestHere.add(ranges);
      if (furthestHere.size() > EXAMPLES) {
        furthestHere.poll();
      }
      offScaleExamples.add(new Far(ranges, why));
    }
  }

  @Override
  public void offStep(String why) {
    offStep.add(1);
    if (offStepHere++ < EXAMPLES) {
      offStepExamples.add(why);
    }
  }

  @Override
  public void foldSkipped(int fold, String why) {
    foldSkipped.add(1);
    if (perFold != null) {
      perFold.accept(fold);
    }
    if (foldSkippedHere++ < EXAMPLES) {
      foldSkippedExamples.add(why);
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

  /** Series scaled on their own rows. */
  long ownScalingCount() {
    return ownScaling.value();
  }

  /** Series off the model's scale. */
  long offScaleCount() {
    return offScale.value();
  }

  /** Series off the model's time step. */
  long offStepCount() {
    return offStep.value();
  }

  /** A line about the series without a window, empty when there were none. */
  String describeSkipped() {
    if (skipped.value() == 0) {
      return "";
    }
    return skipped.value() + " of " + series.value() + " series gave no window, e.g. " + first(examples.value());
  }

  /** A line about the fold windows skipped, empty when there were none. */
  String describeFoldsSkipped() {
    if (foldSkipped.value() == 0) {
      return "";
    }
    return foldSkipped.value() + " fold windows were skipped (too little lookback, a time gap or missing values), "
        + "e.g. " + first(foldSkippedExamples.value());
  }

  /**
   * The lines about series scaled on their own rows ({@code own} says on which), off the model's
   * scale and off its time step ({@code trained}, the training series' steps), each as a warning
   * but the first; empty when there were none.
   */
  List<String> describeChecks(String own, TimeSteps trained) {
    List<String> out = new ArrayList<>();
    if (ownScaling.value() > 0) {
      out.add(ownScaling.value() + " of " + series.value() + " series were not in the model's training data and were "
          + "scaled on " + own + " (per-series scaling), e.g. " + first(ownScalingExamples.value()));
    }
    if (offScale.value() > 0) {
      List<Far> far = new ArrayList<>(offScaleExamples.value());
      far.sort(Comparator.comparingDouble(Far::ranges).reversed());
      out.add("spark-gru: warning: " + offScale.value() + " of " + series.value() + " series have inputs far off the "
          + "scale the model was trained on (more than " + (int) WindowForecasts.OFF_SCALE + " times the width of the "
          + "training values' range outside it), so their forecasts mean little; the furthest: "
          + first(far.stream().map(Far::why).toList()) + "; check the data's units and scaling");
    }
    if (offStep.value() > 0) {
      out.add("spark-gru: warning: " + offStep.value() + " of " + series.value() + " series have a frequency the "
          + "model was not trained on (" + trained.describe() + "), and their forecasts step by their own: "
          + first(offStepExamples.value()));
    }
    return out;
  }

  private static String first(List<String> examples) {
    return String.join(", ", examples.subList(0, Math.min(EXAMPLES, examples.size())));
  }
}
