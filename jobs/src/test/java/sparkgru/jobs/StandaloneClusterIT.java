package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.io.Json;
import sparkgru.engine.model.ModelFile;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.train.TrainJob;

/**
 * A real multi-JVM Spark standalone cluster on loopback ({@link StandaloneCluster}): the train job
 * submitted with {@code spark-submit} and the shaded jar to two single-core executors, and the
 * model compared with a {@code local[2]} run of the same configuration: the same weights, bit for
 * bit. Both executors must have finished tasks.
 */
class StandaloneClusterIT {
  /** The driver's line for a task done: group 1 the executor that ran it. */
  private static final Pattern FINISHED_TASK = Pattern.compile(
      "Finished task \\S+ in stage \\S+ \\(TID \\d+\\) in \\d+ ms on \\S+ \\(executor (\\S+)\\)");

  @TempDir
  Path dir;

  @Test
  void trainingOnAStandaloneClusterEqualsLocalTrainingWithTheSamePartitioning() throws Exception {
    List<String> settings = List.of("data.source=demo", "demo.sequences=400", "demo.steps=12", "train.partitions=2",
        "train.epochs=2", "train.batch_size=16", "train.averaging_frequency=2", "model.layers=gru,dense",
        "model.layer.0.units=8", "model.layer.1.units=1", "output.metrics=" + dir.resolve("m.jsonl").toUri());
    try (StandaloneCluster cluster = StandaloneCluster.start(dir, 2)) {
      List<String> args = new ArrayList<>(List.of("train"));
      for (String s : settings) {
        args.addAll(List.of("--set", s));
      }
      args.addAll(List.of("--set", "output.model=" + dir.resolve("cluster.sgru").toUri()));
      Process driver = cluster.submit("submit", args);
      assertTrue(driver.waitFor(5, TimeUnit.MINUTES), "spark-submit did not finish in 5 minutes");
      String log = cluster.log("submit");
      assertEquals(0, driver.exitValue(), "spark-submit failed:\n" + StandaloneCluster.tail(log));
      assertTrue(log.contains("Epoch 2/2 - loss: "), StandaloneCluster.tail(log));
      assertTrue(Files.list(dir.resolve("work")).findAny().isPresent(), "executors ran in the worker's JVMs");
      Set<String> executors = new TreeSet<>();
      Matcher finished = FINISHED_TASK.matcher(log);
      while (finished.find()) {
        executors.add(finished.group(1));
      }
      assertEquals(2, executors.size(), "tasks finished on both executors, found " + executors + ":\n"
          + StandaloneCluster.tail(log));
    }

    List<String> local = new ArrayList<>(settings);
    local.add("output.model=" + dir.resolve("local.sgru").toUri());
    TrainJob.run(SparkTestSession.get(), JobConfig.of(local.toArray(new String[0])), new PrintWriter(new StringWriter()));
    float[] cluster = ModelFile.read(Files.readAllBytes(dir.resolve("cluster.sgru")), "cluster").model().parameters()
        .toArray();
    float[] embedded = ModelFile.read(Files.readAllBytes(dir.resolve("local.sgru")), "local").model().parameters()
        .toArray();
    assertArrayEquals(embedded, cluster, 0f);
  }

  /** Runs {@code args} with spark-submit on the cluster and returns its log, failing unless it exits 0. */
  private static String submit(StandaloneCluster cluster, String name, List<String> args) throws Exception {
    Process driver = cluster.submit(name, args);
    assertTrue(driver.waitFor(5, TimeUnit.MINUTES), "spark-submit " + name + " did not finish in 5 minutes");
    String log = cluster.log(name);
    assertEquals(0, driver.exitValue(), "spark-submit " + name + " failed:\n" + StandaloneCluster.tail(log));
    return log;
  }

  /**
   * Business data on the cluster: daily sales with a known-future promotion, static store
   * attributes, calendar features and three quantiles train, forecast with {@code --future} and
   * evaluate with folds, each submitted with spark-submit.
   */
  @Test
  void covariatesAndQuantilesTrainForecastAndEvaluateOnTheCluster() throws Exception {
    PromotionSales sales = PromotionSales.write(dir, 4, 160, 7);
    List<String> args = new ArrayList<>(List.of("train"));
    for (String s : sales.config(dir.resolve("out"), 7, "train.epochs=3", "data.future_columns=promo",
        "data.static_columns=size,area", "features.calendar=day_of_week", "train.quantiles=0.1,0.5,0.9")) {
      args.addAll(List.of("--set", s));
    }
    String model = dir.resolve("out/model.sgru").toString();
    Path forecast = dir.resolve("forecast.csv");
    Path report = dir.resolve("folds.json");
    try (StandaloneCluster cluster = StandaloneCluster.start(dir, 2)) {
      assertTrue(submit(cluster, "train", args).contains("Epoch 3/3 - loss: "));
      submit(cluster, "forecast", List.of("forecast", "--model", model, "--future", sales.future().toString(),
          "--output", forecast.toString()));
      submit(cluster, "evaluate", List.of("evaluate", "--model", model, "--folds", "2", "--report",
          report.toString()));
    }
    List<String> lines = Files.readAllLines(forecast);
    assertEquals("store,date,sales,sales_q0.1,sales_q0.5,sales_q0.9", lines.get(0));
    assertEquals(1 + 4 * 7, lines.size());
    assertTrue(lines.stream().skip(1).allMatch(l -> l.contains(",2023-06-1") || l.contains(",2023-06-0")),
        "the 7 days after 2023-06-10: " + lines);
    Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(report));
    assertEquals(2, ((List<?>) json.get("folds")).size());
  }
}
