package sparkgru.jobs.data;

import java.io.Serializable;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Rolling-origin cross-validation without refitting, as StatsForecast's
 * {@code cross_validation(h, n_windows = count, step_size = step)}: {@code count} forecast
 * windows per series, counted back from its end. With {@code n} the series' rows and {@code h}
 * the horizon, fold {@code i} (1 the earliest, {@code count} the latest) forecasts rows
 * {@code [n - h - (count - i) * step, n - (count - i) * step)}: the latest fold's window ends at
 * the series' last row, each earlier one {@code step} rows before the next. Its lookback is the
 * rows just before, and its cutoff the last of them. The folds count from each series' own end,
 * whatever the split: folds that reach back into the training part score rows the model was
 * trained on.
 *
 * @param count the folds, in [1, {@value #MAX_COUNT}] ({@code --folds})
 * @param step  rows between consecutive folds' origins, in [1, {@value #MAX_STEP}] ({@code --fold-step})
 */
public record Folds(int count, int step) implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The most folds. */
  public static final int MAX_COUNT = 1000;
  /** The largest step between folds: the largest horizon, the default step. */
  public static final int MAX_STEP = WindowSpec.MAX_STEPS;

  /** Checks the ranges, naming the command-line options they come from. */
  public Folds {
    if (count < 1 || count > MAX_COUNT) {
      throw new InvalidInputException("--folds must be in [1, " + MAX_COUNT + "], got " + count);
    }
    if (step < 1 || step > MAX_STEP) {
      throw new InvalidInputException("--fold-step must be in [1, " + MAX_STEP + "], got " + step);
    }
  }

  /** The row of fold {@code fold}'s first forecast step in a series of {@code rows} rows (negative when too short). */
  public long origin(int rows, int horizon, int fold) {
    return (long) rows - horizon - (long) (count - fold) * step;
  }

  /**
   * The fold whose first forecast step is row {@code origin} of a series of {@code rows} rows
   * (the inverse of {@link #origin}).
   *
   * @throws IllegalArgumentException when no fold starts there
   */
  public int fold(int rows, int horizon, int origin) {
    long back = (long) rows - horizon - origin;
    if (back < 0 || back % step != 0 || back / step >= count) {
      throw new IllegalArgumentException("no fold of " + this + " forecasts from row " + origin + " of " + rows
          + " with horizon " + horizon);
    }
    return count - (int) (back / step);
  }

  /** Rows a series needs for fold {@code fold}'s window, its lookback included. */
  public long rowsNeeded(int lookback, int horizon, int fold) {
    return (long) lookback + horizon + (long) (count - fold) * step;
  }
}
