package sparkgru.jobs;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Option;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.spark.SparkJobs;

/** The Spark session of a command: spark-submit's when it set a master, else a local one. */
final class JobSession {
  private static final String VECTOR = "--add-modules jdk.incubator.vector";

  private JobSession() {}

  /**
   * Starts (or joins) Spark with one BLAS thread per task, the Vector API on the executors (added
   * to any {@code spark.executor.extraJavaOptions} given), task results up to 64 MB returned
   * directly (unless set) and the UTC session time zone;
   * {@code master} applies only outside spark-submit, with the web UI off. Spark settings it
   * relies on are checked first ({@link SparkSettings}). The application is named after the
   * command ({@code spark-gru train}); on a cluster, the executors' Java is checked first
   * ({@link #requireExecutorJava}).
   */
  static SparkSession start(String command, String master) {
    SparkConf sparkConf = new SparkConf();
    SparkSettings.check(sparkConf);
    String executorOptions = sparkConf.get("spark.executor.extraJavaOptions", "");
    if (!executorOptions.contains("jdk.incubator.vector")) {
      // Executors run the GRU: give them the Vector API for the activation kernels.
      executorOptions = (executorOptions + " " + VECTOR).trim();
    }
    SparkSession.Builder builder = SparkSession.builder().appName(SparkJobs.group(command))
        .config("spark.executor.extraJavaOptions", executorOptions)
        .config("spark.executorEnv.OPENBLAS_NUM_THREADS", "1")
        // Date-times without a zone are read and written as UTC: no daylight-saving hour repeats or vanishes.
        .config("spark.sql.session.timeZone", "UTC");
    if (!sparkConf.contains("spark.task.maxDirectResultSize")) {
      // Round updates (a model's weights and optimiser state) come back with the task's own
      // message instead of through a block-manager round trip: about half the return time of a
      // 12 MB update (bench/spark-scaling). Half of Spark's 128 MB RPC message limit, so that
      // a result near the limit still goes the safe way.
      builder.config("spark.task.maxDirectResultSize", "64m");
    }
    if (!sparkConf.contains("spark.master")) {
      builder.master(master).config("spark.ui.enabled", "false");
    }
    boolean hosted = running(SparkSession.getDefaultSession()) || running(SparkSession.getActiveSession());
    SparkSession spark = builder.getOrCreate();
    if (hosted) {
      // A platform's Spark (a Databricks JAR task, an application that calls Main): it owns
      // the context, and it goes on after this command.
      HOSTED.add(spark.sparkContext());
    }
    if (!sparkConf.contains("spark.master")) {
      // Outside spark-submit, Spark's INFO lines would bury the job's own output; under it, the
      // cluster's log4j2 configuration decides.
      spark.sparkContext().setLogLevel("WARN");
    }
    if (!spark.sparkContext().isLocal()) {
      SparkJobs.label(spark.sparkContext(), command, "the executors' Java version");
      requireExecutorJava(spark);
    }
    return spark;
  }

  /**
   * Stops with a message when the executors run an older Java than the driver's spark-gru needs.
   * They would fail at the first task that loads a spark-gru class, and an executor's JVM exits
   * on such a LinkageError, so the driver would see only lost executors. The Java version is read
   * by SQL's java_method, which loads no spark-gru class, in one task per default partition.
   */
  static void requireExecutorJava(SparkSession spark) {
    int tasks = Math.max(1, spark.sparkContext().defaultParallelism());
    List<Row> found = spark.range(0, tasks, 1, tasks)
        .selectExpr("java_method('java.lang.System', 'getProperty', 'java.specification.version') AS java")
        .distinct().collectAsList();
    for (Row r : found) {
      String java = r.getString(0);
      if (Main.feature(java) < Main.JAVA_NEEDED) {
        throw new InvalidInputException(olderExecutors(java));
      }
    }
  }

  /** The message for executors that run Java {@code found}. */
  static String olderExecutors(String found) {
    return "the executors run Java " + found + ", and spark-gru needs Java " + Main.JAVA_NEEDED + " or newer on "
        + "them too; give them a Java " + Main.JAVA_NEEDED + " with spark.executorEnv.JAVA_HOME=<its home> (on YARN "
        + "in cluster mode also spark.yarn.appMasterEnv.JAVA_HOME)";
  }

  /**
   * Whether spark-submit started this JVM, or the driver that a cluster manager runs for it (as
   * YARN's application master does in cluster mode): both set the master as a system property.
   */
  static boolean underSparkSubmit() {
    return new SparkConf().contains("spark.master");
  }

  /** The Spark contexts that were running before a command joined them: {@link #stop} leaves them running. */
  private static final Set<SparkContext> HOSTED =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /**
   * Whether {@code session} is there and its context runs: Spark 3.5 forgets a stopped default
   * session only when its listener hears of the stop, a little later.
   */
  private static boolean running(Option<SparkSession> session) {
    return session.isDefined() && !session.get().sparkContext().isStopped();
  }

  /** Whether a command ran in a Spark context that it did not start and that goes on after it. */
  static boolean ranInHostedSpark() {
    synchronized (HOSTED) {
      return HOSTED.stream().anyMatch(sc -> !sc.isStopped());
    }
  }

  /** How long {@link #stop} waits for the tasks of cancelled jobs to end. */
  private static final long STOP_WAIT_MS = 10_000;

  /**
   * Stops Spark, unless the command joined a context that was running before it, once no task
   * runs any more: after a failed job its other tasks may still run,
   * and stopping under them makes Spark's thread pools reject their last steps, which Scala
   * reports as stack traces on standard error. Jobs still running are cancelled first; after
   * {@value #STOP_WAIT_MS} ms Spark is stopped regardless.
   */
  static void stop(SparkSession spark) {
    SparkContext sc = spark.sparkContext();
    if (HOSTED.contains(sc)) {
      return;
    }
    if (!sc.isStopped()) {
      sc.cancelAllJobs();
      long deadline = System.nanoTime() + STOP_WAIT_MS * 1_000_000;
      while (running(sc) > 0 && System.nanoTime() < deadline) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    spark.stop();
  }

  private static int running(SparkContext sc) {
    int tasks = 0;
    for (SparkExecutorInfo e : sc.statusTracker().getExecutorInfos()) {
      tasks += e.numRunningTasks();
    }
    return tasks;
  }
}
