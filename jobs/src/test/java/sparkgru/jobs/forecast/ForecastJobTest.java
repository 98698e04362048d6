package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.io.Json;
import sparkgru.jobs.NoPartialOutput;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.train.TrainJob;

/**
 * Train, forecast and evaluate end to end on local Spark with long-format CSV series of very
 * different levels (so that a forecast left on the scaled scale, or shifted by the wrong
 * window offset, is far off), and the bad inputs a forecasting run refuses (RELIABILITY.md, section 2).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForecastJobTest {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final LocalDateTime START = LocalDateTime.of(2024, 3, 1, 0, 0);
  /** Levels of the series s0..s3: a model that forgets to unscale is off by up to 5,000. */
  private static final double[] LEVELS = {0, 50, 500, 5000};

  @TempDir
  static Path dir;
  private Path data;
  private Path model;
  private String trainLog;

  private static double value(int series, int t) {
    double level = LEVELS[series];
    return level + (1 + series) * (Math.sin(2 * Math.PI * t / 12) + 0.01 * t);
  }

  /** Rows of the series: s0..s3 with 120 hours each, "tiny" with 10 (shorter than the lookback), "short" with 30. */
  private static List<String> rows(Map<String, Integer> lengths, String corrupt) {
    List<String> rows = new ArrayList<>();
    int index = 0;
    for (Map.Entry<String, Integer> e : lengths.entrySet()) {
      for (int t = 0; t < e.getValue(); t++) {
        String v = String.format(Locale.ROOT, "%.6f", value(Math.min(index, 3), t));
        if (corrupt != null && e.getKey().equals("s1") && t == 100) {
          v = corrupt;
        }
        rows.add(e.getKey() + "," + START.plusHours(t).format(TIME) + "," + v + ","
            + String.format(Locale.ROOT, "%.6f", Math.cos(2 * Math.PI * t / 12)));
      }
      index++;
    }
    java.util.Collections.shuffle(rows, new java.util.Random(4));
    return rows;
  }

  private static Map<String, Integer> lengths() {
    Map<String, Integer> m = new java.util.LinkedHashMap<>();
    for (int s = 0; s < 4; s++) {
      m.put("s" + s, 120);
    }
    m.put("tiny", 10);
    m.put("short", 30);
    return m;
  }

  private Path csv(String name, List<String> rows) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, "id,ts,v,c\n" + String.join("\n", rows) + "\n");
    return file;
  }

  private List<String> config(Path input, String out, String... more) {
    List<String> o = new ArrayList<>(List.of("data.source=csv", "data.format=long", "data.path=" + input.toUri(),
        "data.series_column=id", "data.time_column=ts", "data.feature_columns=v,c", "data.target_columns=v",
        "window.lookback=24", "window.horizon=6", "window.stride=1", "window.normalization=last",
        "split.train=0.7", "split.validation=0.1", "split.test=0.2", "scaling.method=standard",
        "scaling.scope=per_series", "model.layer.0.units=16", "optimizer.learning_rate=0.01", "train.epochs=6",
        "train.batch_size=16", "train.partitions=2", "evaluate.season=12",
        "output.model=" + dir.resolve(out + "/model.sgru").toUri(),
        "output.metrics=" + dir.resolve(out + "/metrics.jsonl").toUri()));
    o.addAll(List.of(more));
    return o;
  }

  private static String train(List<String> config) {
    StringWriter out = new StringWriter();
    TrainJob.run(SparkTestSession.get(), JobConfig.of(config.toArray(new String[0])), new PrintWriter(out));
    return out.toString();
  }

  private TrainedModel trained(String... sets) {
    return TrainedModel.read(model.toUri().toString(), List.of(sets), SparkTestSession.get().sparkContext()
        .hadoopConfiguration());
  }

  @BeforeAll
  void trainOnce() throws Exception {
    data = csv("series.csv", rows(lengths(), null));
    model = dir.resolve("out/model.sgru");
    trainLog = train(config(data, "out", "output.report=" + dir.resolve("out/report.png").toUri()));
  }

  @Test
  void trainingReportsShortSeriesAndWritesTheReport() throws Exception {
    assertTrue(trainLog.contains("training windows: ") && trainLog.contains("1 series too short for lookback + "
        + "horizon, e.g. tiny (10 steps)"), trainLog);
    assertTrue(trainLog.contains("validation windows (") && trainLog.contains("seasonal_naive"), trainLog);
    byte[] png = Files.readAllBytes(dir.resolve("out/report.png"));
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
    assertEquals(List.of("scaling", "training_windows", "time_steps", "engine", "spark", "java", "data", "seed",
        "partitions", "config", "created", "history"), provenanceKeys(Files.readAllBytes(model)),
        "the keys as the file holds them");
  }

  /** The keys of a model file's provenance, in the order of its header's JSON. */
  private static List<?> provenanceKeys(byte[] modelFile) {
    int length = ByteBuffer.wrap(modelFile).getInt(12);
    Map<?, ?> header = (Map<?, ?>) Json.parse(new String(modelFile, 16, length, StandardCharsets.UTF_8));
    return List.copyOf(((Map<?, ?>) header.get("provenance")).keySet());
  }

  @Test
  void futureForecastsFollowEachSeriesOnItsOwnScale() throws Exception {
    Path out = dir.resolve("future.csv");
    StringWriter log = new StringWriter();
    ForecastJob.Result r = ForecastJob.run(SparkTestSession.get(), trained(), out.toUri().toString(), false, false,
        new PrintWriter(log));
    assertEquals(6, r.series());
    assertEquals(1, r.skipped(), "tiny has fewer rows than the lookback");
    assertTrue(log.toString().contains("1 of 6 series gave no window, e.g. tiny (10 rows, lookback 24)"), log.toString());
    List<String> lines = Files.readAllLines(out);
    assertEquals("id,ts,v", lines.get(0));
    assertEquals(1 + 5 * 6, lines.size());
    Map<String, List<String[]>> bySeries = new HashMap<>();
    lines.subList(1, lines.size()).forEach(l -> bySeries.computeIfAbsent(l.split(",")[0], k -> new ArrayList<>())
        .add(l.split(",")));
    for (int s = 0; s < 4; s++) {
      List<String[]> f = bySeries.get("s" + s);
      double error = 0;
      for (int h = 0; h < 6; h++) {
        assertEquals(START.plusHours(120 + h).format(TIME), f.get(h)[1], "hourly after the last row");
        error += Math.abs(Double.parseDouble(f.get(h)[2]) - value(s, 120 + h)) / 6;
      }
      // The series swings by +-(1 + s); unscaled or unshifted forecasts miss by the level (up to 5,000).
      assertTrue(error < 0.5 * (1 + s), "s" + s + " forecast error " + error);
    }
    assertEquals(6, bySeries.get("short").size(), "30 rows are enough to forecast, not to train on");
  }

  private static String number(double v) {
    return String.format(Locale.ROOT, "%.6f", v);
  }

  /**
   * A series the model never saw (per-series scaling) is forecast on its own history's scaling;
   * a series a thousand times its training level, and one stepping weekly for an hourly model,
   * are forecast with a warning naming them and how far off they are.
   */
  @Test
  void unseenSeriesAreScaledOnTheirOwnAndSeriesOffTheModelsScaleOrStepAreNamed() throws Exception {
    List<String> rows = new ArrayList<>();
    double[] window = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    double[] training = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (int t = 0; t < 120; t++) {
      String c = number(Math.cos(2 * Math.PI * t / 12));
      String hour = START.plusHours(t).format(TIME);
      double big = Double.parseDouble(number(1000 * value(2, t)));
      double level = Double.parseDouble(number(value(2, t)));
      rows.add("s0," + hour + "," + number(value(0, t)) + "," + c);
      rows.add("s1," + START.plusDays(7L * t).format(TIME) + "," + number(value(1, t)) + "," + c);
      rows.add("s2," + hour + "," + number(1000 * value(2, t)) + "," + c);
      rows.add("new," + hour + "," + number(value(3, t)) + "," + c);
      if (t >= 96) { // the last 24 rows: the lookback of the future forecast
        window[0] = Math.min(window[0], big);
        window[1] = Math.max(window[1], big);
      }
      if (t < 84) { // the training part: 70 % of 120 rows
        training[0] = Math.min(training[0], level);
        training[1] = Math.max(training[1], level);
      }
    }
    Path input = csv("checks.csv", rows);
    Path out = dir.resolve("checks-forecast.csv");
    StringWriter log = new StringWriter();
    ForecastJob.Result r = ForecastJob.run(SparkTestSession.get(), trained("data.path=" + input.toUri()),
        out.toUri().toString(), false, false, new PrintWriter(log));
    assertEquals(new ForecastJob.Result(4, 0, 24), r, log.toString());
    List<String> lines = log.toString().lines().toList();
    assertTrue(lines.contains("1 of 4 series were not in the model's training data and were scaled on their own "
        + "history (per-series scaling), e.g. new"), log.toString());
    assertTrue(lines.contains("spark-gru: warning: 1 of 4 series have inputs far off the scale the model was trained "
        + "on (more than 10 times the width of the training values' range outside it), so their forecasts mean little; "
        + "the furthest: s2 (v: " + WindowForecasts.number(window[0]) + " to " + WindowForecasts.number(window[1])
        + " against " + WindowForecasts.number(training[0]) + " to " + WindowForecasts.number(training[1])
        + " in training); check the data's units and scaling"), log.toString());
    assertTrue(lines.contains("spark-gru: warning: 1 of 4 series have a frequency the model was not trained on "
        + "(h), and their forecasts step by their own: s1 (W-FRI)"), log.toString());
    double error = 0;
    for (String line : Files.readAllLines(out)) {
      String[] f = line.split(",");
      if (f[0].equals("new")) {
        int t = 120 + (int) java.time.Duration.between(START.plusHours(120), LocalDateTime.parse(f[1], TIME))
            .toHours();
        error += Math.abs(Double.parseDouble(f[2]) - value(3, t)) / 6;
      }
    }
    // As close as s3's own forecasts: on the training scaling's scale, a forecast off by the level misses by 5,000.
    assertTrue(error < 0.5 * 4, "the unseen series' forecast error " + error);
  }

  @Test
  void backtestsCarryTheActualsAndEvaluateScoresExactlyThem() throws Exception {
    Path out = dir.resolve("backtest");
    ForecastJob.run(SparkTestSession.get(), trained(), out.toUri().toString(), true, false,
        new PrintWriter(new StringWriter()));
    List<Row> rows = SparkTestSession.get().read().parquet(out.toString()).collectAsList();
    // Test part of the 120-hour series: rows 96..119; windows forecasting 6 rows inside it start
    // their forecast at rows 96..114: 19 windows x 6 steps x 4 series; short: 30 rows -> test 24..29, 1 window.
    assertEquals((19 * 4 + 1) * 6, rows.size());
    double absError = 0;
    for (Row r : rows) {
      String id = r.getString(0);
      java.sql.Timestamp origin = r.getTimestamp(1);
      int step = r.getInt(2);
      java.sql.Timestamp time = r.getTimestamp(3);
      assertEquals(origin.toInstant().plusSeconds(3600L * step), time.toInstant());
      int t = (int) java.time.Duration.between(START, time.toLocalDateTime()).toHours();
      int s = id.equals("short") ? 3 : Integer.parseInt(id.substring(1));
      s = id.equals("short") ? 3 : s;
      double actual = id.equals("short") ? value(Math.min(5, 3), t) : value(s, t);
      assertEquals(Double.parseDouble(String.format(Locale.ROOT, "%.6f", actual)), r.getDouble(5), 0, id + " at " + t);
      absError += Math.abs(r.getDouble(4) - r.getDouble(5));
    }
    StringWriter console = new StringWriter();
    EvaluateJob.Report report = EvaluateJob.run(SparkTestSession.get(), trained(), null, null,
        dir.resolve("evaluation.json").toUri().toString(), dir.resolve("evaluation.png").toUri().toString(),
        new PrintWriter(console));
    assertFalse(console.toString().contains("intervals"), "a point forecast has no intervals table: " + console);
    assertEquals(19 * 4 + 1, report.evaluation().windows());
    assertEquals(absError / rows.size(), report.evaluation().results().get("model").get("mae_raw"), 1e-9);
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("evaluation.json")));
    assertEquals(77L, ((Number) json.get("windows")).longValue());
    assertTrue(((Map<?, ?>) json.get("metrics")).keySet().containsAll(List.of("model", "naive", "seasonal_naive",
        "mean")));
    assertFalse(json.containsKey("intervals") || json.containsKey("quantiles"), json.keySet().toString());
    assertTrue(Files.size(dir.resolve("evaluation.png")) > 1000);
  }

  @Test
  void badDataLeavesNoOutputBehind() throws Exception {
    Path bad = csv("bad.csv", rows(lengths(), "Infinity"));
    Path text = csv("text.csv", rows(lengths(), "n/a"));
    Path noColumn = dir.resolve("nocol.csv");
    Files.writeString(noColumn, "id,ts,v\ns0,2024-01-01 00:00:00,1\n");
    Path out = dir.resolve("bad-out/forecast.csv");
    java.util.Map<String, String> before = NoPartialOutput.snapshot(dir);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ForecastJob.run(
        SparkTestSession.get(), trained("data.path=" + bad.toUri()), out.toUri().toString(), false, false,
        new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().contains("series s1 has an infinite or out-of-float-range value in column 'v' at time "
        + "2024-03-05 04:00:00 (row 101 of the series)"),
        e.getMessage());
    assertFalse(Files.exists(out));
    try (var listing = Files.list(out.getParent())) {
      assertEquals(List.of(), listing.toList(), "no temporary leftovers");
    }
    e = assertThrows(IllegalArgumentException.class, () -> ForecastJob.run(SparkTestSession.get(),
        trained("data.path=" + text.toUri()), out.toUri().toString(), false, false, new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().contains("column 'v' has a non-numeric value 'n/a' (series s1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ForecastJob.run(SparkTestSession.get(),
        trained("data.path=" + noColumn.toUri()), out.toUri().toString(), false, false,
        new PrintWriter(new StringWriter())));
    assertEquals(noColumn.toUri() + " has no column 'c'; its columns are [id, ts, v]", e.getMessage());
    assertFalse(Files.exists(out));
    NoPartialOutput.assertUnchanged(dir, before, "forecast of bad data");
  }

  @Test
  void existingOutputsAreKeptUnlessOverwritten() throws Exception {
    Path out = dir.resolve("existing.csv");
    Files.writeString(out, "keep me");
    java.util.Map<String, String> before = NoPartialOutput.snapshot(dir);
    assertEquals("output " + out.toUri() + " already exists; remove it or pass --overwrite", assertThrows(
        IllegalArgumentException.class, () -> ForecastJob.run(SparkTestSession.get(), trained(),
            out.toUri().toString(), false, false, new PrintWriter(new StringWriter()))).getMessage());
    assertEquals("keep me", Files.readString(out));
    NoPartialOutput.assertUnchanged(dir, before, "forecast onto an existing output");
    ForecastJob.run(SparkTestSession.get(), trained(), out.toUri().toString(), false, true,
        new PrintWriter(new StringWriter()));
    assertTrue(Files.readString(out).startsWith("id,ts,v\n"));
  }

  @Test
  void aRunThatForecastsNothingKeepsTheOutputItWouldReplace() throws Exception {
    Map<String, Integer> tinyOnly = new java.util.LinkedHashMap<>();
    tinyOnly.put("tiny", 10);
    Path tiny = csv("tiny.csv", rows(tinyOnly, null));
    Path out = dir.resolve("kept.csv");
    Files.writeString(out, "previous forecast");
    java.util.Map<String, String> before = NoPartialOutput.snapshot(dir);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ForecastJob.run(
        SparkTestSession.get(), trained("data.path=" + tiny.toUri()), out.toUri().toString(), false, true,
        new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().contains("could be forecast (1 series): 1 of 1 series gave no window, e.g. tiny (10 "
        + "rows, lookback 24); nothing was written"), e.getMessage());
    assertEquals("previous forecast", Files.readString(out));
    NoPartialOutput.assertUnchanged(dir, before, "forecast of nothing");
  }

  @Test
  void whatTheModelWasTrainedForCannotBeOverridden() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trained("window.horizon=3"));
    assertTrue(e.getMessage().startsWith("--set window.horizon cannot change what " + model.toUri() + " was trained "
        + "for; these may change: [data.format, "), e.getMessage());
    java.util.Map<String, String> before = NoPartialOutput.snapshot(dir);
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = sparkgru.jobs.Cli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("forecast", "--model", model.toString(), "--output", dir.resolve("h3/f.csv")
        .toString(), "--set", "window.horizon=3"));
    assertTrue(err.toString().startsWith("spark-gru: error: --set window.horizon cannot change what " + model
        + " was trained for; these may change: [data.format, "), err.toString());
    NoPartialOutput.assertUnchanged(dir, before, "forecast --set window.horizon=3");
    StringWriter noEquals = new StringWriter();
    cli.setErr(new PrintWriter(noEquals));
    assertEquals(2, cli.execute("forecast", "--model", model.toString(), "--output", dir.resolve("h3/f.csv")
        .toString(), "--set", "window"));
    assertEquals("spark-gru: error: override 'window' must be key=value, e.g. data.path=new.csv"
        + System.lineSeparator(), noEquals.toString());
    NoPartialOutput.assertUnchanged(dir, before, "forecast --set window");
  }

  @Test
  void aHorizonLongerThanEverySeriesIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> train(config(data, "long-horizon", "window.horizon=200")));
    assertTrue(e.getMessage().contains("gives no training window: 0 windows from 6 series; 6 series too short for "
        + "lookback + horizon"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("long-horizon/model.sgru")));
    NoPartialOutput.assertOnly(dir.resolve("long-horizon"), List.of(), "training with too long a horizon");
  }

  @Test
  void resumedSeriesTrainingEndsWithTheWeightsOfAnUninterruptedRun() throws Exception {
    // Windows are rebuilt and re-balanced across partitions on resume: that must be deterministic.
    PrintWriter quiet = new PrintWriter(new StringWriter());
    String ck = "checkpoint.path=" + dir.resolve("series-ck").toUri();
    float[] uninterrupted = TrainJob.run(SparkTestSession.get(), JobConfig.of(config(data, "resume-a",
        "train.epochs=3").toArray(new String[0])), quiet).model().parameters().toArray();
    TrainJob.run(SparkTestSession.get(), JobConfig.of(config(data, "resume-b", "train.epochs=1", ck)
        .toArray(new String[0])), quiet);
    float[] resumed = TrainJob.run(SparkTestSession.get(), JobConfig.of(config(data, "resume-b", "train.epochs=3", ck)
        .toArray(new String[0])), quiet, true).model().parameters().toArray();
    assertArrayEquals(uninterrupted, resumed, 0f);
  }

  @Test
  void recursiveModelsForecastStepByStep() throws Exception {
    train(config(data, "recursive", "data.feature_columns=v", "forecast.mode=recursive", "train.epochs=2"));
    TrainedModel m = TrainedModel.read(dir.resolve("recursive/model.sgru").toUri().toString(), List.of(),
        SparkTestSession.get().sparkContext().hadoopConfiguration());
    assertEquals(1, m.spec().trainingHorizon());
    ForecastJob.Result r = ForecastJob.run(SparkTestSession.get(), m, dir.resolve("recursive.csv").toUri().toString(),
        false, false, new PrintWriter(new StringWriter()));
    assertEquals(5 * 6, r.rows());
  }
}
