package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.jobs.NoPartialOutput;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.train.TrainJob;

/** The M4 protocol in miniature: train on m4-layout series, score the steps after them against a second file. */
class ActualsEvaluationTest {
  @TempDir
  Path dir;

  private static double value(int series, int t) {
    return 10 * (series + 1) + Math.sin(2 * Math.PI * t / 6) * (series + 1);
  }

  /** Series H1..H3 of 60, 50 and 40 points (padded), or the 4 points after each. */
  private Path m4(String name, boolean future, int futureRows) throws Exception {
    int[] lengths = {60, 50, 40};
    StringBuilder sb = new StringBuilder("\"V1\"");
    for (int i = 2; i <= 61; i++) {
      sb.append(",\"V").append(i).append('"');
    }
    sb.append('\n');
    for (int s = 0; s < 3; s++) {
      sb.append("\"H").append(s + 1).append('"');
      int from = future ? lengths[s] : 0;
      int to = future ? lengths[s] + (s == 2 ? futureRows : 4) : lengths[s];
      for (int i = 0; i < 60; i++) {
        sb.append(',');
        if (from + i < to) {
          sb.append(String.format(Locale.ROOT, "%.6f", value(s, from + i)));
        }
      }
      sb.append('\n');
    }
    Path f = dir.resolve(name);
    Files.writeString(f, sb.toString());
    return f;
  }

  @Test
  void forecastsAfterEachSeriesAreScoredAgainstTheActualsFile() throws Exception {
    Path train = m4("train.csv", false, 4);
    TrainJob.run(SparkTestSession.get(), JobConfig.of("data.source=csv", "data.format=m4", "data.path=" + train.toUri(),
        "window.lookback=12", "window.horizon=4", "split.mode=last_rows", "split.validation=4", "split.test=0",
        "scaling.scope=per_series", "model.layer.0.units=8", "train.epochs=2", "train.partitions=2",
        "output.model=" + dir.resolve("m.sgru").toUri(), "output.metrics=" + dir.resolve("m.jsonl").toUri()),
        new PrintWriter(new StringWriter()));
    TrainedModel model = TrainedModel.read(dir.resolve("m.sgru").toUri().toString(), List.of("evaluate.season=6"),
        SparkTestSession.get().sparkContext().hadoopConfiguration());
    StringWriter out = new StringWriter();
    EvaluateJob.Report r = EvaluateJob.run(SparkTestSession.get(), model, m4("test.csv", true, 4).toUri().toString(),
        null, null, null, new PrintWriter(out));
    assertEquals(3, r.evaluation().windows(), "one window per series, right after its last point");
    // The seasonal naive forecast of a pure season-6 sine is exact.
    assertEquals(0, r.evaluation().results().get("seasonal_naive").get("smape"), 1e-4);
    assertTrue(out.toString().contains("the 4 steps after each series, against "), out.toString());

    Path wrong = m4("wrong.csv", true, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvaluateJob.run(
        SparkTestSession.get(), model, wrong.toUri().toString(), null,
        dir.resolve("bad/report.json").toUri().toString(), dir.resolve("bad/report.png").toUri().toString(),
        new PrintWriter(new StringWriter())));
    NoPartialOutput.assertOnly(dir.resolve("bad"), List.of(), "evaluate against a short actuals file");
    assertEquals("series H3 has 3 actual rows in " + wrong.toUri() + "; every series needs exactly 4 "
        + "(window.horizon) actual rows following its history", e.getMessage());
  }

  @Test
  void aWideTableWithoutTimesContinuesItsRowNumbersInTheActuals() throws Exception {
    StringBuilder history = new StringBuilder("x\n");
    StringBuilder future = new StringBuilder("x\n");
    for (int t = 0; t < 124; t++) {
      (t < 120 ? history : future).append(String.format(Locale.ROOT, "%.6f%n", value(0, t)));
    }
    Path h = dir.resolve("history.csv");
    Path f = dir.resolve("future.csv");
    Files.writeString(h, history.toString());
    Files.writeString(f, future.toString());
    TrainJob.run(SparkTestSession.get(), JobConfig.of("data.source=csv", "data.format=wide", "data.path=" + h.toUri(),
        "data.time_column=", "data.feature_columns=x", "data.target_columns=x", "window.lookback=12",
        "window.horizon=4", "model.layer.0.units=4", "train.epochs=1", "train.partitions=2",
        "output.model=" + dir.resolve("w.sgru").toUri(), "output.metrics=" + dir.resolve("w.jsonl").toUri()),
        new PrintWriter(new StringWriter()));
    TrainedModel model = TrainedModel.read(dir.resolve("w.sgru").toUri().toString(), List.of("evaluate.season=6"),
        SparkTestSession.get().sparkContext().hadoopConfiguration());
    EvaluateJob.Report r = EvaluateJob.run(SparkTestSession.get(), model, f.toUri().toString(), null, null, null,
        new PrintWriter(new StringWriter()));
    assertEquals(1, r.evaluation().windows());
    assertEquals(0, r.evaluation().results().get("seasonal_naive").get("smape"), 1e-4,
        "rows 120..123 follow row 119, so last season's values are exact");
  }
}
