package sparkgru.jobs.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import sparkgru.engine.linalg.Tensor;

/**
 * All training samples of one Spark partition in compact float arrays: inputs
 * {@code [n, steps, features]}, targets {@code [n, outputs...]} and an optional step mask
 * {@code [n, steps]}. Built once, persisted, and read by every round.
 */
public final class PackedPartition implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int count;
  private final int steps;
  private final int features;
  private final int[] targetShape;
  private final float[] x;
  private final float[] y;
  private final boolean[] mask;

  /**
   * @param targetShape shape of one sample's target, e.g. {@code [1]} or {@code [steps, 1]}
   * @param mask        step mask of {@code count * steps} entries, or null
   */
  public PackedPartition(int count, int steps, int features, int[] targetShape, float[] x, float[] y, boolean[] mask) {
    int perTarget = Arrays.stream(targetShape).reduce(1, Math::multiplyExact);
    if (x.length != (long) count * steps * features || y.length != (long) count * perTarget
        || (mask != null && mask.length != count * steps)) {
      throw new IllegalArgumentException("packed partition of " + count + " samples of [" + steps + ", " + features
          + "] got " + x.length + " inputs, " + y.length + " targets" + (mask == null ? "" : ", " + mask.length
          + " mask entries"));
    }
    this.count = count;
    this.steps = steps;
    this.features = features;
    this.targetShape = targetShape.clone();
    this.x = x;
    this.y = y;
    this.mask = mask;
  }

  /** Samples {@code [from, to)} as their own partition (copies). */
  public PackedPartition slice(int from, int to) {
    if (from < 0 || to > count || from > to) {
      throw new IllegalArgumentException("slice [" + from + ", " + to + ") of " + count + " samples");
    }
    int perX = steps * features;
    int perY = y.length / Math.max(1, count);
    return new PackedPartition(to - from, steps, features, targetShape, Arrays.copyOfRange(x, from * perX, to * perX),
        Arrays.copyOfRange(y, from * perY, to * perY), mask == null ? null
        : Arrays.copyOfRange(mask, from * steps, to * steps));
  }

  /**
   * A partition of a known number of samples filled from pieces, each copied to its sample
   * offset as it arrives: the pieces need not be held until the end, nor arrive in order.
   */
  public static final class Assembly {
    private final PackedPartition partition;
    private long filled;

    /** An empty partition of {@code count} samples of these shapes. */
    public Assembly(int count, int steps, int features, int[] targetShape) {
      partition = new PackedPartition(count, steps, features, targetShape,
          new float[Math.multiplyExact(count, Math.multiplyExact(steps, features))],
          new float[Math.multiplyExact(count, Arrays.stream(targetShape).reduce(1, Math::multiplyExact))], null);
    }

    /**
     * Copies {@code piece} (the same shapes, no mask) to samples {@code [at, at + piece.count())};
     * a piece that does not fit is the caller's error, not the data's.
     */
    public void put(int at, PackedPartition piece) {
      PackedPartition p = partition;
      if (piece.steps != p.steps || piece.features != p.features || !Arrays.equals(piece.targetShape, p.targetShape)
          || piece.mask != null || at < 0 || at + (long) piece.count > p.count) {
        throw new IllegalStateException("piece of " + piece.count + " samples of [" + piece.steps + ", "
            + piece.features + "] at " + at + " does not fit a partition of " + p.count + " samples of [" + p.steps
            + ", " + p.features + "]" + (piece.mask != null ? " (pieces have no masks)" : ""));
      }
      System.arraycopy(piece.x, 0, p.x, at * p.steps * p.features, piece.x.length);
      System.arraycopy(piece.y, 0, p.y, at * (p.y.length / Math.max(1, p.count)), piece.y.length);
      filled += piece.count;
    }

    /** The partition, once pieces of its count of samples in all were put. */
    public PackedPartition build() {
      if (filled != partition.count) {
        throw new IllegalStateException("partition of " + partition.count + " samples received pieces of " + filled);
      }
      return partition;
    }
  }

  /**
   * Packs sequences of any lengths: sequences shorter than the longest are right-padded and
   * masked (Keras semantics); no mask when all have one length.
   *
   * @param xs      inputs per sequence, {@code [steps][width]}
   * @param ys      targets per sequence: {@code [steps][outputs]} per step, or {@code [1][outputs]}
   * @param perStep whether targets are per step (models returning sequences)
   */
  public static PackedPartition ofSequences(List<double[][]> xs, List<double[][]> ys, int width,
      int outputs, boolean perStep) {
    int n = xs.size();
    int t = Math.max(1, xs.stream().mapToInt(q -> q.length).max().orElse(1));
    boolean ragged = xs.stream().anyMatch(q -> q.length != t);
    float[] x = new float[Math.multiplyExact(n, t * width)];
    float[] y = new float[Math.multiplyExact(n, perStep ? t * outputs : outputs)];
    boolean[] mask = ragged ? new boolean[n * t] : null;
    for (int i = 0; i < n; i++) {
      double[][] q = xs.get(i);
      for (int s = 0; s < q.length; s++) {
        for (int j = 0; j < width; j++) {
          x[(i * t + s) * width + j] = (float) q[s][j];
        }
        if (mask != null) {
          mask[i * t + s] = true;
        }
      }
      double[][] l = ys.get(i);
      for (int s = 0; s < l.length; s++) {
        for (int j = 0; j < outputs; j++) {
          y[perStep ? (i * t + s) * outputs + j : i * outputs + j] = (float) l[s][j];
        }
      }
    }
    return new PackedPartition(n, t, width, perStep ? new int[] {t, outputs} : new int[] {outputs}, x, y, mask);
  }

  /** Samples in the partition. */
  public int count() {
    return count;
  }

  /** All inputs as one tensor (a view; mask attached). */
  public Tensor inputs() {
    return Tensor.of(x, count, steps, features).withMask(mask);
  }

  /** All targets as one tensor (a view). */
  public Tensor targets() {
    int[] shape = new int[targetShape.length + 1];
    shape[0] = count;
    System.arraycopy(targetShape, 0, shape, 1, targetShape.length);
    return Tensor.of(y, shape);
  }
}
