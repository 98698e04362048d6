package sparkgru.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * One local Spark session per test JVM (starting Spark costs seconds), stopped at exit. A command
 * run in the test JVM (train, forecast, ...) joins this session and, as it was running before the
 * command, leaves it running; a test that stops it gets a fresh one from {@link #get}.
 */
public final class SparkTestSession {
  private static SparkSession session;
  private static final Path WAREHOUSE = warehouse();

  private SparkTestSession() {}

  /** The shared {@code local[2, 2]} session: two threads, and a failed task is retried once. */
  public static synchronized SparkSession get() {
    if (session == null || session.sparkContext().isStopped()) {
      boolean first = session == null;
      session = SparkSession.builder().master("local[2,2]").appName("spark-gru-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.sql.session.timeZone", "UTC")
          .config("spark.driver.host", "127.0.0.1")
          // Tables of the session catalog go to a temporary directory, not to spark-warehouse/ in the module.
          .config("spark.sql.warehouse.dir", WAREHOUSE.toUri().toString())
          .getOrCreate();
      session.sparkContext().setLogLevel("WARN");
      if (first) {
        Runtime.getRuntime().addShutdownHook(new Thread(SparkTestSession::stop));
      }
    }
    return session;
  }

  private static Path warehouse() {
    try {
      Path dir = Files.createTempDirectory("spark-gru-tests-warehouse");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static synchronized void stop() {
    session.stop();
  }

  /** The Java view of the shared context. */
  public static JavaSparkContext context() {
    return JavaSparkContext.fromSparkContext(get().sparkContext());
  }
}
