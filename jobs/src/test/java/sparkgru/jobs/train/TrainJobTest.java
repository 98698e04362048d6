package sparkgru.jobs.train;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.io.Json;
import sparkgru.engine.model.ModelFile;
import sparkgru.jobs.NoPartialOutput;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.io.RunFailedException;

/** The train job end to end on local Spark: CSV and demo input, outputs, and bad data. */
class TrainJobTest {
  @TempDir
  Path dir;

  /** Long-format CSV: sequences of 4 to 6 steps (ragged), rows shuffled, target = sum of x0 so far. */
  private Path csv(String name, int sequences, String corrupt) throws Exception {
    StringBuilder sb = new StringBuilder("seq,t,x0,x1,y\n");
    SplittableRandom r = new SplittableRandom(3);
    List<String> rows = new java.util.ArrayList<>();
    for (int s = 0; s < sequences; s++) {
      int steps = 4 + s % 3;
      double sum = 0;
      for (int t = 0; t < steps; t++) {
        double x0 = r.nextDouble() - 0.5;
        sum += x0;
        rows.add(String.format(Locale.ROOT, "id%d,%d,%.5f,%.5f,%.5f", s, t, x0, r.nextDouble(), sum));
      }
    }
    java.util.Collections.shuffle(rows, new java.util.Random(1));
    rows.forEach(row -> sb.append(row).append('\n'));
    if (corrupt != null) {
      sb.append(corrupt).append('\n');
    }
    Path file = dir.resolve(name);
    Files.writeString(file, sb.toString());
    return file;
  }

  private JobConfig config(Path data, String... more) {
    List<String> o = new java.util.ArrayList<>(List.of("data.source=csv", "data.path=" + data.toUri(),
        "data.id_column=seq", "data.step_column=t", "data.feature_columns=x0,x1", "data.target_columns=y",
        "model.layers=gru,dense", "model.layer.0.units=8", "model.layer.1.units=1", "optimizer.learning_rate=0.02",
        "train.epochs=4", "train.batch_size=8", "train.averaging_frequency=2", "train.partitions=3",
        "output.model=" + dir.resolve("out/model.sgru").toUri(), "output.metrics=" + dir.resolve("out/m.jsonl").toUri()));
    o.addAll(List.of(more));
    return JobConfig.of(o.toArray(new String[0]));
  }

  @Test
  void trainsFromCsvAndWritesMetricsAndAModelTheEngineLoads() throws Exception {
    Path data = csv("train.csv", 120, null);
    StringWriter out = new StringWriter();
    TrainJob.Result result = TrainJob.run(SparkTestSession.get(), config(data), new PrintWriter(out));
    double[] loss = result.history().get("loss");
    assertTrue(loss[3] < loss[0], "loss falls: " + java.util.Arrays.toString(loss));
    List<String> lines = Files.readAllLines(dir.resolve("out/m.jsonl"));
    assertEquals(4, lines.size());
    assertTrue(lines.get(0).startsWith("{\"epoch\": 1, \"loss\": ") && lines.get(0).contains("\"val_loss\": "),
        lines.get(0));
    ModelFile.Loaded loaded = ModelFile.read(Files.readAllBytes(dir.resolve("out/model.sgru")), "model.sgru");
    assertArrayEquals(result.model().parameters().toArray(), loaded.model().parameters().toArray(), 0f);
    assertEquals(data.toUri().toString(), loaded.provenance().dataOrigin());
    assertEquals(List.of("engine", "spark", "java", "data", "seed", "partitions", "config", "created", "history"),
        provenanceKeys(Files.readAllBytes(dir.resolve("out/model.sgru"))), "the keys as the file holds them");
    assertTrue(out.toString().contains("Epoch 4/4 - loss: "), out.toString());
  }

  /** The keys of a model file's provenance, in the order of its header's JSON. */
  private static List<?> provenanceKeys(byte[] modelFile) {
    int length = ByteBuffer.wrap(modelFile).getInt(12);
    Map<?, ?> header = (Map<?, ?>) Json.parse(new String(modelFile, 16, length, StandardCharsets.UTF_8));
    return List.copyOf(((Map<?, ?>) header.get("provenance")).keySet());
  }

  @Test
  void parquetInputTrainsLikeTheSameRowsInCsv() throws Exception {
    Path data = csv("p.csv", 50, null);
    Path parquet = dir.resolve("p.parquet");
    SparkTestSession.get().read().option("header", "true").option("inferSchema", "true").csv(data.toString())
        .write().parquet(parquet.toString());
    PrintWriter quiet = new PrintWriter(new StringWriter());
    float[] fromCsv = TrainJob.run(SparkTestSession.get(), config(data, "train.epochs=2"), quiet)
        .model().parameters().toArray();
    float[] fromParquet = TrainJob.run(SparkTestSession.get(), config(parquet, "train.epochs=2", "data.source=parquet"),
        quiet).model().parameters().toArray();
    assertArrayEquals(fromCsv, fromParquet, 0f);
  }

  @Test
  void theSameConfigurationTrainsTheSameWeights() throws Exception {
    Path data = csv("same.csv", 60, null);
    float[] a = TrainJob.run(SparkTestSession.get(), config(data, "train.epochs=2"), new PrintWriter(new StringWriter()))
        .model().parameters().toArray();
    float[] b = TrainJob.run(SparkTestSession.get(), config(data, "train.epochs=2"), new PrintWriter(new StringWriter()))
        .model().parameters().toArray();
    assertArrayEquals(a, b, 0f);
  }

  @Test
  void badDataFailsClearlyAndWritesNothing() throws Exception {
    assertFails("has no column 'x9'; its columns are [seq, t, x0, x1, y]",
        config(csv("a.csv", 10, null), "data.feature_columns=x0,x9"));
    assertFails("column 'x1' has a missing, non-numeric or infinite value or beyond float32 range (sequence id99, step "
        + "0, value 'abc')",
        config(csv("b.csv", 10, "id99,0,0.1,abc,0.2")));
    assertFails("sequence id0: duplicate step 0; steps must run 0, 1, ..., T-1",
        config(csv("c.csv", 10, "id0,0,0.1,0.2,0.3")));
    assertFails("sequence id77: missing step 0 (next step found is 2); steps must run 0, 1, ..., T-1",
        config(csv("d.csv", 10, "id77,2,0.1,0.2,0.3")));
    assertFails("the model outputs 3 values per sequence but there are 1 target columns [y]; set the last layer's "
        + "units to 1", config(csv("e.csv", 10, null), "model.layer.1.units=3"));
    assertFails("data.path " + dir.resolve("nope.csv").toUri() + " does not exist (or matches no file)", config(dir.resolve("nope.csv")));
    Path header = dir.resolve("empty.csv");
    Files.writeString(header, "seq,t,x0,x1,y\n");
    assertFails("the training data is empty: no partition holds a sample", config(header));
    assertFalse(Files.exists(dir.resolve("out/model.sgru")) || Files.exists(dir.resolve("out/m.jsonl")),
        "no output is left behind");
    NoPartialOutput.assertOnly(dir, List.of("a.csv", "b.csv", "c.csv", "d.csv", "e.csv", "empty.csv"),
        "training on bad data");
  }

  private static void assertFails(String expectedPart, JobConfig config) {
    Exception e = assertThrows(Exception.class,
        () -> TrainJob.run(SparkTestSession.get(), config, new PrintWriter(new StringWriter())));
    Throwable t = e;
    while (!(t instanceof InvalidInputException) && t.getCause() != null) {
      t = t.getCause();
    }
    assertTrue(t instanceof InvalidInputException, "not the user's error: " + e);
    assertTrue(t.getMessage() != null && t.getMessage().contains(expectedPart), "expected '" + expectedPart + "' in: " + t);
  }

  @Test
  void resumingFromACheckpointEndsWithTheWeightsOfAnUninterruptedRun() throws Exception {
    Path data = csv("resume.csv", 60, null);
    String ck = "checkpoint.path=" + dir.resolve("ck").toUri();
    PrintWriter quiet = new PrintWriter(new StringWriter());
    float[] uninterrupted = TrainJob.run(SparkTestSession.get(), config(data, "train.epochs=4"), quiet)
        .model().parameters().toArray();
    TrainJob.run(SparkTestSession.get(), config(data, "train.epochs=2", ck), quiet);
    // A half-written newer checkpoint (as a crash would leave with a non-atomic writer) is skipped.
    Files.write(dir.resolve("ck/checkpoint-3.ckpt"), new byte[] {'S', 'G', 'R', 'U'});
    StringWriter out = new StringWriter();
    TrainJob.Result resumed = TrainJob.run(SparkTestSession.get(), config(data, "train.epochs=4", ck),
        new PrintWriter(out), true);
    assertTrue(out.toString().contains("resuming after epoch 2 from "), out.toString());
    assertArrayEquals(uninterrupted, resumed.model().parameters().toArray(), 0f);
    assertEquals(4, resumed.history().epochs().size());
    assertEquals(4, Files.readAllLines(dir.resolve("out/m.jsonl")).size(), "metrics of all 4 epochs");
  }

  @Test
  void resumeCarriesCallbackCountersAndRefusesAnotherRunsCheckpoints() throws Exception {
    Path data = csv("cb.csv", 60, null);
    String ck = "checkpoint.path=" + dir.resolve("ck3").toUri();
    String[] callbacks = {"early_stopping.monitor=val_loss", "early_stopping.patience=1",
        "early_stopping.restore_best_weights=true", "reduce_lr.monitor=loss", "reduce_lr.patience=0",
        "reduce_lr.factor=0.5", "reduce_lr.min_delta=0.5"};
    PrintWriter quiet = new PrintWriter(new StringWriter());
    List<String> all = new java.util.ArrayList<>(List.of(callbacks));
    all.add("train.epochs=5");
    TrainJob.Result uninterrupted = TrainJob.run(SparkTestSession.get(), config(data, all.toArray(new String[0])), quiet);
    List<String> first = new java.util.ArrayList<>(List.of(callbacks));
    first.addAll(List.of("train.epochs=2", ck));
    TrainJob.run(SparkTestSession.get(), config(data, first.toArray(new String[0])), quiet);
    List<String> rest = new java.util.ArrayList<>(List.of(callbacks));
    rest.addAll(List.of("train.epochs=5", ck));
    java.util.Map<String, String> before = NoPartialOutput.snapshot(dir);
    assertFails("already holds checkpoints of an earlier run; continue it with --resume, or choose an empty directory",
        config(data, rest.toArray(new String[0])));
    NoPartialOutput.assertUnchanged(dir, before, "training into another run's checkpoints");
    TrainJob.Result resumed = TrainJob.run(SparkTestSession.get(), config(data, rest.toArray(new String[0])), quiet, true);
    assertArrayEquals(uninterrupted.model().parameters().toArray(), resumed.model().parameters().toArray(), 0f);
    assertEquals(uninterrupted.history().epochs().size(), resumed.history().epochs().size());

    List<String> changed = new java.util.ArrayList<>(rest);
    changed.add("optimizer.learning_rate=0.5");
    before = NoPartialOutput.snapshot(dir);
    Exception e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(SparkTestSession.get(),
        config(data, changed.toArray(new String[0])), quiet, true));
    assertTrue(e.getMessage().contains("belongs to a run with a different configuration: optimizer.learning_rate "
        + "(0.02 then, 0.5 now)"), e.getMessage());
    NoPartialOutput.assertUnchanged(dir, before, "resuming with another configuration");
  }

  @Test
  void aDivergingLossStopsWithAClearMessageAndKeepsEarlierCheckpoints() throws Exception {
    Path data = csv("nan.csv", 40, null);
    Exception e = assertThrows(RunFailedException.class, () -> TrainJob.run(SparkTestSession.get(),
        config(data, "optimizer.name=sgd", "optimizer.learning_rate=1e30", "checkpoint.path=" + dir.resolve("ck2").toUri()),
        new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().startsWith("training diverged in epoch "), e.getMessage());
    assertTrue(e.getMessage().contains("lower optimizer.learning_rate or set optimizer.clipnorm"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("out/model.sgru")), "no model is written");
  }

  @Test
  void earlyStoppingEndsTrainingBeforeTheLastEpoch() throws Exception {
    Path data = csv("stop.csv", 40, null);
    TrainJob.Result r = TrainJob.run(SparkTestSession.get(), config(data, "train.epochs=6",
        "early_stopping.monitor=loss", "early_stopping.min_delta=100"), new PrintWriter(new StringWriter()));
    assertEquals(2, r.history().epochs().size(), "no epoch improves by 100: stop after the second");
  }

  @Test
  void anUnwritableOutputFailsBeforeTraining() throws Exception {
    Path blocker = dir.resolve("blocker");
    Files.writeString(blocker, "a file, not a directory");
    assertFails("output.model " + blocker.resolve("model.sgru").toUri() + " is not writable",
        config(csv("w.csv", 10, null), "output.model=" + blocker.resolve("model.sgru").toUri()));
    NoPartialOutput.assertOnly(dir, List.of("blocker", "w.csv"), "training into an unwritable output");
  }

  @Test
  void valuesBeyondFloatRangeAreReportedWithTheirPlace() throws Exception {
    assertFails("column 'x0' has a missing, non-numeric or infinite value or beyond float32 range (sequence id98, "
        + "step 0, value '1e300')", config(csv("big.csv", 10, "id98,0,1e300,0.1,0.2")));
    NoPartialOutput.assertOnly(dir, List.of("big.csv"), "training on values beyond float32");
  }

  @Test
  void configurationErrorsNameTheKey() {
    assertEquals("unknown key 'train.epoks'; did you mean 'train.epochs'?; see conf/demo.conf for every key",
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of("train.epoks=3")).getMessage());
    assertEquals("train.batch_size must be in [1, 16777216], got 0",
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of("train.batch_size=0")).getMessage());
    assertEquals("data.path must be set when data.source=csv",
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of("data.source=csv")).getMessage());
    assertEquals("model.layer.5.units configures layer 5 but model.layers lists 2 layers [gru, dense]",
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of("model.layer.5.units=3")).getMessage());
    assertEquals("data.validation_fraction must be in [0.0, 0.9], got 0.95",
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of("data.validation_fraction=0.95")).getMessage());
    assertEquals("monitoring val_loss needs validation data: set data.validation_fraction > 0",
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of("early_stopping.monitor=val_loss",
            "data.validation_fraction=0")).getMessage());
    assertEquals("model.layer.0: stateful GRUs cannot train data-parallel (their state would cross partitions and "
        + "rounds); set stateful=false", assertThrows(IllegalArgumentException.class,
        () -> JobConfig.of("model.layer.0.stateful=true")).getMessage());
    assertEquals("override 'epochs' must be key=value, e.g. train.epochs=5",
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of("epochs")).getMessage());
  }

  @Test
  void everySparkJobOfTrainingIsNamedAndLaterJobsCarryTheLastEpochsMetrics() throws Exception {
    Path data = csv("named.csv", 60, null);
    List<java.util.Properties> started = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart job) {
        started.add(job.properties());
      }
    };
    org.apache.spark.SparkContext sc = SparkTestSession.get().sparkContext();
    sc.addSparkListener(listener);
    try {
      TrainJob.run(SparkTestSession.get(), config(data, "train.epochs=2", "data.validation_fraction=0.2"),
          new PrintWriter(new StringWriter()));
      // Listeners hear of jobs after they start: wait for the last one, the second epoch's validation.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (started.stream().noneMatch(p -> "spark-gru train: epoch 2/2, validation".equals(
          p.getProperty("spark.job.description"))) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } finally {
      sc.removeSparkListener(listener);
    }
    List<String> described = new java.util.ArrayList<>();
    synchronized (started) {
      for (java.util.Properties p : started) {
        assertEquals("spark-gru train", p.getProperty("spark.jobGroup.id"), "every training job is in the group");
        described.add(p.getProperty("spark.job.description"));
        String metrics = p.getProperty(sparkgru.jobs.spark.SparkJobs.METRICS);
        if (p.getProperty("spark.job.description").contains("epoch 2/2")) {
          assertTrue(metrics != null && metrics.startsWith("{\"epoch\": 1, \"loss\": "), metrics);
        }
      }
    }
    assertTrue(described.contains("spark-gru train: reading and windowing the data"), described.toString());
    assertTrue(described.contains("spark-gru train: counting the samples of each partition"), described.toString());
    assertTrue(described.stream().anyMatch(d -> d.matches("spark-gru train: epoch 1/2, round 1/\\d+")),
        described.toString());
    assertTrue(described.stream().anyMatch(d -> d.matches("spark-gru train: epoch 2/2, round \\d+/\\d+")),
        described.toString());
    assertTrue(described.contains("spark-gru train: epoch 1/2, validation"), described.toString());
  }
}
