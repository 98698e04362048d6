package sparkgru.jobs.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.data.PackedPartition;

/**
 * The column types the MLlib stages read and write, and the conversion of their values.
 *
 * <ul>
 *   <li>A sequence (features): {@code array<array<numeric>>} or {@code array<vector>}, one
 *       element per time step, every step the same width. Sequences may differ in length.</li>
 *   <li>A label: a number (one output), {@code array<numeric>} or {@code vector} (several
 *       outputs of the sequence), or a sequence as above (one output vector per step, for
 *       models with {@code return_sequences}).</li>
 *   <li>A prediction: {@code double} for one output, {@code array<double>} for several (or for
 *       the quantiles of one), {@code array<array<double>>} per step.</li>
 * </ul>
 * Values are stored as float32; missing, NaN, infinite and out-of-float-range values are errors
 * naming the column and the row.
 */
final class SequenceColumns {
  /** What a label (or prediction) holds per sample. */
  enum Shape {
    /** One number. */
    SCALAR,
    /** Several numbers. */
    VECTOR,
    /** A vector per time step. */
    SEQUENCE;

    /** The prediction column's type for this shape. */
    DataType predictionType() {
      return switch (this) {
        case SCALAR -> DataTypes.DoubleType;
        case VECTOR -> DataTypes.createArrayType(DataTypes.DoubleType, false);
        case SEQUENCE -> DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false);
      };
    }

    /**
     * The shape of predictions of {@code levels} quantiles (0: point predictions) of labels of
     * this shape: a number's quantiles are several numbers; the others keep their shape.
     */
    Shape withQuantiles(int levels) {
      return levels > 0 && this == SCALAR ? VECTOR : this;
    }

    /** The shape of a model output: {@code [k]} or {@code [steps, k]}. */
    static Shape of(int[] outputShape) {
      return outputShape.length == 2 ? SEQUENCE : outputShape[0] == 1 ? SCALAR : VECTOR;
    }
  }

  /**
   * The key of a sequence column's metadata that gives the length of all its sequences, as
   * {@link SequenceWindows} writes it and {@link GruModel} checks it.
   */
  static final String STEPS = "sequence_steps";

  private static final String SEQUENCE_TYPES = "array<array<numeric>> or array<vector>";

  private SequenceColumns() {}

  /** The type of {@code column}, failing with the available columns when it is missing. */
  static DataType type(StructType schema, String owner, String param, String column) {
    List<String> names = Arrays.asList(schema.fieldNames());
    if (!names.contains(column)) {
      throw new InvalidInputException(owner + " param " + param + " names column '" + column + "', which the "
          + "dataset lacks; its columns are " + names);
    }
    return schema.apply(column).dataType();
  }

  /** Checks that {@code column} holds sequences. */
  static void requireSequences(StructType schema, String owner, String param, String column) {
    DataType t = type(schema, owner, param, column);
    if (!isSequence(t)) {
      throw new InvalidInputException(owner + " param " + param + ": column '" + column + "' has type "
          + t.simpleString() + "; expected " + SEQUENCE_TYPES + " (one element per time step)");
    }
  }

  /** The shape of the labels in {@code column}. */
  static Shape labelShape(StructType schema, String owner, String param, String column) {
    DataType t = type(schema, owner, param, column);
    if (t instanceof NumericType) {
      return Shape.SCALAR;
    }
    if (isVector(t) || (t instanceof ArrayType a && a.elementType() instanceof NumericType)) {
      return Shape.VECTOR;
    }
    if (isSequence(t)) {
      return Shape.SEQUENCE;
    }
    throw new InvalidInputException(owner + " param " + param + ": column '" + column + "' has type "
        + t.simpleString() + "; expected a number (one output), array<numeric> or vector (several outputs), or "
        + SEQUENCE_TYPES + " (outputs per time step)");
  }

  /** Checks that {@code column} is not in the schema yet (the stage would add it). */
  static void requireAbsent(StructType schema, String owner, String param, String column) {
    if (Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new InvalidInputException(owner + " param " + param + ": the dataset already has a column '" + column
          + "'; choose another name");
    }
  }

  private static boolean isVector(DataType t) {
    return SQLDataTypes.VectorType().equals(t);
  }

  private static boolean isSequence(DataType t) {
    return t instanceof ArrayType a && (isVector(a.elementType())
        || (a.elementType() instanceof ArrayType inner && inner.elementType() instanceof NumericType));
  }

  /**
   * A sequence value as {@code [steps][width]}; {@code width} < 0 accepts the first step's width.
   *
   * @param where the row, for messages
   */
  static double[][] sequence(Object value, int width, String column, String where) {
    if (value == null) {
      throw new InvalidInputException("column '" + column + "' is null at " + where + "; every row needs a sequence");
    }
    List<?> steps = list(value);
    if (steps.isEmpty()) {
      throw new InvalidInputException("column '" + column + "' holds an empty sequence at " + where
          + "; a sequence needs at least one step");
    }
    double[][] out = new double[steps.size()][];
    for (int s = 0; s < out.length; s++) {
      out[s] = numbers(steps.get(s), column, where + ", step " + s);
      int expected = width < 0 ? out[0].length : width;
      if (out[s].length != expected) {
        throw new InvalidInputException("column '" + column + "' has " + out[s].length + " values at " + where
            + ", step " + s + "; expected " + expected + " per step");
      }
    }
    return out;
  }

  /** A vector or array value (or one number) as doubles, checked to be finite float32 values. */
  static double[] numbers(Object value, String column, String where) {
    double[] out;
    if (value == null) {
      throw new InvalidInputException("column '" + column + "' is null at " + where);
    } else if (value instanceof Number n) {
      out = new double[] {n.doubleValue()};
    } else if (value instanceof Vector v) {
      out = v.toArray();
    } else {
      List<?> items = list(value);
      out = new double[items.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(items.get(i) instanceof Number n)) {
          throw new InvalidInputException("column '" + column + "' is null at " + where + ", element " + i);
        }
        out[i] = n.doubleValue();
      }
    }
    for (int i = 0; i < out.length; i++) {
      if (!Float.isFinite((float) out[i])) {
        throw new InvalidInputException("column '" + column + "' holds " + out[i] + " at " + where
            + (out.length > 1 ? ", element " + i : "") + "; values must be finite and within float32 range");
      }
    }
    return out;
  }

  private static List<?> list(Object value) {
    if (value instanceof Seq<?> seq) {
      // Through the iterator: Scala 2.12 and 2.13 name their Java converters differently.
      List<Object> items = new ArrayList<>(seq.length());
      scala.collection.Iterator<?> it = seq.iterator();
      while (it.hasNext()) {
        items.add(it.next());
      }
      return items;
    }
    if (value instanceof List<?> l) {
      return l;
    }
    if (value instanceof Object[] a) {
      return Arrays.asList(a);
    }
    if (value instanceof double[] d) {
      return Arrays.stream(d).boxed().toList();
    }
    throw new IllegalArgumentException("expected an array, got " + value.getClass().getName());
  }

  /**
   * Packs rows of (sequence, label, key) into one partition for training, padded and masked as
   * the train job packs its sequences ({@link PackedPartition#ofSequences}).
   *
   * @param width   features per step
   * @param shape   what the labels hold
   * @param outputs label values per sample (per step for {@link Shape#SEQUENCE})
   * @param repeats times each label value is repeated in the targets, in place (1, or the number
   *                of quantile levels: {@code [y0, y0, y0, y1, y1, y1]}, as a quantile model's
   *                outputs hold quantile innermost)
   */
  static PackedPartition pack(Iterator<Row> rows, int width, Shape shape, int outputs, int repeats,
      String featuresCol, String labelCol, boolean keyed) {
    List<double[][]> xs = new ArrayList<>();
    List<double[][]> ys = new ArrayList<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      String where = keyed ? "the row with key " + r.get(2) : "the row numbered " + r.get(2) + " by Spark (set "
          + "sequenceIdCol to name rows by a key of yours)";
      double[][] x = sequence(r.get(0), width, featuresCol, where);
      double[][] y = shape == Shape.SEQUENCE ? sequence(r.get(1), outputs, labelCol, where)
          : new double[][] {numbers(r.get(1), labelCol, where)};
      if (shape == Shape.SEQUENCE && y.length != x.length) {
        throw new InvalidInputException("column '" + labelCol + "' has " + y.length + " steps at " + where
            + " but its sequence in '" + featuresCol + "' has " + x.length + "; per-step labels need one per step");
      }
      if (shape != Shape.SEQUENCE && y[0].length != outputs) {
        throw new InvalidInputException("column '" + labelCol + "' has " + y[0].length + " values at " + where
            + "; expected " + outputs + " (as in the first row)");
      }
      xs.add(x);
      ys.add(repeats == 1 ? y : repeated(y, repeats));
    }
    return PackedPartition.ofSequences(xs, ys, width, outputs * repeats, shape == Shape.SEQUENCE);
  }

  /** Each row of {@code y} with every value repeated {@code times} times in place. */
  private static double[][] repeated(double[][] y, int times) {
    double[][] out = new double[y.length][];
    for (int s = 0; s < y.length; s++) {
      out[s] = new double[y[s].length * times];
      for (int i = 0; i < out[s].length; i++) {
        out[s][i] = y[s][i / times];
      }
    }
    return out;
  }
}
