package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.jobs.SharedDatasets;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.train.TrainJob;

/**
 * The shipped real-data configurations ({@code conf/etth1.conf}, {@code conf/m4-hourly.conf},
 * {@code conf/exchange-rate.conf}) run end to end on the real files, shrunk to one short epoch:
 * this checks the pipeline and the protocols' window counts, not accuracy ({@code bench/accuracy}
 * measures that). Skipped when {@code ../shared/datasets} is absent, or failed there with
 * {@code SPARKGRU_REQUIRE_DATASETS=1} ({@link SharedDatasets}).
 */
class RealDataPipelineTest {
  @TempDir
  Path dir;

  private EvaluateJob.Report trainAndEvaluate(String config, String actuals, String... sets) throws Exception {
    List<String> overrides = new ArrayList<>(List.of(sets));
    overrides.addAll(List.of("train.epochs=1", "model.layer.0.units=8", "output.progress=false",
        "early_stopping.monitor=", "output.model=" + dir.resolve("model.sgru").toUri(),
        "output.metrics=" + dir.resolve("metrics.jsonl").toUri(), "spark.master=local[2]"));
    JobConfig cfg;
    try (var reader = Files.newBufferedReader(Path.of("..", "conf", config))) {
      cfg = JobConfig.load(reader, config, overrides);
    }
    TrainJob.run(SparkTestSession.get(), cfg, new PrintWriter(new StringWriter()));
    TrainedModel model = TrainedModel.read(dir.resolve("model.sgru").toUri().toString(), List.of(),
        SparkTestSession.get().sparkContext().hadoopConfiguration());
    EvaluateJob.Report r = EvaluateJob.run(SparkTestSession.get(), model, actuals, null, null, null,
        new PrintWriter(new StringWriter()));
    for (Map.Entry<String, Map<String, Double>> e : r.evaluation().results().entrySet()) {
      assertTrue(Double.isFinite(e.getValue().get("mse")) && Double.isFinite(e.getValue().get("mae_raw")),
          e.getKey() + ": " + e.getValue());
    }
    return r;
  }

  @Test
  void etth1UnderTheInformerProtocol() throws Exception {
    EvaluateJob.Report r = trainAndEvaluate("etth1.conf", null,
        "data.path=" + SharedDatasets.file("etdataset/ETTh1.csv"),
        "window.stride=32");
    assertEquals(2785, r.evaluation().windows(), "the published test window count, stride 1");
  }

  @Test
  void m4HourlyAgainstItsTestFile() throws Exception {
    EvaluateJob.Report r = trainAndEvaluate("m4-hourly.conf", SharedDatasets.file("m4/Hourly-test.csv").toString(),
        "data.path=" + SharedDatasets.file("m4/Hourly-train.csv"), "window.stride=48", "window.lookback=48");
    assertEquals(414, r.evaluation().windows(), "one forecast per series");
    // M4's published sNaive figures for the hourly set, to their printed three decimals: a check of the metric code.
    Map<String, Double> seasonal = r.evaluation().results().get("seasonal_naive");
    assertEquals(13.912, seasonal.get("smape"), 0.0005, "seasonal naive sMAPE");
    assertEquals(1.193, seasonal.get("mase"), 0.0005, "seasonal naive MASE");
  }

  @Test
  void exchangeRateNaiveMatchesADirectComputation() throws Exception {
    Path file = SharedDatasets.file("lstnet/exchange_rate.txt");
    EvaluateJob.Report r = trainAndEvaluate("exchange-rate.conf", null, "data.path=" + file, "window.horizon=3",
        "evaluate.steps=3", "window.stride=32", "window.lookback=24");
    List<double[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      rows.add(java.util.Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray());
    }
    int n = rows.size();
    int testStart = (int) Math.floor(n * 0.6) + (int) Math.floor(n * 0.2);
    // Windows forecast rows [o, o + 3) inside the test part; step 3 is row o + 2 for o = testStart..n-3.
    double sse = 0;
    double sum = 0;
    double sum2 = 0;
    long count = 0;
    for (int t = testStart + 2; t < n; t++) {
      for (int c = 0; c < 8; c++) {
        double y = rows.get(t)[c];
        double e = y - rows.get(t - 3)[c];
        sse += e * e;
        sum += y;
        sum2 += y * y;
        count++;
      }
    }
    double rse = Math.sqrt(sse) / Math.sqrt(sum2 - sum * sum / count);
    assertEquals(n - testStart - 2, r.evaluation().windows());
    assertEquals(rse, r.evaluation().results().get("naive").get("rse"), 1e-9);
  }
}
