package sparkgru.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.network.util.JavaUtils;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Checks, before Spark starts, the Spark settings the jobs rely on and that Spark itself would
 * reject only later (in SparkContext, or on the first task's result, with a stack trace): the
 * sizes that bound how a round's weights come back to the driver, and one BLAS thread per task.
 */
final class SparkSettings {
  /** Settings that hold a byte size and bound the round updates returned to the driver. */
  private static final String[] SIZES = {"spark.driver.maxResultSize", "spark.task.maxDirectResultSize"};
  private static final String BLAS_THREADS = "spark.executorEnv.OPENBLAS_NUM_THREADS";

  private SparkSettings() {}

  /** Fails with the setting, its value and what is expected, or returns quietly. */
  static void check(SparkConf conf) {
    for (String key : SIZES) {
      if (!conf.contains(key)) {
        continue;
      }
      String v = conf.get(key);
      try {
        // Spark's own parser, as Spark reads the setting later.
        JavaUtils.byteStringAsBytes(v);
      } catch (RuntimeException e) {
        throw new InvalidInputException(key + " must be a size in bytes with an optional unit b, k, m, g, t or p "
            + "(e.g. 512m or 2g), got '" + v + "'", e);
      }
    }
    if (conf.contains(BLAS_THREADS) && !conf.get(BLAS_THREADS).trim().equals("1")) {
      throw new InvalidInputException(BLAS_THREADS + " is '" + conf.get(BLAS_THREADS) + "', but spark-gru runs "
          + "one model per task and one BLAS thread each (more threads per task oversubscribe the executor's cores "
          + "and slow training down); remove the setting (spark-gru sets it to 1), or, where a cluster-wide default sets it, override it for the job "
          + "with --conf spark.executorEnv.OPENBLAS_NUM_THREADS=1");
    }
  }
}
