package sparkgru.jobs.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;

/**
 * The Spark calls whose API differs between the Spark lines spark-gru builds for; this is the
 * implementation for Spark 4 (the build picks one per line, src/main/spark-3.5 or src/main/spark-4).
 */
public final class SparkApi {
  private SparkApi() {}

  /** {@code c} cast to {@code type}, null where the value does not convert (SQL's try_cast). */
  public static Column tryCast(Column c, DataType type) {
    return c.try_cast(type);
  }
}
