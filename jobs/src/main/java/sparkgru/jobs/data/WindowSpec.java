package sparkgru.jobs.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import sparkgru.engine.errors.InvalidInputException;

/**
 * The shape and encoding of forecasting windows, shared by training, forecasting and
 * evaluation so that all three see a window identically.
 *
 * <p>A window starting at row {@code s} of a (scaled) series holds the inputs of rows
 * {@code [s, s + lookback)}, {@code [lookback, inputs]}, and the targets of the next
 * {@link #trainingHorizon()} rows, flattened {@code [trainingHorizon * targets]} (step-major).
 * With per-window normalisation each value column has an offset, the window's last input value
 * ({@code last}) or the mean of its inputs ({@code mean}, {@code standard}), subtracted from its
 * inputs and targets and added back to the forecast; {@code standard} also divides by the
 * inputs' standard deviation (and multiplies the forecast by it).
 *
 * <p>{@code direct}: the model outputs all {@code horizon} steps at once (a Dense of
 * {@code horizon * targets} units). {@code recursive}: the model outputs one step, which is
 * appended to the window to forecast the next; this needs the inputs and targets to be the same
 * columns (nothing else is known about the future).
 *
 * @param inputs        input columns
 * @param targets       target columns
 * @param lookback      input steps, in [1, 100000]
 * @param horizon       steps forecast, in [1, 100000]
 * @param stride        steps between the starts of training windows, in [1, 100000]
 * @param missing       what a missing value does
 * @param normalization per-window normalisation
 * @param recursive     recursive one-step forecasting rather than a direct multi-horizon head
 * @param frequency     how each series gets its frequency, by which gaps are found and forecast
 *                      times continue
 */
public record WindowSpec(List<String> inputs, List<String> targets, int lookback, int horizon, int stride,
    Missing missing, Normalization normalization, boolean recursive, FrequencyRule frequency) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The largest lookback, horizon and stride. */
  public static final int MAX_STEPS = 100_000;

  /** Missing-value policy. */
  public enum Missing {
    /** A missing value is an error naming the series, time and column (default). */
    ERROR,
    /** Repeat the last value of the same column within the stretch. */
    FORWARD_FILL,
    /** Leave out every window that touches a missing value. */
    DROP
  }

  /** Per-window normalisation. */
  public enum Normalization {
    /** None. */
    NONE,
    /** Subtract each column's last input value. */
    LAST,
    /** Subtract each column's mean over the inputs. */
    MEAN,
    /**
     * Subtract each column's mean over the inputs and divide by their (population) standard
     * deviation, 1 when the inputs are constant: every window on one scale, with no state kept
     * per series (RevIN without the learned affine part).
     */
    STANDARD
  }

  /**
   * One window's normalisation: value column {@code c} is stored as
   * {@code (v - offset[c]) / scale[c]}.
   *
   * @param offset per value column
   * @param scale  per value column, &gt; 0
   */
  public record Normalizer(double[] offset, double[] scale) {
    /** The normalised value of column {@code c}. */
    public double apply(int c, double v) {
      return (v - offset[c]) / scale[c];
    }

    /** The value of column {@code c} whose normalised value is {@code n}. */
    public double invert(int c, double n) {
      return n * scale[c] + offset[c];
    }
  }

  /** Windows of series whose frequencies are inferred ({@link FrequencyRule#AUTO}). */
  public WindowSpec(List<String> inputs, List<String> targets, int lookback, int horizon, int stride, Missing missing,
      Normalization normalization, boolean recursive) {
    this(inputs, targets, lookback, horizon, stride, missing, normalization, recursive, FrequencyRule.AUTO);
  }

  /** Validates the shape and the columns. */
  public WindowSpec {
    frequency = frequency == null ? FrequencyRule.AUTO : frequency;
    range("window.lookback", lookback);
    range("window.horizon", horizon);
    range("window.stride", stride);
    if (inputs == null || targets == null || inputs.isEmpty() || targets.isEmpty()) {
      throw new InvalidInputException("forecasting needs at least one input and one target column "
          + "(data.feature_columns, data.target_columns)");
    }
    inputs = List.copyOf(inputs);
    targets = List.copyOf(targets);
    for (List<String> cols : List.of(inputs, targets)) {
      if (cols.stream().distinct().count() != cols.size()) {
        throw new InvalidInputException("columns are listed twice in " + cols);
      }
    }
    if (normalization != Normalization.NONE && !inputs.containsAll(targets)) {
      throw new InvalidInputException("window.normalization=" + normalization.name().toLowerCase(Locale.ROOT)
          + " subtracts each target's last or mean input value, so every target must also be an input; targets "
          + targets + " are not all in the inputs " + inputs);
    }
    if (recursive && !(inputs.containsAll(targets) && targets.containsAll(inputs))) {
      throw new InvalidInputException("forecast.mode=recursive feeds each forecast back as the next input, so the "
          + "inputs and targets must be the same columns, got inputs " + inputs + " and targets " + targets
          + "; use forecast.mode=direct with covariates");
    }
  }

  private static void range(String key, int v) {
    if (v < 1 || v > MAX_STEPS) {
      throw new InvalidInputException(key + " must be in [1, " + MAX_STEPS + "], got " + v);
    }
  }

  /** The same windows every {@code s} rows. */
  public WindowSpec withStride(int s) {
    return new WindowSpec(inputs, targets, lookback, horizon, s, missing, normalization, recursive, frequency);
  }

  /** Parses a policy name: error, forward_fill or drop. */
  public static Missing missing(String name) {
    return Choices.parse(Missing.class, "data.missing", name);
  }

  /** Parses a normalisation name: none, last, mean or standard. */
  public static Normalization normalization(String name) {
    return Choices.parse(Normalization.class, "window.normalization", name);
  }

  /** Inputs, then the targets that are not inputs: the columns of {@link Series#values()}. */
  public List<String> valueColumns() {
    List<String> all = new ArrayList<>(inputs);
    targets.stream().filter(t -> !all.contains(t)).forEach(all::add);
    return all;
  }

  /** Steps in a training target: the horizon (direct) or 1 (recursive). */
  public int trainingHorizon() {
    return recursive ? 1 : horizon;
  }

  /** Values the model outputs per window: {@code trainingHorizon * targets}. */
  public int outputWidth() {
    return trainingHorizon() * targets.size();
  }

  /** Positions of the inputs in {@link #valueColumns()}. */
  public int[] inputIndex() {
    List<String> v = valueColumns();
    return inputs.stream().mapToInt(v::indexOf).toArray();
  }

  /** Positions of the targets in {@link #valueColumns()}. */
  public int[] targetIndex() {
    List<String> v = valueColumns();
    return targets.stream().mapToInt(v::indexOf).toArray();
  }

  /** The normalisation of the window of rows {@code [start, start + lookback)}. */
  public Normalizer normalizer(double[][] values, int start) {
    int width = values[start].length;
    double[] off = new double[width];
    double[] scale = new double[width];
    Arrays.fill(scale, 1);
    if (normalization == Normalization.LAST) {
      System.arraycopy(values[start + lookback - 1], 0, off, 0, width);
    } else if (normalization == Normalization.MEAN || normalization == Normalization.STANDARD) {
      for (int s = start; s < start + lookback; s++) {
        for (int c = 0; c < width; c++) {
          off[c] += values[s][c];
        }
      }
      for (int c = 0; c < width; c++) {
        off[c] /= lookback;
      }
      if (normalization == Normalization.STANDARD) {
        for (int c = 0; c < width; c++) {
          double ss = 0;
          for (int s = start; s < start + lookback; s++) {
            ss += (values[s][c] - off[c]) * (values[s][c] - off[c]);
          }
          double sd = Math.sqrt(ss / lookback);
          scale[c] = sd > 1e-8 * Math.max(1, Math.abs(off[c])) ? sd : 1;
        }
      }
    }
    return new Normalizer(off, scale);
  }

  /** Writes the window's inputs, {@code [lookback, inputs]}, normalised, into {@code x} at {@code at}. */
  public void inputs(double[][] values, int start, Normalizer n, float[] x, int at) {
    int[] idx = inputIndex();
    int o = at;
    for (int s = start; s < start + lookback; s++) {
      for (int c : idx) {
        x[o++] = (float) n.apply(c, values[s][c]);
      }
    }
  }

  /** Writes the targets of rows {@code [from, from + steps)}, normalised, into {@code y} at {@code at}. */
  public void targets(double[][] values, int from, int steps, Normalizer n, float[] y, int at) {
    int[] idx = targetIndex();
    int o = at;
    for (int s = from; s < from + steps; s++) {
      for (int c : idx) {
        y[o++] = (float) n.apply(c, values[s][c]);
      }
    }
  }
}
