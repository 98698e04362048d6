package sparkgru.jobs;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on loopback for the integration tests: a Master and a Worker
 * JVM started from the Maven Spark jars (a SPARK_HOME whose jars/ links them), and drivers
 * submitted with {@code spark-submit} in client mode with the shaded jar ({@code sparkgru.submitJar}).
 * Each JVM logs to {@code <name>.log} in the cluster's directory. {@link #close} kills every JVM
 * it started and all their descendants (the executors the Worker launched).
 */
public final class StandaloneCluster implements AutoCloseable {
  private final Path dir;
  private final Path home;
  private final String classpath;
  private final int port;
  private final List<Process> processes = new ArrayList<>();
  private Process worker;

  private StandaloneCluster(Path dir) throws IOException {
    this.dir = dir;
    this.home = sparkHome();
    this.classpath = home.resolve("jars").toString() + File.separator + "*";
    this.port = freePort();
  }

  /**
   * Starts a Master and a Worker of {@code cores} cores logging into {@code dir}, and waits until
   * the worker registered.
   */
  public static StandaloneCluster start(Path dir, int cores) throws Exception {
    StandaloneCluster c = new StandaloneCluster(dir);
    try {
      Process master = c.launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
          Integer.toString(c.port), "--webui-port", "0");
      waitForLog(dir.resolve("master.log"), "I have been elected leader", master);
      c.worker = c.launch("worker", "org.apache.spark.deploy.worker.Worker", c.master(), "--cores",
          Integer.toString(cores), "--memory", "2g", "--webui-port", "0", "--work-dir", dir.resolve("work").toString());
      waitForLog(dir.resolve("master.log"), "Registering worker", c.worker);
      return c;
    } catch (Exception | AssertionError e) {
      c.close();
      throw e;
    }
  }

  /** The master URL. */
  public String master() {
    return "spark://127.0.0.1:" + port;
  }

  /** The Worker JVM (its descendants are the executors). */
  public ProcessHandle worker() {
    return worker.toHandle();
  }

  /**
   * Submits {@code sparkgru.jobs.Main} with {@code args} in client mode to two single-core
   * executors; the driver logs to {@code <logName>.log}, the start and end of every task included
   * (TaskSetManager stays at INFO when the job turns Spark's logging down to WARN).
   */
  public Process submit(String logName, List<String> args) throws IOException {
    Path jar = Path.of(System.getProperty("sparkgru.submitJar"));
    if (!Files.exists(jar)) {
      throw new IllegalStateException("shaded jar missing: " + jar);
    }
    List<String> submit = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit",
        "--master", master(), "--deploy-mode", "client", "--class", "sparkgru.jobs.Main",
        "--total-executor-cores", "2", "--executor-cores", "1", "--executor-memory", "700m",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false", jar.toString()));
    submit.addAll(args);
    Path logConfig = dir.resolve("driver-log4j2.properties");
    Files.writeString(logConfig, String.join("\n", "rootLogger.level = info", "rootLogger.appenderRef.out.ref = out",
        "appender.out.type = Console", "appender.out.name = out", "appender.out.target = SYSTEM_ERR",
        "appender.out.layout.type = PatternLayout", "appender.out.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex",
        "logger.tasks.name = org.apache.spark.scheduler.TaskSetManager", "logger.tasks.level = info", ""));
    submit.add(0, "-Dlog4j2.configurationFile=" + logConfig.toUri());
    return launch(logName, submit.toArray(new String[0]));
  }

  /**
   * The executors of the application the driver logging to {@code <logName>.log} runs, alive now:
   * the Worker's descendants that run CoarseGrainedExecutorBackend for its app id.
   */
  public List<ProcessHandle> executors(String logName) throws IOException {
    Matcher app = Pattern.compile("app ID (app-\\S+)").matcher(log(logName));
    if (!app.find()) {
      throw new AssertionError("no app ID in " + logName + ".log:\n" + tail(log(logName)));
    }
    String id = "--app-id " + app.group(1) + " ";
    return worker.toHandle().descendants().filter(p -> p.isAlive() && p.info().commandLine().orElse("")
        .contains("CoarseGrainedExecutorBackend") && (p.info().commandLine().orElse("") + " ").contains(id)).toList();
  }

  /** The text of a log written so far ("" when it does not exist yet). */
  public String log(String name) throws IOException {
    Path log = dir.resolve(name + ".log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** Kills every JVM started here and their descendants. */
  @Override
  public void close() {
    for (Process p : processes) {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * {@code java}, a 700 MB heap and the options of conf/jvm-options (the Vector API, and what Spark
   * needs on Java 17): the start of a Spark JVM's command.
   */
  public static List<String> java() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx700m");
    cmd.add("@" + jvmOptionsFile());
    return cmd;
  }

  private Process launch(String logName, String... mainAndArgs) throws IOException {
    List<String> cmd = java();
    cmd.addAll(List.of("-cp", classpath));
    cmd.addAll(List.of(mainAndArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve(logName + ".log").toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", scalaBinaryVersion());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** conf/jvm-options, the JVM options of every spark-gru JVM ({@code sparkgru.jvmOptionsFile}). */
  static Path jvmOptionsFile() {
    Path file = Path.of(System.getProperty("sparkgru.jvmOptionsFile", ""));
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("JVM options file missing: sparkgru.jvmOptionsFile=" + file);
    }
    return file.toAbsolutePath();
  }

  /** The Scala binary version of the Spark line under test (2.12 or 2.13), as the build sets it. */
  static String scalaBinaryVersion() {
    return System.getProperty("sparkgru.scalaBinaryVersion", "2.13");
  }

  /**
   * A SPARK_HOME whose jars/ links every Spark jar of this test's class path; kept in the build
   * directory of the Spark line under test (the links point into the Maven repository).
   */
  static Path sparkHome() throws IOException {
    Path home = Path.of(System.getProperty("sparkgru.buildDir", "target"), "it-spark-home").toAbsolutePath();
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

  /** Waits up to 90 s for {@code text} in {@code log}, failing early when {@code process} ends. */
  public static void waitForLog(Path log, String text, Process process) throws Exception {
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

  /** The last 4,000 characters of a log. */
  public static String tail(String log) {
    return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
