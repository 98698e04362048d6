package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.io.Json;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.data.Folds;
import sparkgru.jobs.train.TrainJob;

/**
 * Rolling-origin folds end to end on local Spark: hourly series of different lengths, one with a
 * time gap and one too short for any fold, whose fold windows are worked out by hand (lookback
 * 12, horizon 4, 3 folds 2 rows apart: fold i of n rows forecasts from row n - 4 - (3 - i) * 2);
 * the naive baseline's error of each fold is computed here from the data, the model's overall
 * error is the window-weighted mix of its folds', and the reports hold every fold.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FoldEvaluationTest {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final LocalDateTime START = LocalDateTime.of(2024, 3, 1, 0, 0);
  private static final int LOOKBACK = 12;
  private static final int HORIZON = 4;
  private static final Folds FOLDS = new Folds(3, 2);

  @TempDir
  static Path dir;
  private Path data;
  private TrainedModel model;
  /** Each series' values, and the hour of each row. */
  private final Map<String, double[]> values = new LinkedHashMap<>();
  private final Map<String, int[]> hours = new LinkedHashMap<>();

  /**
   * a: 60 rows; b: 50; c: 60 with 5 hours missing after row 40 (fold 1, rows 40..55, crosses
   * that gap); d: 18 (fold 1 needs 20); tiny: 14 (the latest fold needs 16).
   */
  @BeforeAll
  void trainOnce() throws Exception {
    addSeries("a", 60, 0, -1);
    addSeries("b", 50, 1, -1);
    addSeries("c", 60, 2, 41);
    addSeries("d", 18, 3, -1);
    addSeries("tiny", 14, 4, -1);
    List<String> rows = new ArrayList<>();
    values.forEach((id, v) -> {
      for (int i = 0; i < v.length; i++) {
        rows.add(id + "," + START.plusHours(hours.get(id)[i]).format(TIME) + ","
            + String.format(Locale.ROOT, "%.6f", v[i]));
      }
    });
    java.util.Collections.shuffle(rows, new java.util.Random(3));
    data = dir.resolve("series.csv");
    Files.writeString(data, "id,ts,v\n" + String.join("\n", rows) + "\n");
    TrainJob.run(SparkTestSession.get(), JobConfig.of("data.source=csv", "data.format=long",
        "data.path=" + data.toUri(), "data.series_column=id", "data.time_column=ts", "data.feature_columns=v",
        "data.target_columns=v", "window.lookback=" + LOOKBACK, "window.horizon=" + HORIZON,
        "split.train=0.7", "split.validation=0.1", "split.test=0.2", "scaling.scope=per_series",
        "model.layer.0.units=4", "train.epochs=1", "train.partitions=2", "evaluate.season=6",
        "output.model=" + dir.resolve("m.sgru").toUri(), "output.metrics=" + dir.resolve("m.jsonl").toUri()),
        new PrintWriter(new StringWriter()));
    model = TrainedModel.read(dir.resolve("m.sgru").toUri().toString(), List.of(),
        SparkTestSession.get().sparkContext().hadoopConfiguration());
  }

  /** A series of {@code n} rows, hourly but {@code gapAt} (or never, when negative) on 5 hours later. */
  private void addSeries(String id, int n, int k, int gapAt) {
    double[] v = new double[n];
    int[] h = new int[n];
    for (int i = 0; i < n; i++) {
      h[i] = gapAt >= 0 && i >= gapAt ? i + 5 : i;
      v[i] = Double.parseDouble(String.format(Locale.ROOT, "%.6f", 10 * (k + 1) + (k + 1) * Math.sin(i / 2.0)
          + 0.1 * i));
    }
    values.put(id, v);
    hours.put(id, h);
  }

  private static String hour(int h) {
    return START.plusHours(h).format(TIME);
  }

  /** The series whose fold {@code fold} window lies by hand inside one stretch of at least the lookback. */
  private static List<String> seriesOfFold(int fold) {
    return fold == 1 ? List.of("a", "b") : List.of("a", "b", "c", "d");
  }

  @Test
  void eachFoldScoresTheWindowsWorkedOutByHand() throws Exception {
    StringWriter console = new StringWriter();
    EvaluateJob.Report r = EvaluateJob.run(SparkTestSession.get(), model, null, FOLDS,
        dir.resolve("folds.json").toUri().toString(), dir.resolve("folds.png").toUri().toString(),
        new PrintWriter(console));
    List<Evaluation.Fold> folds = r.evaluation().folds();
    assertEquals(3, folds.size());
    long[] expectedSkipped = {3, 1, 1};
    // The cutoff is the last lookback row, origin - 1: the latest series' and the earliest's.
    String[] latest = {hour(60 - 4 - 4 - 1), hour(60 - 4 - 2 - 1 + 5), hour(60 - 4 - 1 + 5)};
    String[] earliest = {hour(50 - 4 - 4 - 1), hour(18 - 4 - 2 - 1), hour(18 - 4 - 1)};
    double weighted = 0;
    for (Evaluation.Fold f : folds) {
      int i = f.fold() - 1;
      assertEquals(seriesOfFold(f.fold()).size(), f.windows(), "fold " + f.fold());
      assertEquals(expectedSkipped[i], f.skipped(), "fold " + f.fold());
      assertEquals(latest[i], f.latestCutoff(), "fold " + f.fold());
      assertEquals(earliest[i], f.earliestCutoff(), "fold " + f.fold());
      double naive = 0;
      int n = 0;
      for (String id : seriesOfFold(f.fold())) {
        double[] v = values.get(id);
        int origin = (int) FOLDS.origin(v.length, HORIZON, f.fold());
        for (int h = 0; h < HORIZON; h++) {
          naive += Math.abs(v[origin + h] - v[origin - 1]);
          n++;
        }
      }
      assertEquals(naive / n, f.results().get("naive").get("mae_raw"), 1e-9, "fold " + f.fold());
      weighted += f.windows() * f.results().get("model").get("mae_raw");
    }
    assertEquals(10, r.evaluation().windows());
    assertEquals(weighted / 10, r.evaluation().results().get("model").get("mae_raw"), 1e-9,
        "every window scores the same number of values");

    String out = console.toString();
    assertTrue(out.contains(": 3 folds of 4 steps, every 2 rows, back from the end of each series"), out);
    assertTrue(out.contains("1 of 5 series gave no window, e.g. tiny (14 rows, no fold window: fold 3 needs 16 rows)"),
        out);
    assertTrue(out.contains("5 fold windows were skipped (too little lookback, a time gap or missing values), e.g. "),
        out);
    assertTrue(out.contains("c (60 rows, fold 1 crosses a time gap)"), out);
    assertTrue(out.contains("d (18 rows, fold 1 needs 20 rows)"), out);
    assertTrue(out.contains("over all folds:\nforecaster "), out);
    assertTrue(out.contains("by fold, mae_raw:\n fold  cutoff                      windows   skipped          model "
        + "         naive seasonal_naive           mean\n    1  " + latest[0] + "               2         3 "), out);

    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("folds.json")));
    assertEquals(2L, ((Number) json.get("fold_step")).longValue());
    List<?> byFold = (List<?>) json.get("folds");
    assertEquals(3, byFold.size());
    Map<?, ?> first = (Map<?, ?>) byFold.get(0);
    assertEquals(List.of("fold", "cutoff", "earliest_cutoff", "windows", "windows_skipped", "metrics"),
        List.copyOf(first.keySet()));
    assertEquals(1L, ((Number) first.get("fold")).longValue());
    assertEquals(latest[0], first.get("cutoff"));
    assertEquals(earliest[0], first.get("earliest_cutoff"));
    assertEquals(2L, ((Number) first.get("windows")).longValue());
    assertEquals(3L, ((Number) first.get("windows_skipped")).longValue());
    assertEquals(List.of("model", "naive", "seasonal_naive", "mean"),
        List.copyOf(((Map<?, ?>) first.get("metrics")).keySet()));
    assertEquals(folds.get(0).results().get("naive").get("mae_raw"),
        ((Number) ((Map<?, ?>) ((Map<?, ?>) first.get("metrics")).get("naive")).get("mae_raw")).doubleValue(), 0);
    Map<?, ?> overall = (Map<?, ?>) json.get("overall");
    assertEquals(List.of("windows", "windows_skipped", "metrics"), List.copyOf(overall.keySet()));
    assertEquals(10L, ((Number) overall.get("windows")).longValue());
    assertEquals(5L, ((Number) overall.get("windows_skipped")).longValue());
    assertEquals(json.get("metrics"), overall.get("metrics"));
    assertEquals(10L, ((Number) json.get("windows")).longValue());
    byte[] png = Files.readAllBytes(dir.resolve("folds.png"));
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
  }

  @Test
  void dataWithoutAnyFoldWindowNamesTheSeriesTooShort() throws Exception {
    Path tiny = dir.resolve("tiny.csv");
    StringBuilder csv = new StringBuilder("id,ts,v\n");
    double[] v = values.get("tiny");
    for (int i = 0; i < v.length; i++) {
      csv.append("tiny,").append(hour(i)).append(',').append(String.format(Locale.ROOT, "%.6f", v[i])).append('\n');
    }
    Files.writeString(tiny, csv.toString());
    TrainedModel onTiny = TrainedModel.read(dir.resolve("m.sgru").toUri().toString(), List.of("data.path="
        + tiny.toUri()), SparkTestSession.get().sparkContext().hadoopConfiguration());
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> EvaluateJob.run(SparkTestSession.get(),
        onTiny, null, FOLDS, null, null, new PrintWriter(new StringWriter())));
    assertEquals("no fold window in " + tiny.toUri() + " (1 series): the latest fold needs window.lookback + "
        + "window.horizon = 12 + 4 rows at the end of a series, without a time gap; 1 of 1 series gave no window, "
        + "e.g. tiny (14 rows, no fold window: fold 3 needs 16 rows)", e.getMessage());
  }
}
