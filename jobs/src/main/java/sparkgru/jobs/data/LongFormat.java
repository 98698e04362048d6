package sparkgru.jobs.data;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.rint;
import static org.apache.spark.sql.functions.xxhash64;
import static sparkgru.jobs.spark.SparkApi.tryCast;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.data.PackedPartition;

/**
 * Sequences in long format, one row per (sequence, step): an id column, a step column holding
 * 0..T-1, feature columns and target columns. {@link #pack} checks the columns and values and
 * packs each Spark partition's sequences into one {@link PackedPartition}; sequences shorter
 * than the longest in their partition are right-padded and masked (Keras semantics).
 *
 * @param id       the sequence id column
 * @param step     the step column
 * @param features the input columns
 * @param targets  the target columns
 */
public record LongFormat(String id, String step, List<String> features, List<String> targets)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Checks that every column exists and has a type that holds what it should (steps: numbers or
   * text; features and targets: numbers, booleans or text), then that every value is usable,
   * naming the first bad one by column, sequence and step, with the value as the input holds it.
   * A fractional step column (pandas writes one as float64 when it has nulls) must hold whole
   * numbers: 1.5 is refused, not truncated.
   */
  public Dataset<Row> select(Dataset<Row> data, String origin) {
    List<String> wanted = new ArrayList<>(List.of(id, step));
    wanted.addAll(features);
    wanted.addAll(targets);
    requireColumns(data, wanted, origin);
    DataType stepType = data.schema().apply(step).dataType();
    if (!(stepType instanceof StringType || stepType instanceof NumericType)) {
      throw new InvalidInputException(origin + ": column '" + step + "' has type " + stepType.simpleString()
          + "; expected whole-number steps 0, 1, ..., T-1 (a numeric type, or text holding them)");
    }
    if (stepType instanceof DecimalType || stepType.equals(DataTypes.DoubleType)
        || stepType.equals(DataTypes.FloatType)) {
      Column value = col(step).cast(DataTypes.DoubleType);
      // rint(NaN) is NaN and Spark's NaN equals NaN: NaN and infinities are left to the check for unusable values.
      List<Row> fractional = data.filter(value.notEqual(rint(value))).select(col(id).cast(DataTypes.StringType),
          col(step).cast(DataTypes.StringType)).limit(1).collectAsList();
      if (!fractional.isEmpty()) {
        throw new InvalidInputException(origin + ": column '" + step + "' has a step that is not a whole number "
            + "(sequence " + fractional.get(0).get(0) + ", value '" + fractional.get(0).get(1) + "'); steps must run "
            + "0, 1, ..., T-1");
      }
    }
    requireNumbers(data, wanted.subList(2, wanted.size()), origin);
    List<Column> cols = new ArrayList<>();
    cols.add(col(id).cast(DataTypes.StringType).as(id));
    // try_cast: a malformed value becomes null and is reported below with its sequence and step.
    cols.add(tryCast(col(step), DataTypes.IntegerType).as(step));
    for (String c : features) {
      cols.add(tryCast(col(c), DataTypes.DoubleType).as(c));
    }
    for (String c : targets) {
      cols.add(tryCast(col(c), DataTypes.DoubleType).as(c));
    }
    Dataset<Row> typed = data.select(cols.toArray(new Column[0]));
    // The checks see each value as typed and as the input holds it, to name the bad one as written.
    List<Column> checked = new ArrayList<>(cols);
    for (int i = 0; i < wanted.size(); i++) {
      checked.add(col(wanted.get(i)).cast(DataTypes.StringType).as("__raw_" + i));
    }
    Dataset<Row> withRaw = data.select(checked.toArray(new Column[0]));
    for (int i = 0; i < wanted.size(); i++) {
      String c = wanted.get(i);
      Column bad = col(c).isNull();
      if (i >= 2) {
        // Values are stored as float32: anything beyond its range is as unusable as infinity.
        bad = bad.or(isnan(col(c))).or(abs(col(c)).gt(Float.MAX_VALUE));
      }
      List<Row> rows = withRaw.filter(bad).limit(1).collectAsList();
      if (!rows.isEmpty()) {
        Row r = rows.get(0);
        Object raw = r.get(wanted.size() + i);
        throw new InvalidInputException(origin + ": column '" + c + "' has a missing, non-numeric or infinite value "
            + "or beyond float32 range (sequence " + r.get(0) + ", step " + r.get(1) + ", value "
            + (raw == null ? "null" : "'" + raw + "'") + "); "
            + (i < 2 ? "every row needs a sequence id and an integer step" : "clean or impute the data"));
      }
    }
    return typed;
  }

  /**
   * Fails naming the first of {@code columns} whose type holds neither numbers, booleans (read as
   * 0 and 1) nor text (which is parsed, each value checked): a struct, array, map, binary or date
   * column.
   */
  public static void requireNumbers(Dataset<Row> data, List<String> columns, String origin) {
    for (String c : columns) {
      DataType type = data.schema().apply(c).dataType();
      if (!(type instanceof NumericType || type instanceof BooleanType || type instanceof StringType)) {
        throw new InvalidInputException(origin + ": column '" + c + "' has type " + type.simpleString()
            + "; expected numbers (any numeric type, booleans, or text holding numbers)");
      }
    }
  }

  /**
   * Fails naming the first of {@code wanted} that {@code data} lacks, and the columns it has: each
   * in quotes when a name begins or ends with white space, which the plain list would hide.
   */
  static void requireColumns(Dataset<Row> data, List<String> wanted, String origin) {
    List<String> available = Arrays.asList(data.columns());
    for (String c : wanted) {
      if (!available.contains(c)) {
        boolean padded = available.stream().anyMatch(a -> !a.equals(a.strip()));
        String names = padded ? available.stream().map(a -> "'" + a + "'").toList().toString()
            : available.toString();
        throw new InvalidInputException(origin + " has no column '" + c + "'; its columns are " + names
            + (padded && available.stream().anyMatch(a -> a.strip().equals(c)) ? " (a name in the header begins or "
            + "ends with spaces: remove them, or for a CSV file set data.trim_spaces=true)" : ""));
      }
    }
  }

  /**
   * Checks that a sequence's next row has the step that follows the {@code expected} seen so far,
   * naming the sequence and whether a step is negative, repeated or missing.
   */
  public static void requireStep(String sequence, int step, int expected) {
    if (step != expected) {
      throw new InvalidInputException("sequence " + sequence + ": " + (step < 0 ? "negative step " + step
          : step < expected ? "duplicate step " + step : "missing step " + expected + " (next step found is " + step
          + ")") + "; steps must run 0, 1, ..., T-1");
    }
  }

  /** Training and validation rows. */
  public record Split(Dataset<Row> train, Dataset<Row> validation) {}

  /** Splits by a hash of the sequence id: the same sequences go to validation for the same seed. */
  public Split split(Dataset<Row> typed, double validationFraction, long seed) {
    Column bucket = pmod(xxhash64(col(id), lit(seed)), lit(10_000));
    long cut = Math.round(validationFraction * 10_000);
    return new Split(typed.filter(bucket.geq(cut)), typed.filter(bucket.lt(cut)));
  }

  /**
   * Packs typed rows (from {@link #select}) into {@code partitions} partitions by sequence id.
   *
   * @param perStepTargets targets for every step (models returning sequences) rather than the
   *                       last step's only
   */
  public JavaRDD<PackedPartition> pack(Dataset<Row> typed, int partitions, boolean perStepTargets) {
    LongFormat format = this;
    return typed.repartition(partitions, col(id)).sortWithinPartitions(col(id), col(step)).javaRDD()
        .mapPartitions(rows -> List.of(format.packRows(rows, perStepTargets)).iterator(), true);
  }

  PackedPartition packRows(Iterator<Row> rows, boolean perStepTargets) {
    int f = features.size();
    int k = targets.size();
    List<double[][]> sequences = new ArrayList<>();
    String current = null;
    List<double[]> steps = new ArrayList<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      String sid = r.getString(0);
      if (!sid.equals(current)) {
        if (current != null) {
          sequences.add(steps.toArray(new double[0][]));
        }
        current = sid;
        steps = new ArrayList<>();
      }
      requireStep(sid, r.getInt(1), steps.size());
      double[] v = new double[f + k];
      for (int i = 0; i < f + k; i++) {
        v[i] = r.getDouble(2 + i);
      }
      steps.add(v);
    }
    if (current != null) {
      sequences.add(steps.toArray(new double[0][]));
    }
    List<double[][]> xs = new ArrayList<>(sequences.size());
    List<double[][]> ys = new ArrayList<>(sequences.size());
    for (double[][] q : sequences) {
      double[][] x = new double[q.length][];
      double[][] y = new double[perStepTargets ? q.length : 1][];
      for (int s = 0; s < q.length; s++) {
        x[s] = Arrays.copyOf(q[s], f);
        if (perStepTargets || s == q.length - 1) {
          y[perStepTargets ? s : 0] = Arrays.copyOfRange(q[s], f, f + k);
        }
      }
      xs.add(x);
      ys.add(y);
    }
    return PackedPartition.ofSequences(xs, ys, f, k, perStepTargets);
  }
}
