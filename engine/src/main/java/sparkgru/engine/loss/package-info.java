/**
 * Losses and metrics with Keras' definitions and reductions, masked-step weighting included.
 * They see predictions and targets as flat float arrays; nothing here knows about layers.
 */
package sparkgru.engine.loss;
