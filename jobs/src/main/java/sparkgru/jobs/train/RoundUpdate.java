package sparkgru.jobs.train;

import java.io.Serializable;
import java.util.TreeMap;
import sparkgru.engine.model.EpochSums;
import sparkgru.engine.optim.ParameterAveraging;

/**
 * What workers send back after a round, summed: weights and optimiser state scaled by the
 * samples each worker processed, the loss and metric sums, the most optimiser steps any worker
 * took, the longest training loop, and each partition's loss sums (for the spread across
 * partitions). Merged in partition
 * order by {@link WeightAverager}, so the result never depends on which task finished first.
 */
final class RoundUpdate implements Serializable {
  private static final long serialVersionUID = 1L;

  final int firstPartition;
  /**
   * The weights followed by the optimiser state (when it is averaged), as one vector; null
   * while no worker of this update trained (empty or exhausted partitions).
   */
  ParameterAveraging average;
  final EpochSums sums;
  long steps;
  /** The longest time one worker spent in its training loop this round. */
  long trainingNanos;
  /** Each partition's training loss this round. */
  final TreeMap<Integer, LossSum> partitionLoss = new TreeMap<>();

  RoundUpdate(int partition, int metrics) {
    this.firstPartition = partition;
    this.sums = new EpochSums(metrics);
  }

  /** Whether any worker trained. */
  boolean trained() {
    return average != null;
  }

  /** Adds {@code other}, which must come from later partitions. */
  RoundUpdate merge(RoundUpdate other) {
    if (other.trained()) {
      if (trained()) {
        average.merge(other.average);
      } else {
        average = other.average;
      }
    }
    sums.merge(other.sums);
    steps = Math.max(steps, other.steps);
    trainingNanos = Math.max(trainingNanos, other.trainingNanos);
    other.partitionLoss.forEach((p, loss) -> partitionLoss.merge(p, loss, LossSum::plus));
    return this;
  }
}
