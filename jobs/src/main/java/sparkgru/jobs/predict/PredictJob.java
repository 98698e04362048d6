package sparkgru.jobs.predict;

import static org.apache.spark.sql.functions.col;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import scala.reflect.ClassTag$;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.keras.KerasImporter;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.Sequential;
import sparkgru.jobs.data.Batched;
import sparkgru.jobs.io.DataErrors;
import sparkgru.jobs.io.HadoopFiles;
import sparkgru.jobs.data.LongFormat;
import sparkgru.jobs.io.ParquetInput;
import sparkgru.jobs.data.SeriesSource;
import sparkgru.jobs.io.TableOutput;
import sparkgru.jobs.spark.SparkJobs;

/**
 * The predict job: runs a model (the project's own file, a {@code .keras} archive or a legacy
 * {@code .h5}) over sequences in long format, {@code sequence_id, step, x0, x1, ...} (one row per
 * sequence and step, steps 0..T-1, lengths may differ, rows in any order), and writes
 * {@code sequence_id, y0, y1, ...} for a model ending in one vector per sequence, or
 * {@code sequence_id, step, y0, ...} for one returning sequences (steps in the order Keras
 * returns them: processing order for {@code go_backwards}). The features are every column after
 * {@code step}, in order. Sequences of the same length are predicted together, unpadded, so each
 * gets what Keras computes for it alone. Distributed: each partition predicts its sequences in
 * batches.
 */
public final class PredictJob {
  /** Sequences per model call. */
  static final int BATCH = 256;

  /**
   * What a run wrote.
   *
   * @param sequences sequences predicted
   * @param outputs   values per output row
   */
  public record Result(long sequences, int outputs) {}

  private PredictJob() {}

  /** Predicts {@code input} with the model at {@code modelPath} into the path {@code output}. */
  public static Result run(SparkSession spark, String modelPath, String input, String output, boolean overwrite,
      PrintWriter out) {
    return run(spark, modelPath, input, TableOutput.Target.path(output, overwrite), out);
  }

  /** Predicts {@code input} with the model at {@code modelPath} into {@code target}. */
  public static Result run(SparkSession spark, String modelPath, String input, TableOutput.Target target,
      PrintWriter out) {
    SparkJobs.label(spark.sparkContext(), "predict", "predicting every sequence");
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    byte[] bytes = HadoopFiles.readAll(modelPath, "model", hadoop);
    ModelFile.Loaded loaded = KerasImporter.readAny(bytes, modelPath);
    TableOutput.prepare(spark, target);
    String output = target.location();
    SeriesSource.requireExists(input, hadoop);
    Dataset<Row> raw = input.toLowerCase(Locale.ROOT).endsWith(".csv")
        ? spark.read().option("header", "true").csv(input) : ParquetInput.read(spark, input, "--input");
    List<String> columns = Arrays.asList(raw.columns());
    if (columns.size() < 3 || !columns.get(0).equals("sequence_id") || !columns.get(1).equals("step")) {
      throw new InvalidInputException(input + " has columns " + columns + "; predict reads sequence_id, step, "
          + "then the feature columns x0, x1, ...");
    }
    List<String> features = columns.subList(2, columns.size());
    int expected = loaded.spec().features();
    if (features.size() != expected) {
      throw new InvalidInputException(input + " has " + features.size() + " feature columns " + features
          + " but the model " + modelPath + " reads " + expected + " per step");
    }
    if (loaded.spec().layers().stream().anyMatch(l -> l.args().getOrDefault("stateful", "false").trim()
        .equalsIgnoreCase("true"))) {
      throw new InvalidInputException("the model " + modelPath + " has a stateful GRU: its outputs would depend on "
          + "how sequences fall into batches and partitions; save it with stateful=False for batch prediction");
    }
    int fixedSteps = loaded.spec().steps();
    LongFormat format = new LongFormat("sequence_id", "step", features, List.of());
    Dataset<Row> typed = format.select(raw, input);
    int[] outShape = loaded.model().outputShape();
    boolean sequences = outShape.length == 2;
    int outputs = outShape[outShape.length - 1];
    StructType schema = new StructType().add("sequence_id", DataTypes.StringType, false);
    if (sequences) {
      schema = schema.add("step", DataTypes.IntegerType, false);
    }
    for (int i = 0; i < outputs; i++) {
      schema = schema.add("y" + i, DataTypes.DoubleType, false);
    }
    Broadcast<byte[]> model = spark.sparkContext().broadcast(bytes, ClassTag$.MODULE$.apply(
        byte[].class));
    int partitions = Math.max(spark.sparkContext().defaultParallelism(), typed.rdd().getNumPartitions());
    LongAccumulator count = spark.sparkContext().longAccumulator("sequences");
    int width = features.size();
    JavaRDD<Row> rows = typed.repartition(partitions, col("sequence_id"))
        .sortWithinPartitions(col("sequence_id"), col("step")).javaRDD()
        .mapPartitions(part -> new Predictions(part, KerasImporter.readAny(model.value(), modelPath).model(), width,
            fixedSteps, sequences, count), true);
    out.println("spark-gru predict: " + modelPath + " on " + input + " -> " + output);
    out.flush();
    try {
      TableOutput.write(spark.createDataFrame(rows, schema), target, () -> {
        if (count.value() == 0) {
          throw new InvalidInputException(input + " holds no sequence; nothing was written");
        }
      });
    } catch (Exception e) {
      throw DataErrors.rethrow(e);
    } finally {
      model.destroy();
    }
    out.println("predicted " + count.value() + " sequences, written to " + output);
    out.flush();
    return new Result(count.value(), outputs);
  }

  /** A partition's output rows, predicted a batch of sequences at a time. */
  private static final class Predictions extends Batched<Row> {
    private final Iterator<Row> rows;
    private final Sequential model;
    private final int width;
    private final int fixedSteps;
    private final boolean sequences;
    private final LongAccumulator count;
    private Row pending;

    Predictions(Iterator<Row> rows, Sequential model, int width, int fixedSteps, boolean sequences,
        LongAccumulator count) {
      this.rows = rows;
      this.model = model;
      this.width = width;
      this.fixedSteps = fixedSteps;
      this.sequences = sequences;
      this.count = count;
      this.pending = rows.hasNext() ? rows.next() : null;
    }

    @Override
    protected void fill(ArrayDeque<Row> ready) {
      List<String> ids = new ArrayList<>();
      List<double[][]> batch = new ArrayList<>();
      while (pending != null && ids.size() < BATCH) {
        String id = pending.getString(0);
        List<double[]> steps = new ArrayList<>();
        while (pending != null && pending.getString(0).equals(id)) {
          LongFormat.requireStep(id, pending.getInt(1), steps.size());
          double[] v = new double[width];
          for (int c = 0; c < width; c++) {
            v[c] = pending.getDouble(2 + c);
          }
          steps.add(v);
          pending = rows.hasNext() ? rows.next() : null;
        }
        if (fixedSteps > 0 && steps.size() != fixedSteps) {
          throw new InvalidInputException("sequence " + id + " has " + steps.size() + " steps but the model reads "
              + "exactly " + fixedSteps);
        }
        ids.add(id);
        batch.add(steps.toArray(new double[0][]));
      }
      if (ids.isEmpty()) {
        return;
      }
      int n = ids.size();
      float[][] y = EqualLengthBatches.predict(model, batch, width);
      for (int i = 0; i < n; i++) {
        int t = batch.get(i).length;
        int k = y[i].length / (sequences ? t : 1);
        for (int s = 0; s < (sequences ? t : 1); s++) {
          Object[] v = new Object[(sequences ? 2 : 1) + k];
          v[0] = ids.get(i);
          if (sequences) {
            v[1] = s;
          }
          for (int j = 0; j < k; j++) {
            v[(sequences ? 2 : 1) + j] = (double) y[i][s * k + j];
          }
          ready.add(RowFactory.create(v));
        }
      }
      count.add(n);
    }
  }
}
