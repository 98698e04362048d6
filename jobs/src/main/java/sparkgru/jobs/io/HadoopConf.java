package sparkgru.jobs.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import scala.Option;
import scala.Tuple2;

/**
 * The Hadoop configuration of the driver's own reads and writes (configuration files, models,
 * checkpoints, metrics, reports): the session's {@code hadoopConfiguration()} when Spark runs in
 * this JVM, else the one the session will have, built from the Spark settings as Spark builds it
 * ({@code SparkHadoopUtil.newConfiguration}): Hadoop's defaults and site files, then every
 * {@code spark.hadoop.<key>} of the Spark settings as {@code <key>} and every
 * {@code spark.hive.<key>} as {@code hive.<key>}. So a setting given as spark-submit's
 * {@code --conf spark.hadoop.fs.s3a.endpoint=...} (or in {@code spark-defaults.conf}) applies to a
 * model read before Spark starts as it applies to the data Spark reads.
 */
public final class HadoopConf {
  private static final String HADOOP = "spark.hadoop.";
  private static final String HIVE = "spark.hive.";

  private HadoopConf() {}

  /**
   * The running session's Hadoop configuration, or, without one, that of the Spark settings of
   * this JVM ({@code new SparkConf()}: the {@code spark.*} system properties spark-submit sets).
   */
  public static Configuration current() {
    Option<SparkSession> session = SparkSession.getDefaultSession();
    if (session.isDefined() && !session.get().sparkContext().isStopped()) {
      return session.get().sparkContext().hadoopConfiguration();
    }
    return of(new SparkConf());
  }

  /** A Hadoop configuration with the {@code spark.hadoop.*} and {@code spark.hive.*} settings of {@code spark}. */
  public static Configuration of(SparkConf spark) {
    Configuration conf = new Configuration();
    for (Tuple2<String, String> setting : spark.getAll()) {
      apply(conf, setting._1(), setting._2());
    }
    return conf;
  }

  private static void apply(Configuration conf, String key, String value) {
    if (key.startsWith(HADOOP) && key.length() > HADOOP.length()) {
      conf.set(key.substring(HADOOP.length()), value, "spark.hadoop");
    } else if (key.startsWith(HIVE) && key.length() > HIVE.length()) {
      conf.set("hive." + key.substring(HIVE.length()), value, "spark.hive");
    }
  }
}
