package sparkgru.jobs.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A small MLlib forecasting pipeline and its data, for the tests of the MLlib stages. */
public final class PipelineFixtures {
  private PipelineFixtures() {}

  /** Six series of 90 hourly steps: a daily-ish sine with a phase per series, plus hour features. */
  public static Dataset<Row> series(SparkSession spark) {
    StructType schema = new StructType().add("series_id", DataTypes.StringType).add("timestamp", DataTypes.LongType)
        .add("value", DataTypes.DoubleType).add("hour_sin", DataTypes.DoubleType).add("hour_cos", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(9);
    for (int s = 0; s < 6; s++) {
      for (int t = 0; t < 90; t++) {
        double hour = 2 * Math.PI * (t % 12) / 12;
        rows.add(RowFactory.create("s" + s, (long) t * 3600, Math.sin(hour + s) + 0.05 * (r.nextDouble() - 0.5),
            Math.sin(hour), Math.cos(hour)));
      }
    }
    return spark.createDataFrame(rows, schema);
  }

  /** The stages: the step features assembled, windows of 12 steps (stride 2) to the next, and {@code gru}. */
  public static PipelineStage[] stages(GruEstimator gru) {
    VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"value", "hour_sin", "hour_cos"})
        .setOutputCol("step_features");
    SequenceWindows windows = new SequenceWindows().setLookback(12).setHorizon(1).setStride(2);
    return new PipelineStage[] {assembler, windows, gru};
  }
}
