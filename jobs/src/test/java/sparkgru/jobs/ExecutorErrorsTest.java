package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exceptions thrown in Spark tasks on executors in JVMs of their own ({@code
 * local-cluster[2,1,1024]}, driven by {@link LocalClusterDriver} in a separate JVM with the
 * project's log configuration, whose log file lies in the driver's temporary directory) reach the
 * command line and are classified by their type: the user's error exits 2 with its exact message,
 * and a line naming the log file that holds Spark's report of the task, also when it cannot be
 * serialized, and also from the train job itself; a bug exits 70 with the
 * internal-error line, which names the log file, and its stack trace is in that file.
 */
class ExecutorErrorsTest {
  private static final Pattern RUN = Pattern.compile("^== (\\S+) exit (\\d+)$", Pattern.MULTILINE);

  @TempDir
  static Path dir;

  private static long driverPid;
  /** Each run's exit status and standard error, by run name. */
  private static final Map<String, String[]> RUNS = new LinkedHashMap<>();
  private static String log;

  /** Eight sequences of four steps, then a second step 0 of id0: an error only a task finds. */
  static void writeDuplicateStepCsv(Path file) throws IOException {
    StringBuilder csv = new StringBuilder("seq,t,x0,x1,y\n");
    for (int s = 0; s < 8; s++) {
      for (int t = 0; t < 4; t++) {
        csv.append("id").append(s).append(',').append(t).append(",0.1,0.2,0.3\n");
      }
    }
    csv.append("id0,0,0.1,0.2,0.3\n");
    Files.writeString(file, csv.toString());
  }

  @BeforeAll
  static void runTheDriver() throws Exception {
    writeDuplicateStepCsv(dir.resolve("data.csv"));
    List<String> cmd = new ArrayList<>(StandaloneCluster.java());
    cmd.addAll(List.of("-Dlog4j2.configurationFile=" + Path.of("..", "conf", "log4j2.properties").toAbsolutePath()
        .toUri(), "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")), "-cp", System.getProperty("java.class.path"), LocalClusterDriver.class.getName(), dir.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("driver.out").toFile())
        .redirectError(dir.resolve("driver.log").toFile());
    pb.environment().put("SPARK_HOME", StandaloneCluster.sparkHome().toString());
    pb.environment().put("SPARK_SCALA_VERSION", StandaloneCluster.scalaBinaryVersion());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    Process driver = pb.start();
    boolean done = driver.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      driver.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      driver.destroyForcibly();
    }
    String out = Files.readString(dir.resolve("driver.out"));
    String stderr = Files.readString(dir.resolve("driver.log"));
    assertTrue(done, "the driver did not finish in 5 minutes:\n" + out + StandaloneCluster.tail(stderr));
    assertEquals(0, driver.exitValue(), out + StandaloneCluster.tail(stderr));
    log = Files.readString(logFile());
    Matcher pid = Pattern.compile("^== driver pid (\\d+)$", Pattern.MULTILINE).matcher(out);
    assertTrue(pid.find(), out);
    driverPid = Long.parseLong(pid.group(1));
    Matcher run = RUN.matcher(out);
    List<int[]> starts = new ArrayList<>();
    List<String[]> heads = new ArrayList<>();
    while (run.find()) {
      starts.add(new int[] {run.start(), run.end()});
      heads.add(new String[] {run.group(1), run.group(2)});
    }
    for (int i = 0; i < starts.size(); i++) {
      int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : out.length();
      RUNS.put(heads.get(i)[0], new String[] {heads.get(i)[1], out.substring(starts.get(i)[1] + 1, end)});
    }
  }

  /** The log file of conf/log4j2.properties, in the driver's temporary directory. */
  private static Path logFile() {
    return dir.resolve("tmp").resolve("spark-gru-" + System.getProperty("user.name") + ".log");
  }

  /** The line after the error of a user's mistake found in a task: the driver's log has Spark's report of it. */
  private static String taskReport() {
    return "spark-gru: Spark's report of the failed task is in the log: " + logFile() + System.lineSeparator();
  }

  private static String[] result(String name) {
    String[] r = RUNS.get(name);
    assertTrue(r != null, "no run " + name + " in " + RUNS.keySet());
    return r;
  }

  /** The executor and process named by a message of {@link FailingCommand}, checked to be another JVM. */
  private static String executorOf(String line) {
    Matcher m = Pattern.compile("on executor (\\d+) \\(pid (\\d+)\\)").matcher(line);
    assertTrue(m.find(), line);
    assertNotEquals(driverPid, Long.parseLong(m.group(2)), "the task ran in the driver's JVM: " + line);
    return "executor " + m.group(1) + " (pid " + m.group(2) + ")";
  }

  @Test
  void theUsersErrorOfATaskOnAnExecutorExitsTwoWithItsMessage() {
    String[] r = result("invalid-input");
    assertEquals("2", r[0], r[1]);
    assertEquals("spark-gru: error: bad input on " + executorOf(r[1]) + System.lineSeparator() + taskReport(), r[1]);
  }

  @Test
  void theUsersErrorOfATaskOnAnExecutorWithAnUnserializableCauseExitsTwoWithItsMessage() {
    String[] r = result("invalid-input-unserializable");
    assertEquals("2", r[0], r[1]);
    assertEquals("spark-gru: error: bad input on " + executorOf(r[1]) + System.lineSeparator() + taskReport(), r[1]);
  }

  @Test
  void aBugOfATaskOnAnExecutorExitsSeventyWithItsStackTraceInTheLog() {
    String[] r = result("bug");
    assertEquals("70", r[0], r[1]);
    String executor = executorOf(r[1]);
    assertEquals("spark-gru: internal error, please report: java.lang.IllegalArgumentException: boom on " + executor
        + System.lineSeparator() + "spark-gru: the stack trace is in the log: " + logFile()
        + System.lineSeparator(), r[1]);
    int logged = log.indexOf("ERROR Main: internal error");
    assertTrue(logged >= 0, StandaloneCluster.tail(log));
    assertTrue(log.indexOf("at sparkgru.jobs.FailingCommand", logged) > logged, StandaloneCluster.tail(log));
  }

  @Test
  void theTrainJobsDataErrorOnAnExecutorExitsTwoWithItsMessage() {
    String[] r = result("train");
    assertEquals("2", r[0], r[1]);
    String message = "sequence id0: duplicate step 0; steps must run 0, 1, ..., T-1";
    assertEquals("spark-gru: error: " + message + System.lineSeparator() + taskReport(), r[1]);
    assertTrue(Pattern.compile("Lost task \\S+ in stage \\S+ \\(TID \\d+\\) \\(\\S+ executor \\d+\\): "
        + Pattern.quote("sparkgru.engine.errors.InvalidInputException: " + message)).matcher(log).find(),
        "an executor JVM raised it:\n" + StandaloneCluster.tail(log));
    assertTrue(Files.notExists(dir.resolve("out/model.sgru")), "no model is written");
  }
}
