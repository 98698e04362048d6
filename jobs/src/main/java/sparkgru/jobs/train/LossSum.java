package sparkgru.jobs.train;

import java.io.Serializable;

/**
 * A partition's training loss over a round or an epoch: the loss summed over its samples, and
 * the samples. A final class rather than a record because it travels in every
 * {@link RoundUpdate}, and Spark's Kryo serializer (Kryo 4) cannot rebuild records.
 */
final class LossSum implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double sum;
  private final double samples;

  /** The loss summed over {@code samples} samples. */
  LossSum(double sum, double samples) {
    this.sum = sum;
    this.samples = samples;
  }

  /** The loss summed over the samples. */
  double sum() {
    return sum;
  }

  /** The samples the loss is summed over. */
  double samples() {
    return samples;
  }

  /** Both sums added. */
  LossSum plus(LossSum other) {
    return new LossSum(sum + other.sum, samples + other.samples);
  }

  /** The mean loss per sample: {@code sum / samples} (NaN without samples). */
  double mean() {
    return sum / samples;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LossSum l && Double.compare(sum, l.sum) == 0 && Double.compare(samples, l.samples) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * Double.hashCode(sum) + Double.hashCode(samples);
  }

  @Override
  public String toString() {
    return "LossSum[sum=" + sum + ", samples=" + samples + "]";
  }
}
