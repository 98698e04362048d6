package sparkgru.jobs.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.loss.Loss;

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
 * {@code horizon * targets * quantiles} units, quantile innermost; one "quantile" for point
 * forecasts). {@code recursive}: the model outputs one step, which is appended to the window to
 * forecast the next; this needs the inputs and targets to be the same columns (nothing else is
 * known about the future).
 *
 * <p><b>Covariates.</b> Every step of a window gives the model its step columns
 * ({@link #stepColumns()}: the feature columns, then the known-future columns that are not
 * feature columns, with their past values), the calendar features of its time, the series'
 * encoded static covariates and, when anything is known about the horizon, the window's
 * <em>future block</em>: for each forecast step in order, the known-future columns' values and
 * the calendar features of that step's time. The block is the same on every step of the window, so
 * the last step, whose state the Dense head reads, sees the whole horizon's covariates one GRU
 * step away from the output: the model learns "a promotion on forecast step 3 raises step 3"
 * directly, without carrying it through further recurrent steps. The Keras
 * model it exports takes {@code [lookback, stepWidth()]} like any other.
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
 * @param covariates    known-future columns, calendar features and static covariates
 * @param quantiles     the quantile levels forecast, increasing in (0, 1); empty for point forecasts
 */
public record WindowSpec(List<String> inputs, List<String> targets, int lookback, int horizon, int stride,
    Missing missing, Normalization normalization, boolean recursive, FrequencyRule frequency, Covariates covariates,
    List<Double> quantiles) implements Serializable {
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

  /**
   * What a window knows besides the series' past.
   *
   * @param future      value columns known over the horizon when forecasting (not targets)
   * @param calendar    the calendar features of each step's time
   * @param statics     columns with one value per series
   * @param encoding    how the static columns become inputs, fitted on the training series; null
   *                    until then
   */
  public record Covariates(List<String> future, CalendarFeatures calendar, List<String> statics,
      StaticEncoding encoding) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** None. */
    public static final Covariates NONE = new Covariates(List.of(), new CalendarFeatures(List.of()), List.of(), null);

    /** Copies the lists. */
    public Covariates {
      future = List.copyOf(future);
      statics = List.copyOf(statics);
    }

    /** Whether there are any. */
    public boolean any() {
      return !future.isEmpty() || calendar.width() > 0 || !statics.isEmpty();
    }

    /**
     * The inputs the static columns take once encoded (a numeric column one, a categorical one a
     * slot per category); before the encoding is fitted, one per column.
     */
    public int staticWidth() {
      return encoding == null ? statics.size() : encoding.width();
    }

    /** The encoded static covariates of {@code s}: none without static columns. */
    public double[] encode(Series s) {
      if (statics.isEmpty()) {
        return new double[0];
      }
      if (encoding == null) {
        throw new IllegalStateException("static covariates " + statics + " are not fitted (internal error)");
      }
      return encoding.encode(s.statics());
    }
  }

  /** Point-forecast windows without covariates, of series whose frequencies are inferred ({@link FrequencyRule#AUTO}). */
  public WindowSpec(List<String> inputs, List<String> targets, int lookback, int horizon, int stride, Missing missing,
      Normalization normalization, boolean recursive) {
    this(inputs, targets, lookback, horizon, stride, missing, normalization, recursive, FrequencyRule.AUTO,
        Covariates.NONE, List.of());
  }

  /** Validates the shape and the columns. */
  public WindowSpec {
    frequency = frequency == null ? FrequencyRule.AUTO : frequency;
    covariates = covariates == null ? Covariates.NONE : covariates;
    quantiles = List.copyOf(quantiles == null ? List.of() : quantiles);
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
    if (recursive && covariates.any()) {
      throw new InvalidInputException("forecast.mode=recursive feeds each forecast back as the next input and knows "
          + "nothing else about the future; data.future_columns, data.static_columns and features.calendar need "
          + "forecast.mode=direct");
    }
    for (String f : covariates.future()) {
      if (targets.contains(f)) {
        throw new InvalidInputException("data.future_columns lists the target '" + f + "': a target is what is "
            + "forecast, not known in advance; remove it from data.future_columns or data.target_columns");
      }
    }
    if (covariates.future().stream().distinct().count() != covariates.future().size()) {
      throw new InvalidInputException("columns are listed twice in data.future_columns " + covariates.future());
    }
    for (String c : covariates.statics()) {
      if (inputs.contains(c) || targets.contains(c) || covariates.future().contains(c)) {
        throw new InvalidInputException("data.static_columns lists '" + c + "', which is also a feature, target or "
            + "future column; a static column holds one value per series and is given to the model on its own");
      }
    }
    if (!quantiles.isEmpty()) {
      Loss.Pinball.check(quantiles.stream().mapToDouble(Double::doubleValue).toArray(), "train.quantiles");
      if (recursive) {
        throw new InvalidInputException("train.quantiles needs forecast.mode=direct: a recursive forecast feeds one "
            + "value back per step, and a quantile forecast has several");
      }
    }
  }

  private static void range(String key, int v) {
    if (v < 1 || v > MAX_STEPS) {
      throw new InvalidInputException(key + " must be in [1, " + MAX_STEPS + "], got " + v);
    }
  }

  /** The same windows every {@code s} rows. */
  public WindowSpec withStride(int s) {
    return new WindowSpec(inputs, targets, lookback, horizon, s, missing, normalization, recursive, frequency,
        covariates, quantiles);
  }

  /** The same windows with static covariates encoded by {@code encoding} (null: none fitted). */
  public WindowSpec withStaticEncoding(StaticEncoding encoding) {
    return new WindowSpec(inputs, targets, lookback, horizon, stride, missing, normalization, recursive, frequency,
        new Covariates(covariates.future(), covariates.calendar(), covariates.statics(), encoding), quantiles);
  }

  /** Parses a policy name: error, forward_fill or drop. */
  public static Missing missing(String name) {
    return Choices.parse(Missing.class, "data.missing", name);
  }

  /** Parses a normalisation name: none, last, mean or standard. */
  public static Normalization normalization(String name) {
    return Choices.parse(Normalization.class, "window.normalization", name);
  }

  /**
   * Inputs, then the targets that are not inputs, then the future columns that are neither: the
   * columns of {@link Series#values()}.
   */
  public List<String> valueColumns() {
    List<String> all = new ArrayList<>(inputs);
    targets.stream().filter(t -> !all.contains(t)).forEach(all::add);
    covariates.future().stream().filter(t -> !all.contains(t)).forEach(all::add);
    return all;
  }

  /** The value columns a step gives the model: the inputs, then the future columns that are not inputs. */
  public List<String> stepColumns() {
    List<String> all = new ArrayList<>(inputs);
    covariates.future().stream().filter(t -> !all.contains(t)).forEach(all::add);
    return all;
  }

  /**
   * Inputs of the window's future block: for each of the {@code horizon} forecast steps, the
   * known-future columns and the calendar features; 0 when neither is configured.
   */
  public int futureWidth() {
    int perStep = covariates.future().size() + covariates.calendar().width();
    return perStep == 0 ? 0 : horizon * perStep;
  }

  /** Steps the model reads per window: the lookback. */
  public int steps() {
    return lookback;
  }

  /** Inputs per step: step columns, calendar features, encoded static covariates and the future block. */
  public int stepWidth() {
    return stepColumns().size() + covariates.calendar().width() + covariates.staticWidth() + futureWidth();
  }

  /** Steps in a training target: the horizon (direct) or 1 (recursive). */
  public int trainingHorizon() {
    return recursive ? 1 : horizon;
  }

  /** Outputs per target and step: the quantiles, or 1 for a point forecast. */
  public int quantileCount() {
    return Math.max(1, quantiles.size());
  }

  /** Values the model outputs per window: {@code trainingHorizon * targets * quantileCount}. */
  public int outputWidth() {
    return trainingHorizon() * targets.size() * quantileCount();
  }

  /**
   * Which output of a target and step is its point forecast: the quantile 0.5 when forecast, else
   * the level nearest to it (the lower of two as near); 0 for point forecasts.
   */
  public int pointQuantile() {
    int best = 0;
    for (int k = 1; k < quantiles.size(); k++) {
      if (Math.abs(quantiles.get(k) - 0.5) < Math.abs(quantiles.get(best) - 0.5)) {
        best = k;
      }
    }
    return best;
  }

  /** Positions of the inputs in {@link #valueColumns()}. */
  public int[] inputIndex() {
    List<String> v = valueColumns();
    return inputs.stream().mapToInt(v::indexOf).toArray();
  }

  /** Positions of the {@link #stepColumns()} in {@link #valueColumns()}. */
  public int[] stepIndex() {
    List<String> v = valueColumns();
    return stepColumns().stream().mapToInt(v::indexOf).toArray();
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

  /**
   * Writes the model input of the window of series {@code s} starting at row {@code start},
   * {@code [lookback, stepWidth()]}, into {@code x} at {@code at}: on each lookback row its step
   * columns of {@code values} (scaled), normalised by {@code n}, the calendar of its time,
   * {@code statics} (the series' encoded static covariates) and the future block, built once from
   * the {@code horizon} rows that follow the lookback (their future columns, normalised by
   * {@code n}, and the calendar of their times, {@link Series#time(int)}, which continues past the
   * last row; rows past the series' end are read only for future columns).
   */
  public void window(Series s, double[][] values, double[] statics, int start, Normalizer n, float[] x, int at) {
    int[] idx = stepIndex();
    CalendarFeatures calendar = covariates.calendar();
    int block = futureWidth();
    // The block is written once, on the first step, and copied to the others.
    int firstBlock = at + idx.length + calendar.width() + statics.length;
    if (block > 0) {
      List<String> columns = valueColumns();
      int[] future = covariates.future().stream().mapToInt(columns::indexOf).toArray();
      int b = firstBlock;
      for (int h = 0; h < horizon; h++) {
        int row = start + lookback + h;
        for (int c : future) {
          x[b++] = (float) n.apply(c, values[row][c]);
        }
        if (calendar.width() > 0) {
          calendar.write(s.time(row), s.zone(), x, b);
          b += calendar.width();
        }
      }
    }
    int o = at;
    for (int row = start; row < start + lookback; row++) {
      for (int c : idx) {
        x[o++] = (float) n.apply(c, values[row][c]);
      }
      if (calendar.width() > 0) {
        calendar.write(s.time(row), s.zone(), x, o);
        o += calendar.width();
      }
      for (double v : statics) {
        x[o++] = (float) v;
      }
      if (o != firstBlock) {
        System.arraycopy(x, firstBlock, x, o, block);
      }
      o += block;
    }
  }


  /**
   * Writes the targets of rows {@code [from, from + steps)}, normalised, into {@code y} at
   * {@code at}, each repeated {@link #quantileCount()} times (the pinball loss scores every
   * quantile output against the same actual).
   */
  public void targets(double[][] values, int from, int steps, Normalizer n, float[] y, int at) {
    int[] idx = targetIndex();
    int q = quantileCount();
    int o = at;
    for (int s = from; s < from + steps; s++) {
      for (int c : idx) {
        float v = (float) n.apply(c, values[s][c]);
        for (int k = 0; k < q; k++) {
          y[o++] = v;
        }
      }
    }
  }
}
