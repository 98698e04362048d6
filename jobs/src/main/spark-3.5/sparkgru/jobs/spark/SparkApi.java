package sparkgru.jobs.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.types.DataType;
import scala.Option;

/**
 * The Spark calls whose API differs between the Spark lines spark-gru builds for; this is the
 * implementation for Spark 3.5 (the build picks one per line, src/main/spark-3.5 or src/main/spark-4).
 */
public final class SparkApi {
  private SparkApi() {}

  /**
   * {@code c} cast to {@code type}, null where the value does not convert (SQL's try_cast). Spark
   * 3.5's Column has no try_cast: this is the expression SQL's try_cast makes.
   */
  public static Column tryCast(Column c, DataType type) {
    return new Column(new Cast(c.expr(), type, Option.empty(), EvalMode.TRY()));
  }
}
