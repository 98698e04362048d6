package sparkgru.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.model.ModelFile;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.io.HadoopFiles;

/**
 * The train job on a real in-process HDFS (3 datanodes, replication 2): data read from
 * {@code hdfs://}, checkpoints, metrics and the model written there, and a datanode stopped
 * after the first epoch without failing the run or losing output.
 */
class HdfsTrainingTest {
  private static MiniDFSCluster cluster;
  private static Configuration sparkHadoop;
  private static String previousReplication;

  @TempDir
  static Path dir;

  @BeforeAll
  static void startHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.setInt("dfs.replication", 2);
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(3).build();
    cluster.waitActive();
    sparkHadoop = SparkTestSession.get().sparkContext().hadoopConfiguration();
    previousReplication = sparkHadoop.get("dfs.replication");
    sparkHadoop.setInt("dfs.replication", 2);
  }

  @AfterAll
  static void stopHdfs() {
    if (previousReplication == null) {
      sparkHadoop.unset("dfs.replication");
    } else {
      sparkHadoop.set("dfs.replication", previousReplication);
    }
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  private static Path csv() throws Exception {
    StringBuilder sb = new StringBuilder("seq,t,x0,y\n");
    SplittableRandom r = new SplittableRandom(8);
    for (int s = 0; s < 150; s++) {
      double sum = 0;
      for (int t = 0; t < 5; t++) {
        double x = r.nextDouble() - 0.5;
        sum += x;
        sb.append(String.format(Locale.ROOT, "q%d,%d,%.5f,%.5f%n", s, t, x, sum));
      }
    }
    Path file = dir.resolve("data.csv");
    Files.writeString(file, sb.toString());
    return file;
  }

  private static JobConfig config(String data, String out) {
    return JobConfig.of("data.source=csv", "data.path=" + data, "data.id_column=seq", "data.step_column=t",
        "data.feature_columns=x0", "data.target_columns=y", "model.layer.0.units=8", "optimizer.learning_rate=0.02",
        "train.epochs=4", "train.batch_size=8", "train.partitions=2", "checkpoint.path=" + out + "/checkpoints",
        "output.model=" + out + "/model.sgru", "output.metrics=" + out + "/metrics.jsonl");
  }

  /** Console output that stops datanode 0 when the first epoch is reported. */
  private static PrintWriter stoppingADatanodeAfterEpochOne(StringWriter log) {
    return new PrintWriter(new Writer() {
      private boolean stopped;

      @Override
      public void write(char[] c, int off, int len) {
        log.write(c, off, len);
        if (!stopped && log.toString().contains("Epoch 1/4")) {
          stopped = true;
          cluster.stopDataNode(0);
        }
      }

      @Override public void flush() {}
      @Override public void close() {}
    }, true);
  }

  @Test
  void trainsFromHdfsWritesThereAndSurvivesADatanodeStoppedMidTraining() throws Exception {
    Path local = csv();
    String base = cluster.getURI().toString();
    FileSystem hdfs = FileSystem.get(cluster.getURI(), sparkHadoop);
    hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path(base
        + "/in/data.csv"));

    TrainJob.Result reference = TrainJob.run(SparkTestSession.get(), config(local.toUri().toString(),
        dir.resolve("local").toUri().toString()), new PrintWriter(new StringWriter()));

    StringWriter log = new StringWriter();
    TrainJob.Result onHdfs = TrainJob.run(SparkTestSession.get(), config(base + "/in/data.csv", base + "/out"),
        stoppingADatanodeAfterEpochOne(log));
    assertEquals(2, cluster.getDataNodes().size(), "one of three datanodes was stopped during the run");
    assertTrue(log.toString().contains("Epoch 4/4"), log.toString());

    assertArrayEquals(reference.model().parameters().toArray(), onHdfs.model().parameters().toArray(), 0f,
        "the same weights as the run on the local file system");
    byte[] model = HadoopFiles.readAll(base + "/out/model.sgru", "model", sparkHadoop);
    assertArrayEquals(reference.model().parameters().toArray(),
        ModelFile.read(model, "model.sgru").model().parameters().toArray(), 0f, "the model file on HDFS is whole");
    String metrics = new String(HadoopFiles.readAll(base + "/out/metrics.jsonl", "metrics", sparkHadoop),
        StandardCharsets.UTF_8);
    assertEquals(4, metrics.lines().count(), metrics);
    Checkpoints checkpoints = new Checkpoints(base + "/out/checkpoints", sparkHadoop);
    List<String> names = new ArrayList<>();
    for (var status : hdfs.listStatus(new org.apache.hadoop.fs.Path(base + "/out/checkpoints"))) {
      names.add(status.getPath().getName());
    }
    names.sort(null);
    assertEquals(List.of("checkpoint-1.ckpt", "checkpoint-2.ckpt", "checkpoint-3.ckpt", "checkpoint-4.ckpt"), names);
    Checkpoints.Restored last = checkpoints.latest().orElseThrow();
    assertEquals(4, last.state().epoch());
    assertArrayEquals(reference.model().parameters().toArray(), last.state().weights(), 0f);

    // predict reads the model and sequences from HDFS and writes its Parquet output there.
    String sequences = Files.readString(local).replace("seq,t,x0,y", "sequence_id,step,x0,y")
        .lines().map(l -> l.substring(0, l.lastIndexOf(','))).collect(java.util.stream.Collectors.joining("\n"));
    Path predictInput = dir.resolve("predict.csv");
    Files.writeString(predictInput, sequences + "\n");
    hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(predictInput.toUri()), new org.apache.hadoop.fs.Path(base
        + "/in/predict.csv"));
    sparkgru.jobs.predict.PredictJob.Result predicted = sparkgru.jobs.predict.PredictJob.run(SparkTestSession.get(),
        base + "/out/model.sgru", base + "/in/predict.csv", base + "/out/predictions", false,
        new PrintWriter(new StringWriter()));
    assertEquals(150, predicted.sequences());
    assertEquals(150, SparkTestSession.get().read().parquet(base + "/out/predictions").count());
  }

  /** Long-format hourly series s0..s3 (one target, one covariate), 96 hours each, rows shuffled. */
  private static Path seriesCsv() throws Exception {
    List<String> rows = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      for (int t = 0; t < 96; t++) {
        rows.add(String.format(Locale.ROOT, "s%d,%d,%.6f,%.6f", s, t, 10 * s + Math.sin(2 * Math.PI * t / 12)
            + 0.01 * t, Math.cos(2 * Math.PI * t / 12)));
      }
    }
    java.util.Collections.shuffle(rows, new java.util.Random(3));
    Path file = dir.resolve("series.csv");
    Files.writeString(file, "id,ts,v,c\n" + String.join("\n", rows) + "\n");
    return file;
  }

  private static JobConfig forecastingConfig(String data, String out) {
    return JobConfig.of("data.source=csv", "data.format=long", "data.path=" + data, "data.series_column=id",
        "data.time_column=ts", "data.feature_columns=v,c", "data.target_columns=v", "window.lookback=12",
        "window.horizon=3", "split.train=0.7", "split.validation=0.1", "split.test=0.2", "scaling.method=standard",
        "scaling.scope=per_series", "model.layer.0.units=8", "train.epochs=2", "train.batch_size=16",
        "train.partitions=2", "output.model=" + out + "/model.sgru", "output.metrics=" + out + "/metrics.jsonl");
  }

  /** Future forecasts (CSV) and a backtest (Parquet) of a model read from HDFS, written to HDFS. */
  private static List<List<String>> forecastTo(String out) {
    var spark = SparkTestSession.get();
    sparkgru.jobs.forecast.TrainedModel model = sparkgru.jobs.forecast.TrainedModel.read(out + "/model.sgru",
        List.of(), sparkHadoop);
    sparkgru.jobs.forecast.ForecastJob.run(spark, model, out + "/future.csv", false, false,
        new PrintWriter(new StringWriter()));
    sparkgru.jobs.forecast.ForecastJob.run(spark, model, out + "/backtest", true, false,
        new PrintWriter(new StringWriter()));
    List<String> future = new String(HadoopFiles.readAll(out + "/future.csv", "forecast", sparkHadoop),
        StandardCharsets.UTF_8).lines().toList();
    List<String> backtest = spark.read().parquet(out + "/backtest").orderBy("id", "origin", "horizon_step")
        .collectAsList().stream().map(Object::toString).toList();
    return List.of(future, backtest);
  }

  @Test
  void forecastsReadTheirModelAndDataFromHdfsAndWriteThere() throws Exception {
    Path local = seriesCsv();
    String base = cluster.getURI().toString() + "/forecasting";
    FileSystem hdfs = FileSystem.get(cluster.getURI(), sparkHadoop);
    hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path(base
        + "/in/series.csv"));

    String localOut = dir.resolve("forecasting-local").toUri().toString();
    TrainJob.run(SparkTestSession.get(), forecastingConfig(local.toUri().toString(), localOut),
        new PrintWriter(new StringWriter()));
    TrainJob.run(SparkTestSession.get(), forecastingConfig(base + "/in/series.csv", base + "/out"),
        new PrintWriter(new StringWriter()));
    List<List<String>> expected = forecastTo(localOut);
    List<List<String>> onHdfs = forecastTo(base + "/out");

    assertEquals(1 + 4 * 3, onHdfs.get(0).size(), "header and 3 future steps of 4 series: " + onHdfs.get(0));
    assertEquals(expected.get(0), onHdfs.get(0), "the same future forecasts as from the local file system");
    assertTrue(onHdfs.get(1).size() > 4, "backtest rows: " + onHdfs.get(1).size());
    assertEquals(expected.get(1), onHdfs.get(1), "the same backtest as from the local file system");
    for (var status : hdfs.listStatus(new org.apache.hadoop.fs.Path(base + "/out"))) {
      assertTrue(!status.getPath().getName().startsWith("."), "no staging leftovers: " + status.getPath());
    }
  }
}
