package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelSpec;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.Folds;
import sparkgru.jobs.data.Scaler;
import sparkgru.jobs.data.Series;
import sparkgru.jobs.data.SlidingWindows;
import sparkgru.jobs.data.TimeSteps;
import sparkgru.jobs.data.WindowSpec;

/**
 * The checks of each forecast series against what the model saw in training, and the scaling of
 * series the model's per-series scaling does not know, on series given as rows (no Spark).
 */
class WindowForecastsTest {
  private static final List<String> V = List.of("v");
  /** The folds of {@link WindowForecasts.Mode#FOLDS} here: 3, 2 rows apart. */
  private static final Folds FOLDS = new Folds(3, 2);

  /** What a run counted. */
  private static final class Recorded implements WindowForecasts.Tally {
    private static final long serialVersionUID = 1L;
    final List<String> skipped = new ArrayList<>();
    final List<String> ownScaling = new ArrayList<>();
    final List<String> offScale = new ArrayList<>();
    final List<String> offStep = new ArrayList<>();
    final List<String> foldSkipped = new ArrayList<>();

    @Override
    public void series() {}

    @Override
    public void windows(int n) {}

    @Override
    public void skipped(String why) {
      skipped.add(why);
    }

    @Override
    public void ownScaling(String id) {
      ownScaling.add(id);
    }

    @Override
    public void offScale(double ranges, String why) {
      offScale.add(why);
    }

    @Override
    public void offStep(String why) {
      offStep.add(why);
    }

    @Override
    public void foldSkipped(int fold, String why) {
      foldSkipped.add(fold + ": " + why);
    }
  }

  private static WindowSpec spec(WindowSpec.Normalization normalization, WindowSpec.Missing missing) {
    return new WindowSpec(V, V, 4, 2, 1, missing, normalization, false);
  }

  /** Typed rows of a series whose rows from {@code gapAt} on lie {@code gap} extra steps later. */
  private static List<Row> rowsWithGap(String id, int n, int gapAt, int gap) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(RowFactory.create(id, (long) (i < gapAt ? i : i + gap), (double) (i % 7), null));
    }
    return out;
  }

  /** Typed rows {@code series, time, v, offset} of a series with {@code n} rows at times 0, step, 2 step, .... */
  private static List<Row> rows(String id, int n, long step, IntToDoubleFunction value) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double v = value.applyAsDouble(i);
      out.add(RowFactory.create(id, i * step, Double.isNaN(v) ? null : v, null));
    }
    return out;
  }

  private static List<WindowForecasts.Forecast> run(WindowSpec spec, Scaler scaler, ChronologicalSplit split,
      WindowForecasts.Mode mode, Recorded tally, TimeSteps steps, List<Row> rows) {
    SlidingWindows windows = new SlidingWindows("id", "t", spec, split, ChronologicalSplit.Part.TEST, scaler);
    Forecaster forecaster = new Forecaster(new ModelSpec(-1, 1, List.of(new LayerSpec("gru", Map.of("units", "3")),
        new LayerSpec("dense", Map.of("units", "2")))).build(5), 1, spec, 8);
    Iterator<WindowForecasts.Forecast> f = new WindowForecasts(rows.iterator(), false, windows, forecaster, mode,
        mode == WindowForecasts.Mode.FOLDS ? FOLDS : null, 8, tally, steps);
    List<WindowForecasts.Forecast> out = new ArrayList<>();
    f.forEachRemaining(out::add);
    return out;
  }

  /** A global scaling that knows the training values lay in [0, 10]. */
  private static Scaler trainedOn0To10() {
    return new Scaler(Scaler.Method.STANDARD, Scaler.Scope.GLOBAL, V, Map.of("*", new double[] {5, 2}),
        Map.of("*", new double[] {0, 10}));
  }

  @Test
  void inputsMoreThanTenRangesOutsideTheTrainingValuesAreCounted() {
    List<Row> rows = new ArrayList<>(rows("inside", 8, 1, i -> i));
    // The last 4 rows (the lookback) reach 109: 99 above the training maximum, 9.9 ranges of width 10.
    rows.addAll(rows("near", 8, 1, i -> 100 + i + 2));
    // 111: 10.1 ranges above.
    rows.addAll(rows("far", 8, 1, i -> 104 + i));
    rows.addAll(rows("below", 8, 1, i -> -1000 - i));
    Recorded tally = new Recorded();
    List<WindowForecasts.Forecast> f = run(spec(WindowSpec.Normalization.NONE, WindowSpec.Missing.ERROR),
        trainedOn0To10(), ChronologicalSplit.NONE, WindowForecasts.Mode.FUTURE, tally, null, rows);
    assertEquals(4, f.size(), "every series is forecast");
    assertEquals(List.of("far (v: 108 to 111 against 0 to 10 in training)",
        "below (v: -1007 to -1004 against 0 to 10 in training)"), tally.offScale);
    Recorded standard = new Recorded();
    run(spec(WindowSpec.Normalization.STANDARD, WindowSpec.Missing.ERROR), trainedOn0To10(), ChronologicalSplit.NONE,
        WindowForecasts.Mode.FUTURE, standard, null, rows);
    assertEquals(List.of(), standard.offScale, "per-window standard normalisation puts every window on one scale");
  }

  @Test
  void shiftOnlyNormalisationCountsWindowsSpanningMoreThanTenRanges() {
    // Far above the training values, but each window spans 3 (last normalisation subtracts the level).
    List<Row> rows = new ArrayList<>(rows("shifted", 8, 1, i -> 1e6 + i));
    // The last 4 rows span 107 (10.7 ranges), and 99 (9.9 ranges).
    rows.addAll(rows("wide", 8, 1, i -> i == 5 ? 111 : i));
    rows.addAll(rows("narrow", 8, 1, i -> i == 5 ? 103 : i));
    Recorded tally = new Recorded();
    run(spec(WindowSpec.Normalization.LAST, WindowSpec.Missing.ERROR), trainedOn0To10(), ChronologicalSplit.NONE,
        WindowForecasts.Mode.FUTURE, tally, null, rows);
    assertEquals(List.of("wide (v: 4 to 111 against 0 to 10 in training)"), tally.offScale);
  }

  @Test
  void seriesWithAStepTheTrainingSeriesDidNotHaveAreCounted() {
    List<Row> rows = new ArrayList<>(rows("hourly", 8, 3600, i -> i));
    rows.addAll(rows("daily", 8, 86_400, i -> i));
    rows.addAll(rows("one", 1, 3600, i -> i));
    Recorded tally = new Recorded();
    WindowSpec spec = new WindowSpec(V, V, 1, 2, 1, WindowSpec.Missing.ERROR, WindowSpec.Normalization.NONE, false);
    run(spec, trainedOn0To10(), ChronologicalSplit.NONE, WindowForecasts.Mode.FUTURE, tally,
        new TimeSteps(List.of("3600"), false), rows);
    assertEquals(List.of("daily (86400)"), tally.offStep, "a series of one row has no step to compare");
    Recorded dates = new Recorded();
    run(spec, trainedOn0To10(), ChronologicalSplit.NONE, WindowForecasts.Mode.FUTURE, dates,
        new TimeSteps(List.of("h"), true), rows);
    assertEquals(List.of(), dates.offStep, "steps of numbers are not compared with those of date-times");
  }

  @Test
  void seriesThePerSeriesScalingDoesNotKnowAreScaledOnTheirOwnRows() {
    Scaler scaler = new Scaler(Scaler.Method.STANDARD, Scaler.Scope.PER_SERIES, V,
        Map.of("known\u0000v", new double[] {1, 2}), Map.of("known\u0000v", new double[] {0, 9}));
    List<Row> rows = new ArrayList<>(rows("known", 10, 1, i -> i));
    rows.addAll(rows("new", 10, 1, i -> i * i));
    // Missing values where its training part lies: nothing to scale it on for a backtest.
    rows.addAll(rows("empty", 12, 1, i -> i < 6 ? Double.NaN : i));
    ChronologicalSplit split = ChronologicalSplit.fractions(0.5, 0);
    WindowSpec spec = spec(WindowSpec.Normalization.NONE, WindowSpec.Missing.DROP);
    Recorded future = new Recorded();
    List<WindowForecasts.Forecast> f = run(spec, scaler, split, WindowForecasts.Mode.FUTURE, future, null, rows);
    assertEquals(List.of("new", "empty"), future.ownScaling);
    assertEquals(3, f.size());
    assertArrayEquals(new double[] {1, 2}, f.get(0).scaling()[0]);
    Series whole = f.get(1).series();
    assertArrayEquals(scaler.fitSeries(whole, 0, 10, V).params()[0], f.get(1).scaling()[0], "the whole history");
    double mean = 28.5;
    double variance = 0;
    for (int i = 0; i < 10; i++) {
      variance += (i * i - mean) * (i * i - mean) / 10;
    }
    assertArrayEquals(new double[] {mean, Math.sqrt(variance)}, f.get(1).scaling()[0], 1e-12);
    Recorded backtest = new Recorded();
    List<WindowForecasts.Forecast> b = run(spec, scaler, split, WindowForecasts.Mode.BACKTEST, backtest, null, rows);
    assertEquals(List.of("new"), backtest.ownScaling);
    assertEquals(List.of("empty (not in the model's training data, and without values in its training part to "
        + "scale it on)"), backtest.skipped);
    WindowForecasts.Forecast first = b.stream().filter(x -> x.series().id().equals("new")).findFirst().orElseThrow();
    // The training part, rows 0..4: 0, 1, 4, 9, 16.
    assertArrayEquals(new double[] {6, Math.sqrt((36 + 25 + 4 + 9 + 100) / 5.0)}, first.scaling()[0], 1e-12);
  }

  @Test
  void foldWindowsAreCountedBackFromEachSeriesEndAndSkippedOverGapsShortHistoryAndMissingValues() {
    // Lookback 4, horizon 2, 3 folds 2 rows apart: in n rows, fold i forecasts from row n - 2 - (3 - i) * 2.
    List<Row> rows = new ArrayList<>(rows("long", 20, 1, i -> i % 5));
    // Rows 12.. lie 5 steps later: fold 1 (rows 10..15) crosses the gap, folds 2 and 3 (12..17, 14..19) do not.
    rows.addAll(rowsWithGap("gap", 20, 12, 5));
    // 9 rows: fold 1 needs 4 + 2 + 4 = 10.
    rows.addAll(rows("short", 9, 1, i -> i));
    rows.addAll(rows("tiny", 5, 1, i -> i));
    // A missing value at row 17: folds 2 and 3 touch it (with data.missing=drop).
    rows.addAll(rows("holes", 20, 1, i -> i == 17 ? Double.NaN : i % 3));
    Recorded tally = new Recorded();
    List<WindowForecasts.Forecast> f = run(spec(WindowSpec.Normalization.NONE, WindowSpec.Missing.DROP),
        trainedOn0To10(), ChronologicalSplit.fractions(0.5, 0), WindowForecasts.Mode.FOLDS, tally, null, rows);
    assertEquals(List.of("long 14", "long 16", "long 18", "gap 16", "gap 18", "short 5", "short 7", "holes 14"),
        f.stream().map(x -> x.series().id() + " " + x.origin()).toList());
    assertEquals(List.of("1: gap (20 rows, fold 1 crosses a time gap)", "1: short (9 rows, fold 1 needs 10 rows)",
        "1: tiny (5 rows, fold 1 needs 10 rows)", "2: tiny (5 rows, fold 2 needs 8 rows)",
        "3: tiny (5 rows, fold 3 needs 6 rows)", "2: holes (20 rows, fold 2 has missing values)",
        "3: holes (20 rows, fold 3 has missing values)"), tally.foldSkipped);
    assertEquals(List.of("tiny (5 rows, no fold window: fold 3 needs 6 rows)"), tally.skipped);
  }
}
