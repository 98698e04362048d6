/**
 * Layers and what configures their weights: {@link sparkgru.engine.layers.GruLayer} (the sequence
 * loop and back-propagation through time), {@link sparkgru.engine.layers.Dense},
 * {@link sparkgru.engine.layers.Masking}, {@link sparkgru.engine.layers.Dropout}, initializers,
 * regularizers and constraints. Layers know nothing of optimisers, losses or the training loop.
 */
package sparkgru.engine.layers;
