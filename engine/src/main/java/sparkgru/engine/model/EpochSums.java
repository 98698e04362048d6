package sparkgru.engine.model;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sparkgru.engine.loss.Metric;

/**
 * Running sums of one epoch (or one evaluation): loss times samples, sample count, and one
 * {@code [weighted sum, weight]} accumulator per metric. Sums from different batches, rounds
 * or Spark partitions {@link #merge} into the same epoch figures Keras reports.
 */
public final class EpochSums implements Serializable {
  private static final long serialVersionUID = 1L;

  private double lossSum;
  private long samples;
  private final double[][] metricAcc;

  /** Empty sums for this many metrics. */
  public EpochSums(int metrics) {
    this.metricAcc = new double[metrics][2];
  }

  /** Adds one batch's mean loss. */
  void addBatch(double loss, int batchSamples) {
    lossSum += loss * batchSamples;
    samples += batchSamples;
  }

  /** The metric accumulators, filled by the model. */
  double[][] metricAccumulators() {
    return metricAcc;
  }

  /** Adds another set of sums into this one. */
  public EpochSums merge(EpochSums other) {
    if (other.metricAcc.length != metricAcc.length) {
      throw new IllegalArgumentException("cannot merge sums of " + other.metricAcc.length + " metrics into "
          + metricAcc.length);
    }
    lossSum += other.lossSum;
    samples += other.samples;
    for (int m = 0; m < metricAcc.length; m++) {
      metricAcc[m][0] += other.metricAcc[m][0];
      metricAcc[m][1] += other.metricAcc[m][1];
    }
    return this;
  }

  /** Samples seen. */
  public long samples() {
    return samples;
  }

  /** Mean loss per sample, 0 when empty. */
  public double meanLoss() {
    return samples == 0 ? 0 : lossSum / samples;
  }

  /** {@code loss} and each metric by Keras name, every key prefixed (e.g. {@code val_}). */
  public Map<String, Double> logs(List<Metric> metrics, String prefix) {
    Map<String, Double> logs = new LinkedHashMap<>();
    logs.put(prefix + "loss", meanLoss());
    for (int m = 0; m < metrics.size(); m++) {
      logs.put(prefix + metrics.get(m).kerasName(), metrics.get(m).result(metricAcc[m]));
    }
    return logs;
  }
}
