/**
 * Optimisers with Keras 3's update rules and defaults, gradient clipping, learning-rate
 * schedules and {@link sparkgru.engine.optim.ParameterAveraging}. They work on flat float arrays
 * and know nothing of layers; the optimiser state is one flat array too.
 */
package sparkgru.engine.optim;
