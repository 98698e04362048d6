package sparkgru.jobs.data;

import java.sql.Timestamp;
import java.time.Instant;
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
 * Synthetic hourly series for the demo, generated on the executors: each comes from its own
 * {@code level + slope * t + daily and weekly seasonality + noise}, with random parameters and
 * start hour drawn from (seed, id). Two layouts: {@link #generate} gives sequences, one row per
 * step: {@code sequence_id, step, value, hour_sin, hour_cos, target} where {@code target} is the
 * next hour's value (one-step-ahead training sequences); {@link #series} gives long-format time
 * series for forecasting: {@code series_id, timestamp, value, hour_sin, hour_cos}, hourly from
 * 2024-01-01 00:00 UTC plus the series' start hour.
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

  /** The schema of {@link #series}. */
  public static StructType seriesSchema() {
    return new StructType()
        .add("series_id", DataTypes.StringType, false)
        .add("timestamp", DataTypes.TimestampType, false)
        .add("value", DataTypes.DoubleType, false)
        .add("hour_sin", DataTypes.DoubleType, false)
        .add("hour_cos", DataTypes.DoubleType, false);
  }

  /** {@code count} hourly series of {@code steps} rows each, in {@code partitions} partitions. */
  public static Dataset<Row> series(SparkSession spark, long count, int steps, long seed, int partitions) {
    FlatMapFunction<Long, Row> rows = id -> {
      List<Row> seq = sequence(id, steps, seed);
      List<Row> out = new ArrayList<>(seq.size());
      long start = START + 3600L * startHour(id, seed);
      for (Row r : seq) {
        out.add(RowFactory.create("series_" + id, Timestamp.from(Instant.ofEpochSecond(start
            + 3600L * r.getInt(1))), r.getDouble(2), r.getDouble(3), r.getDouble(4)));
      }
      return out.iterator();
    };
    return spark.range(0, count, 1, partitions).flatMap(rows, Encoders.row(seriesSchema()));
  }

  /** 2024-01-01T00:00:00Z in epoch seconds. */
  private static final long START = 1_704_067_200L;

  private static int startHour(long id, long seed) {
    SplittableRandom r = new SplittableRandom(Seeds.derive(seed, id));
    r.nextDouble();
    r.nextDouble();
    r.nextDouble();
    r.nextDouble();
    return r.nextInt(24 * 7);
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
