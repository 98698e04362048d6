package sparkgru.jobs.train;

import sparkgru.engine.model.History;

/**
 * Everything needed to continue training after an epoch: the flat weights, the optimiser state
 * and iteration count, and the history so far.
 *
 * @param epoch          epochs completed
 * @param weights        the averaged weights
 * @param optimizerState the averaged optimiser state (empty when not averaged)
 * @param iterations     optimiser steps taken
 * @param history        per-epoch logs so far
 */
public record TrainingState(int epoch, float[] weights, float[] optimizerState, long iterations, History history) {}
