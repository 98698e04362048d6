package sparkgru.jobs.train;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import sparkgru.engine.model.EpochSums;
import sparkgru.engine.optim.ParameterAveraging;

/**
 * What workers send back after a round, summed: weights and optimiser state scaled by the
 * samples each worker processed, the loss and metric sums, the most optimiser steps any worker
 * took, and each partition's loss sums (for the spread across partitions). Merged in partition
 * order by {@link WeightAverager}, so the result never depends on which task finished first.
 */
final class RoundUpdate implements Serializable {
  private static final long serialVersionUID = 1L;

  final int firstPartition;
  /** Null while no worker of this update trained (empty or exhausted partitions). */
  ParameterAveraging weights;
  ParameterAveraging state;
  final EpochSums sums;
  long steps;
  final TreeMap<Integer, double[]> partitionLoss = new TreeMap<>();

  RoundUpdate(int partition, int metrics) {
    this.firstPartition = partition;
    this.sums = new EpochSums(metrics);
  }

  /** Whether any worker trained. */
  boolean trained() {
    return weights != null;
  }

  /** Adds {@code other}, which must come from later partitions. */
  RoundUpdate merge(RoundUpdate other) {
    if (other.trained()) {
      if (trained()) {
        weights.merge(other.weights);
        state.merge(other.state);
      } else {
        weights = other.weights;
        state = other.state;
      }
    }
    sums.merge(other.sums);
    steps = Math.max(steps, other.steps);
    for (Map.Entry<Integer, double[]> e : other.partitionLoss.entrySet()) {
      partitionLoss.merge(e.getKey(), e.getValue(), (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
    }
    return this;
  }
}
