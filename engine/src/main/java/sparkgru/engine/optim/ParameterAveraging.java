package sparkgru.engine.optim;

/**
 * The arithmetic of data-parallel parameter averaging, kept free of Spark: workers return flat
 * vectors (weights, optimiser state) scaled by the samples they processed; the driver sums them
 * and divides by the total weight. Sums are kept in double so that the result barely depends
 * on the order in which a tree aggregation combines partial sums.
 */
public final class ParameterAveraging implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final double[] sum;
  private double totalWeight;

  /** An empty accumulator for vectors of this length. */
  public ParameterAveraging(int length) {
    this.sum = new double[length];
  }

  /** Adds {@code weight * values}; a weight of 0 (an empty partition) adds nothing. */
  public ParameterAveraging add(float[] values, double weight) {
    if (values.length != sum.length) {
      throw new IllegalArgumentException("cannot average a vector of " + values.length + " values into one of " + sum.length);
    }
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("averaging weight must be finite and >= 0, got " + weight);
    }
    if (weight == 0) {
      return this;
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] += weight * values[i];
    }
    totalWeight += weight;
    return this;
  }

  /** Merges another accumulator into this one (the combine step of a tree aggregation). */
  public ParameterAveraging merge(ParameterAveraging other) {
    if (other.sum.length != sum.length) {
      throw new IllegalArgumentException("cannot merge averages of lengths " + other.sum.length + " and " + sum.length);
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] += other.sum[i];
    }
    totalWeight += other.totalWeight;
    return this;
  }

  /** Total weight added. */
  public double totalWeight() {
    return totalWeight;
  }

  /** The weighted mean, rounded to float. */
  public float[] mean() {
    if (totalWeight == 0) {
      throw new IllegalStateException("no samples were processed by any worker: every partition was empty");
    }
    float[] mean = new float[sum.length];
    for (int i = 0; i < sum.length; i++) {
      mean[i] = (float) (sum[i] / totalWeight);
    }
    return mean;
  }
}
