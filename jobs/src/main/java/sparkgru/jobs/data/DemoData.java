package sparkgru.jobs.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sparkgru.engine.model.Seeds;

/**
 * Synthetic hourly series for the demo, generated on the executors: each sequence comes from its
 * own series {@code level + slope * t + daily and weekly seasonality + noise}, with random
 * parameters and start hour drawn from (seed, sequence id). Long format, one row per step:
 * {@code sequence_id, step, value, hour_sin, hour_cos, target} where {@code target} is the next
 * hour's value, so a model learns one-step-ahead forecasting.
 */
public final class DemoData {
  /** The input columns of the demo data. */
  public static final List<String> FEATURES = List.of("value", "hour_sin", "hour_cos");
  /** The target column of the demo data. */
  public static final List<String> TARGETS = List.of("target");

  private DemoData() {}

  /** The schema of the generated rows. */
  public static StructType schema() {
    return new StructType()
        .add("sequence_id", DataTypes.StringType, false)
        .add("step", DataTypes.IntegerType, false)
        .add("value", DataTypes.DoubleType, false)
        .add("hour_sin", DataTypes.DoubleType, false)
        .add("hour_cos", DataTypes.DoubleType, false)
        .add("target", DataTypes.DoubleType, false);
  }

  /** {@code sequences} sequences of {@code steps} rows, in {@code partitions} partitions. */
  public static Dataset<Row> generate(SparkSession spark, long sequences, int steps, long seed, int partitions) {
    FlatMapFunction<Long, Row> rows = id -> sequence(id, steps, seed).iterator();
    return spark.range(0, sequences, 1, partitions).flatMap(rows, Encoders.row(schema()));
  }

  static List<Row> sequence(long id, int steps, long seed) {
    SplittableRandom r = new SplittableRandom(Seeds.derive(seed, id));
    double level = 10 + 5 * r.nextDouble();
    double slope = (r.nextDouble() - 0.5) * 0.02;
    double daily = 1 + 2 * r.nextDouble();
    double weekly = r.nextDouble();
    int start = r.nextInt(24 * 7);
    double[] v = new double[steps + 1];
    for (int t = 0; t <= steps; t++) {
      int hour = start + t;
      v[t] = level + slope * hour + daily * Math.sin(2 * Math.PI * hour / 24) + weekly * Math.sin(2 * Math.PI * hour / 168)
          + 0.1 * gaussian(r);
    }
    List<Row> out = new ArrayList<>(steps);
    for (int t = 0; t < steps; t++) {
      double angle = 2 * Math.PI * ((start + t) % 24) / 24;
      out.add(RowFactory.create("s" + id, t, (v[t] - 12.5) / 3, Math.sin(angle), Math.cos(angle), (v[t + 1] - 12.5) / 3));
    }
    return out;
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
