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
import sparkgru.jobs.data.HadoopFiles;

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
}
