package sparkgru.jobs.train;

import java.io.Serializable;
import java.util.Arrays;
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
