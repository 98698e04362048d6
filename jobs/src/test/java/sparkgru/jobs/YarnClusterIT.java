package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.model.ModelFile;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.train.TrainJob;

/**
 * The train job submitted with {@code spark-submit --master yarn} to Hadoop's YARN and HDFS in this
 * JVM ({@link YarnCluster}), in client and in cluster deploy mode, to two single-core executors,
 * with its data, checkpoints and model on HDFS: the model equals that of a {@code local[2]} run of
 * the same configuration, bit for bit, and both executors ran tasks. Skipped where the build has no
 * spark-yarn: Maven Central serves none for Spark 4.1.
 *
 * <p>The containers get this JVM's OPENBLAS_* variables ({@link YarnCluster#submit}): with kernels
 * of its own choice, OpenBLAS in a container may sum in another order than in the local run.
 */
class YarnClusterIT {
  private static final Pattern APPLICATION = Pattern.compile("application_\\d+_\\d+");

  @TempDir
  static Path dir;

  private static YarnCluster cluster;
  private static float[] local;

  /** Starts YARN and trains locally, where spark-yarn is on the class path. */
  @BeforeAll
  static void startYarnAndTrainLocally() throws Exception {
    if (!onClassPath("org.apache.spark.deploy.yarn.Client")) {
      return;
    }
    cluster = YarnCluster.start(dir);
    cluster.fileSystem().copyFromLocalFile(new org.apache.hadoop.fs.Path(csv().toUri()),
        new org.apache.hadoop.fs.Path(cluster.hdfs() + "/in/data.csv"));
    TrainJob.Result result = TrainJob.run(SparkTestSession.get(), JobConfig.of(settings(cluster.hdfs() + "/local")
        .toArray(new String[0])), new PrintWriter(new StringWriter()));
    local = result.model().parameters().toArray();
  }

  /**
   * Skips each test where {@link #startYarnAndTrainLocally} did not start YARN: an assumption in
   * a {@code @BeforeAll} method skips the class without a test or reason in the failsafe report.
   */
  @BeforeEach
  void sparkYarnIsOnTheClassPath() {
    assumeTrue(cluster != null, "spark-yarn is not on the test class path: Maven Central serves no spark-yarn "
        + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", and jobs/pom.xml adds it only on the Spark lines "
        + "it serves");
  }

  @AfterAll
  static void stopYarn() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void trainingInClientModeEqualsLocalTrainingWithTheSamePartitioning() throws Exception {
    trainsOnYarnAsLocally("client");
  }

  @Test
  void trainingInClusterModeEqualsLocalTrainingWithTheSamePartitioning() throws Exception {
    trainsOnYarnAsLocally("cluster");
  }

  private static void trainsOnYarnAsLocally(String deployMode) throws Exception {
    String out = cluster.hdfs() + "/" + deployMode;
    List<String> args = new ArrayList<>(List.of("train"));
    for (String s : settings(out)) {
      args.addAll(List.of("--set", s));
    }
    Process submit = cluster.submit(deployMode, deployMode, args);
    boolean ended = submit.waitFor(4, TimeUnit.MINUTES);
    String log = cluster.log(deployMode);
    Matcher app = APPLICATION.matcher(log);
    String application = app.find() ? app.group() : null;
    Supplier<String> diagnosis = () -> {
      try {
        return "spark-submit's log:\n" + StandaloneCluster.tail(cluster.log(deployMode)) + "\n"
            + cluster.containerLogs(application);
      } catch (java.io.IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    assertTrue(ended, () -> "spark-submit did not finish in 4 minutes\n" + diagnosis.get());
    assertEquals(0, submit.exitValue(), () -> "spark-submit failed\n" + diagnosis.get());
    assertTrue(application != null, () -> "no application id\n" + diagnosis.get());

    Map<String, String> stdout = cluster.containerLog(application, "stdout");
    String driver = deployMode.equals("client") ? log : stdout.entrySet().stream()
        .filter(e -> e.getKey().endsWith("_01_000001")).map(Map.Entry::getValue).findFirst().orElse("");
    assertTrue(driver.contains("Epoch 2/2 - loss: "), () -> "the driver's output lacks epoch 2\n" + diagnosis.get());
    long executorsWithTasks = cluster.containerLog(application, "stderr").entrySet().stream()
        .filter(e -> !e.getKey().endsWith("_000001") && e.getValue().contains("Finished task")).count();
    assertEquals(2, executorsWithTasks, () -> "tasks finished in both executors' containers\n" + diagnosis.get());

    FileSystem hdfs = cluster.fileSystem();
    List<String> checkpoints = new ArrayList<>();
    for (FileStatus s : hdfs.listStatus(new org.apache.hadoop.fs.Path(out + "/checkpoints"))) {
      checkpoints.add(s.getPath().getName());
    }
    checkpoints.sort(null);
    assertEquals(List.of("checkpoint-1.ckpt", "checkpoint-2.ckpt"), checkpoints);
    byte[] model;
    try (var in = hdfs.open(new org.apache.hadoop.fs.Path(out + "/model.sgru"))) {
      model = in.readAllBytes();
    }
    assertArrayEquals(local, ModelFile.read(model, "model.sgru").model().parameters().toArray(), 0f,
        "the same weights as local[2] training with the same partitioning");
  }

  /** The run's settings: data from HDFS, two partitions, two epochs; checkpoints and model into {@code out}. */
  private static List<String> settings(String out) {
    return List.of("data.source=csv", "data.path=" + cluster.hdfs() + "/in/data.csv", "data.id_column=seq",
        "data.step_column=t", "data.feature_columns=x0", "data.target_columns=y", "model.layer.0.units=8",
        "train.epochs=2", "train.batch_size=16", "train.partitions=2", "train.averaging_frequency=2",
        "checkpoint.path=" + out + "/checkpoints", "output.model=" + out + "/model.sgru");
  }

  /** 200 sequences of 6 steps: a random walk's steps and its running sum. */
  private static Path csv() throws Exception {
    StringBuilder sb = new StringBuilder("seq,t,x0,y\n");
    SplittableRandom r = new SplittableRandom(11);
    for (int s = 0; s < 200; s++) {
      double sum = 0;
      for (int t = 0; t < 6; t++) {
        double x = r.nextDouble() - 0.5;
        sum += x;
        sb.append(String.format(Locale.ROOT, "q%d,%d,%.5f,%.5f%n", s, t, x, sum));
      }
    }
    Path file = dir.resolve("data.csv");
    Files.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    return file;
  }

  private static boolean onClassPath(String className) {
    try {
      Class.forName(className, false, YarnClusterIT.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
