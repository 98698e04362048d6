package sparkgru.engine.optim;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import sparkgru.engine.io.BulkArrays;

/**
 * The arithmetic of data-parallel parameter averaging, kept free of Spark: workers return flat
 * vectors (weights, optimiser state) scaled by the samples they processed; the driver sums them
 * and divides by the total weight. Sums are kept in double so that the result barely depends
 * on the order in which a tree aggregation combines partial sums. A worker's own contribution
 * ({@link #of}) travels as its float vector and becomes double sums when merged.
 */
public final class ParameterAveraging implements Serializable {
  private static final long serialVersionUID = 3L;
  private static final int FOLD_BLOCK = 4096;
  private int length; // not final: readObject sets it
  /** One worker's vector, kept as floats until something is added: half the bytes on the wire. */
  private float[] single;
  private double singleWeight;
  private double[] sum;
  /** Accumulators merged into this one and not yet added: summed in one pass when needed. */
  private List<ParameterAveraging> pending;
  private double totalWeight;

  /** An empty accumulator for vectors of this length. */
  public ParameterAveraging(int length) {
    this(length, new double[length]);
  }

  private ParameterAveraging(int length, double[] sum) {
    this.length = length;
    this.sum = sum;
  }

  /**
   * One worker's contribution, {@code weight * values}, holding {@code values} itself (not a
   * copy) until it is merged; the sums equal those of {@code new ParameterAveraging(n).add(values,
   * weight)} bit for bit, except that a -0 value stays -0 (0 + -0 is +0).
   */
  public static ParameterAveraging of(float[] values, double weight) {
    checkWeight(weight);
    if (weight == 0) {
      return new ParameterAveraging(values.length);
    }
    ParameterAveraging a = new ParameterAveraging(values.length, null);
    a.single = values;
    a.singleWeight = weight;
    a.totalWeight = weight;
    return a;
  }

  private static void checkWeight(double weight) {
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("averaging weight must be finite and >= 0, got " + weight);
    }
  }

  /** The double sums, adding a single float contribution and pending merges first. */
  private double[] sums() {
    if (sum == null || pending != null) {
      double[] folded = new double[length];
      fold(folded, null);
      sum = folded;
      single = null;
      pending = null;
    }
    return sum;
  }

  /**
   * Element by element, this accumulator's value plus each pending one's, left to right (the
   * order, hence the bits, of merging them one by one), into {@code sums} or, divided by the
   * total weight, into {@code mean}: one pass however many were merged.
   */
  private void fold(double[] sums, float[] mean) {
    ParameterAveraging[] parts = pending == null ? new ParameterAveraging[0] : pending.toArray(new ParameterAveraging[0]);
    for (ParameterAveraging p : parts) {
      if (p.pending != null) {
        p.sums(); // a part with merges of its own folds them first; a single contribution stays as it is
      }
    }
    double[] acc = new double[Math.min(length, FOLD_BLOCK)];
    double reciprocal = 1 / totalWeight;
    for (int from = 0; from < length; from += FOLD_BLOCK) {
      int n = Math.min(FOLD_BLOCK, length - from);
      addInto(acc, n, from, true);
      for (ParameterAveraging p : parts) {
        p.addInto(acc, n, from, false);
      }
      if (sums != null) {
        System.arraycopy(acc, 0, sums, from, n);
      } else {
        for (int j = 0; j < n; j++) {
          mean[from + j] = (float) (acc[j] * reciprocal);
        }
      }
    }
  }

  /** {@code acc[j] (=|+=) value(from + j)} for j &lt; n, this accumulator's own values (no pending ones). */
  private void addInto(double[] acc, int n, int from, boolean first) {
    if (sum != null) {
      for (int j = 0; j < n; j++) {
        acc[j] = first ? sum[from + j] : acc[j] + sum[from + j];
      }
    } else {
      double w = singleWeight;
      for (int j = 0; j < n; j++) {
        acc[j] = first ? w * single[from + j] : acc[j] + w * single[from + j];
      }
    }
  }


  /** Adds {@code weight * values}; a weight of 0 (an empty partition) adds nothing. */
  public ParameterAveraging add(float[] values, double weight) {
    if (values.length != length) {
      throw new IllegalArgumentException("cannot average a vector of " + values.length + " values into one of " + length);
    }
    checkWeight(weight);
    if (weight == 0) {
      return this;
    }
    double[] sum = sums();
    for (int i = 0; i < length; i++) {
      sum[i] += weight * values[i];
    }
    totalWeight += weight;
    return this;
  }

  /**
   * Merges another accumulator into this one (the combine step of a tree aggregation).
   * {@code other} is consumed: it is read when this one is summed, so it must not change
   * afterwards.
   */
  public ParameterAveraging merge(ParameterAveraging other) {
    if (other == this) {
      throw new IllegalArgumentException("cannot merge an average into itself");
    }
    if (other.length != length) {
      throw new IllegalArgumentException("cannot merge averages of lengths " + other.length + " and " + length);
    }
    if (pending == null) {
      pending = new ArrayList<>();
    }
    pending.add(other);
    totalWeight += other.totalWeight;
    return this;
  }

  /** Total weight added. */
  public double totalWeight() {
    return totalWeight;
  }

  /** The weighted mean (the sums times 1 / total weight), rounded to float. */
  public float[] mean() {
    if (totalWeight == 0) {
      throw new IllegalStateException("no samples were processed by any worker: every partition was empty");
    }
    float[] mean = new float[length];
    fold(null, mean);
    return mean;
  }

  /**
   * Java serialization writes the arrays as bulk bytes ({@link BulkArrays}; it would write a float
   * at a time) and every field by hand, pending merges folded first. The fields are not
   * transient, so serializers that ignore these two methods (Spark's Kryo) copy them as they are.
   */
  private void writeObject(ObjectOutputStream out) throws IOException {
    if (pending != null) {
      sums();
    }
    out.writeInt(length);
    out.writeDouble(totalWeight);
    out.writeDouble(singleWeight);
    out.writeBoolean(sum != null);
    if (sum != null) {
      BulkArrays.write(out, sum);
    } else {
      BulkArrays.write(out, single);
    }
  }

  private void readObject(ObjectInputStream in) throws IOException {
    length = in.readInt();
    totalWeight = in.readDouble();
    singleWeight = in.readDouble();
    if (in.readBoolean()) {
      sum = BulkArrays.readDoubles(in);
    } else {
      single = BulkArrays.readFloats(in);
    }
    if ((sum != null ? sum.length : single.length) != length) {
      throw new InvalidObjectException("averaging vector of " + length + " values holds "
          + (sum != null ? sum.length : single.length));
    }
  }
}
