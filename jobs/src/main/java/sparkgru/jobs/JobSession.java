package sparkgru.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.sql.SparkSession;

/** The Spark session of a command: spark-submit's when it set a master, else a local one. */
final class JobSession {
  private static final String VECTOR = "--add-modules jdk.incubator.vector";

  private JobSession() {}

  /**
   * Starts (or joins) Spark with one BLAS thread per task, the Vector API on the executors (added
   * to any {@code spark.executor.extraJavaOptions} given), task results up to 64 MB returned
   * directly (unless set) and the UTC session time zone;
   * {@code master} applies only outside spark-submit, with the web UI off. Spark settings it
   * relies on are checked first ({@link SparkSettings}).
   */
  static SparkSession start(String app, String master) {
    SparkConf sparkConf = new SparkConf();
    SparkSettings.check(sparkConf);
    String executorOptions = sparkConf.get("spark.executor.extraJavaOptions", "");
    if (!executorOptions.contains("jdk.incubator.vector")) {
      // Executors run the GRU: give them the Vector API for the activation kernels.
      executorOptions = (executorOptions + " " + VECTOR).trim();
    }
    SparkSession.Builder builder = SparkSession.builder().appName(app)
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
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /** How long {@link #stop} waits for the tasks of cancelled jobs to end. */
  private static final long STOP_WAIT_MS = 10_000;

  /**
   * Stops Spark once no task runs any more: after a failed job its other tasks may still run,
   * and stopping under them makes Spark's thread pools reject their last steps, which Scala
   * reports as stack traces on standard error. Jobs still running are cancelled first; after
   * {@value #STOP_WAIT_MS} ms Spark is stopped regardless.
   */
  static void stop(SparkSession spark) {
    SparkContext sc = spark.sparkContext();
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
