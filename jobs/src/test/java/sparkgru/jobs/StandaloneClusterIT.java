package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.model.ModelFile;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.train.TrainJob;

/**
 * A real multi-JVM Spark standalone cluster on loopback: a Master and a Worker JVM started from
 * the Maven Spark jars (a SPARK_HOME whose jars/ links them), the train job submitted with
 * {@code spark-submit} and the shaded jar to two single-core executors, and the model compared
 * with a {@code local[2]} run of the same configuration: the same weights, bit for bit.
 */
class StandaloneClusterIT {
  @TempDir
  Path dir;

  private final List<Process> processes = new ArrayList<>();

  @Test
  void trainingOnAStandaloneClusterEqualsLocalTrainingWithTheSamePartitioning() throws Exception {
    Path jar = Path.of(System.getProperty("sparkgru.submitJar"));
    assertTrue(Files.exists(jar), "shaded jar missing: " + jar);
    Path home = sparkHome();
    String sparkClasspath = home.resolve("jars").toString() + File.separator + "*";
    int port = freePort();
    List<String> settings = List.of("data.source=demo", "demo.sequences=400", "demo.steps=12", "train.partitions=2",
        "train.epochs=2", "train.batch_size=16", "train.averaging_frequency=2", "model.layers=gru,dense",
        "model.layer.0.units=8", "model.layer.1.units=1", "output.metrics=" + dir.resolve("m.jsonl").toUri());
    try {
      Process master = start(home, sparkClasspath, "master", "org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", "0");
      waitForLog(dir.resolve("master.log"), "I have been elected leader", master);
      Process worker = start(home, sparkClasspath, "worker", "org.apache.spark.deploy.worker.Worker",
          "spark://127.0.0.1:" + port, "--cores", "2", "--memory", "2g", "--webui-port", "0",
          "--work-dir", dir.resolve("work").toString());
      waitForLog(dir.resolve("master.log"), "Registering worker", worker);

      List<String> submit = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit",
          "--master", "spark://127.0.0.1:" + port, "--deploy-mode", "client", "--class", "sparkgru.jobs.Main",
          "--total-executor-cores", "2", "--executor-cores", "1", "--executor-memory", "700m",
          "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false", jar.toString(), "train"));
      for (String s : settings) {
        submit.addAll(List.of("--set", s));
      }
      submit.addAll(List.of("--set", "output.model=" + dir.resolve("cluster.sgru").toUri()));
      Process driver = start(home, sparkClasspath, "submit", submit.toArray(new String[0]));
      assertTrue(driver.waitFor(5, TimeUnit.MINUTES), "spark-submit did not finish in 5 minutes");
      String log = Files.readString(dir.resolve("submit.log"));
      assertEquals(0, driver.exitValue(), "spark-submit failed:\n" + tail(log));
      assertTrue(log.contains("Epoch 2/2 - loss: "), tail(log));
      assertTrue(Files.list(dir.resolve("work")).findAny().isPresent(), "executors ran in the worker's JVMs");
    } finally {
      processes.forEach(Process::destroyForcibly);
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

  /**
   * A SPARK_HOME whose jars/ links every Spark jar of this test's class path; kept under target/
   * (the links point into the Maven repository).
   */
  private Path sparkHome() throws IOException {
    Path home = Path.of("target", "it-spark-home").toAbsolutePath();
    Path jars = Files.createDirectories(home.resolve("jars"));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      String name = p.getFileName().toString();
      if (name.endsWith(".jar") && !name.startsWith("spark-gru") && !name.contains("junit")
          && !name.startsWith("opentest4j") && !name.startsWith("apiguardian") && Files.exists(p)) {
        Path link = jars.resolve(name);
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, p.toAbsolutePath());
        }
      }
    }
    return home;
  }

  private Process start(Path home, String classpath, String logName, String... mainAndArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx700m");
    for (String opt : System.getProperty("sparkgru.jvmOptions", JVM_OPTIONS).trim().split("\\s+")) {
      cmd.add(opt);
    }
    cmd.addAll(List.of("-cp", classpath));
    cmd.addAll(List.of(mainAndArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve(logName + ".log").toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private static final String JVM_OPTIONS = "-XX:+IgnoreUnrecognizedVMOptions "
      + "--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED "
      + "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED "
      + "--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED "
      + "--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED "
      + "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED "
      + "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED "
      + "--add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED "
      + "-Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true";

  private static void waitForLog(Path log, String text, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("'" + text + "' did not appear in " + log + ":\n" + (Files.exists(log)
        ? tail(Files.readString(log)) : "(no log)"));
  }

  private static String tail(String log) {
    return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
