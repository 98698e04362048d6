package sparkgru.jobs.train;

import java.util.List;
import sparkgru.engine.model.History;

/**
 * Everything needed to continue training after an epoch: the flat weights, the optimiser state,
 * iteration count and learning rate, and the history so far.
 *
 * @param epoch          epochs completed
 * @param weights        the averaged weights
 * @param optimizerState the averaged optimiser state (empty when not averaged)
 * @param iterations     optimiser steps taken
 * @param learningRate   the constant learning rate in force (NaN under a schedule)
 * @param history        per-epoch logs so far
 * @param callbackStates each callback's {@link TrainingCallback#state()}, in order
 */
public record TrainingState(int epoch, float[] weights, float[] optimizerState, long iterations, double learningRate,
    History history, List<double[]> callbackStates) {}
