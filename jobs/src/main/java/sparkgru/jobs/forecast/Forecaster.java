package sparkgru.jobs.forecast;

import java.util.Arrays;
import java.util.List;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.model.Sequential;
import sparkgru.jobs.data.Series;
import sparkgru.jobs.data.WindowSpec;

/**
 * Forecasts windows of scaled series with a trained model, as the {@link WindowSpec} says:
 * inputs normalised per window, the model's output mapped back by the window's normalisation
 * (quantiles sorted: the mapping keeps their order, and sorting makes crossed quantiles, which a
 * model trained on the pinball loss can output, a valid set of quantiles);
 * {@code direct} reads all {@code horizon} steps from one prediction, {@code recursive} predicts
 * one step at a time, appending each forecast to the window (and re-normalising) before the next.
 * Not thread-safe: one per task.
 */
public final class Forecaster {
  private final Sequential model;
  private final WindowSpec spec;
  private final int batchSize;

  /**
   * @param features  the model's inputs per step
   * @param batchSize windows per model call, in [1, 1 << 20]
   * @throws InvalidInputException when the model's input or output width does not fit the spec
   */
  public Forecaster(Sequential model, int features, WindowSpec spec, int batchSize) {
    if (features != spec.stepWidth()) {
      throw new InvalidInputException("the model reads " + features + " input values per step but the data give "
          + spec.stepWidth() + " (" + spec.stepColumns().size() + " columns " + spec.stepColumns()
          + (spec.covariates().any() ? " and their covariates" : "") + ")");
    }
    int[] out = model.outputShape();
    if (out.length != 1 || out[0] != spec.outputWidth()) {
      throw new InvalidInputException("the model outputs " + Arrays.toString(out) + " values per window "
          + "but " + spec.trainingHorizon() + " step(s) of " + spec.targets() + " need " + spec.outputWidth());
    }
    if (batchSize < 1 || batchSize > 1 << 20) {
      throw new InvalidInputException("forecast batch size must be in [1, 1048576], got " + batchSize);
    }
    this.model = model;
    this.spec = spec;
    this.batchSize = batchSize;
  }

  /**
   * Scaled forecasts {@code [window][horizon][targets][quantiles]} (one "quantile" for point
   * forecasts; quantiles sorted, so that they never cross) of windows of {@code series}, given as
   * their scaled values {@code [rows][valueColumns]}, their encoded static covariates and the first
   * row of each window (the forecast follows its {@code lookback} rows).
   */
  public double[][][][] forecast(List<Series> series, List<double[][]> values, List<double[]> statics, int[] starts) {
    int n = values.size();
    int width = spec.valueColumns().size();
    int q = spec.quantileCount();
    double[][][][] out = new double[n][spec.horizon()][spec.targets().size()][q];
    int[] targets = spec.targetIndex();
    int steps = spec.recursive() ? spec.horizon() : 1;
    int perWindowIn = spec.steps() * spec.stepWidth();
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      // Direct forecasts read the series in place; recursive ones work on copies they extend.
      double[][][] windows = new double[to - from][][];
      int[] first = new int[to - from];
      for (int i = from; i < to; i++) {
        if (spec.recursive()) {
          windows[i - from] = new double[spec.lookback()][];
          for (int s = 0; s < spec.lookback(); s++) {
            windows[i - from][s] = values.get(i)[starts[i] + s].clone();
          }
        } else {
          windows[i - from] = values.get(i);
          first[i - from] = starts[i];
        }
      }
      for (int step = 0; step < steps; step++) {
        float[] x = new float[(to - from) * perWindowIn];
        WindowSpec.Normalizer[] norms = new WindowSpec.Normalizer[to - from];
        for (int i = from; i < to; i++) {
          norms[i - from] = spec.normalizer(windows[i - from], first[i - from]);
          spec.window(series.get(i), windows[i - from], statics.get(i), first[i - from], norms[i - from], x,
              (i - from) * perWindowIn);
        }
        float[] y = model.predict(Tensor.of(x, to - from, spec.steps(), spec.stepWidth()), to - from).toArray();
        int perWindow = spec.outputWidth();
        for (int i = from; i < to; i++) {
          WindowSpec.Normalizer norm = norms[i - from];
          for (int h = 0; h < spec.trainingHorizon(); h++) {
            for (int j = 0; j < targets.length; j++) {
              double[] levels = out[i][step + h][j];
              for (int k = 0; k < q; k++) {
                levels[k] = norm.invert(targets[j], y[(i - from) * perWindow + (h * targets.length + j) * q + k]);
              }
              Arrays.sort(levels);
            }
          }
          if (spec.recursive()) {
            double[] next = new double[width];
            for (int j = 0; j < targets.length; j++) {
              next[targets[j]] = out[i][step][j][0];
            }
            System.arraycopy(windows[i - from], 1, windows[i - from], 0, spec.lookback() - 1);
            windows[i - from][spec.lookback() - 1] = next;
          }
        }
      }
    }
    return out;
  }
}
